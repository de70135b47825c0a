export { apsService } from './service.js';
export { ApsState, SAMPLES_KEPT_PER_SERIES, type LatestSample, type StoredSeries } from './state.js';
export { decodeRemoteWrite, type WrittenSeries } from './write-request.js';
export { AmpWorkspaces, derivedWorkspaceId, type Workspace, type WorkspaceStatusCode } from './workspaces.js';
