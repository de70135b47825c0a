/** The component types adot knows: those of the ADOT collector the add-on deploys, with the signals each handles. */
import type { Section, Signal } from './types.js';

const ALL: readonly Signal[] = ['traces', 'metrics', 'logs'];
const TRACES: readonly Signal[] = ['traces'];
const METRICS: readonly Signal[] = ['metrics'];
const LOGS: readonly Signal[] = ['logs'];

/** Component types adot knows (those of the ADOT collector it deploys), with the signals each one handles. */
export const knownComponents: Record<Exclude<Section, 'extensions'>, Record<string, readonly Signal[]>> = {
  receivers: {
    otlp: ALL,
    awsxray: TRACES,
    prometheus: METRICS,
    statsd: METRICS,
    zipkin: TRACES,
    jaeger: TRACES,
    hostmetrics: METRICS,
    filelog: LOGS,
    kafka: ALL,
    awsecscontainermetrics: METRICS,
    awscontainerinsightreceiver: METRICS,
  },
  processors: {
    batch: ALL,
    memory_limiter: ALL,
    resourcedetection: ALL,
    resource: ALL,
    attributes: ALL,
    filter: ALL,
    transform: ALL,
    k8sattributes: ALL,
    metricstransform: METRICS,
    cumulativetodelta: METRICS,
    deltatorate: METRICS,
    probabilistic_sampler: ['traces', 'logs'],
    span: TRACES,
    groupbytrace: TRACES,
    tail_sampling: TRACES,
  },
  exporters: {
    awsxray: TRACES,
    awsemf: METRICS,
    prometheusremotewrite: METRICS,
    prometheus: METRICS,
    awscloudwatchlogs: LOGS,
    otlp: ALL,
    otlphttp: ALL,
    debug: ALL,
    logging: ALL,
    file: ALL,
    kafka: ALL,
  },
};
export const knownExtensions = ['sigv4auth', 'health_check', 'pprof', 'zpages', 'ecs_observer', 'file_storage'];

export const sections: readonly Section[] = ['receivers', 'processors', 'exporters', 'extensions'];
