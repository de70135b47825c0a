/**
 * What the supervisor needs only once it starts a collector, loaded then (supervisor.ts): the config loader and the
 * collector runtime with all of its components. A sandbox runs no collector until an install deploys one; loading
 * it all at start was 28-45 ms of `adot sandbox start` to ready (medians of 11 alternating runs on Node 20, 22, 24).
 */
export { prepareConfigText } from './config/load.js';
export { SettingsError } from './config/settings.js';
export { startCollector } from './runtime/collector.js';
export { withLocalEndpoints } from './runtime/local-endpoints.js';
