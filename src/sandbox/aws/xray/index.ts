export { xrayService } from './service.js';
export { MAX_SEGMENTS_PER_PUT, XRayState, type StoredTrace, type TraceSummary } from './state.js';
export { XRaySampling, type SamplingRule } from './sampling.js';
