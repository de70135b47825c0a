/**
 * The collector configuration (the OpenTelemetryCollector's spec.config): parsing, the checks adot runs before
 * applying or running one, environment references, and the facts other modules derive from it (components in use,
 * listening ports, targets). One module per job under collector-config/; this file gathers them.
 */
export * from './collector-config/types.js';
export * from './collector-config/parse.js';
export * from './collector-config/catalog.js';
export * from './collector-config/env-references.js';
export * from './collector-config/pod-environment.js';
export * from './collector-config/dollar-signs.js';
export * from './collector-config/pipelines.js';
export * from './collector-config/ports.js';
export * from './collector-config/validate.js';
