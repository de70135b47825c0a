import type { KubeObject } from '../../types.js';
import { PRESETS, type PresetKey } from '../../../core/addon-config/presets.js';
import {
  ampExtension,
  batchMetrics,
  BATCH_TRACES,
  emfExporter,
  filelogReceiver,
  otlpReceiver,
  prometheusReceiver,
  remoteWriteExporter,
  xrayExporter,
} from './components.js';
import {
  collectorResource,
  pick,
  prometheusRbac,
  resourcesWithDefaults,
  serviceAccount,
  stringsOf,
  type CollectorContext,
} from './objects.js';

/**
 * The preconfigured collectors of v0.88.0 and later
 * (https://aws-otel.github.io/docs/getting-started/adot-eks-add-on/add-on-configuration-collector-deployment): each
 * an OpenTelemetryCollector in opentelemetry-operator-system named as its service account, the fixed name its page
 * gives ("Service accounts will also use a fixed, non configurable, name that is unique per collector custom
 * resource", the v0.88 migration guide), created with the configuration's serviceAccount.annotations. A preset is
 * deployed when one of its pipelines is enabled (a collector with no pipeline would not start); its page's defaults
 * fill what the configuration leaves out.
 */
/** the fixed names, shared with adot's install and doctor (src/core/addon-config/presets.ts cites the pages) */
export const PRESET_NAMES = Object.fromEntries(PRESETS.map((preset) => [preset.key, preset.name])) as Record<
  PresetKey,
  string
>;

/** "limits: cpu 1000m, memory 750Mi; requests: cpu 300m, memory 512Mi" on each preset's page */
const PRESET_RESOURCES = { limits: { cpu: '1000m', memory: '750Mi' }, requests: { cpu: '300m', memory: '512Mi' } };

/** where pod logs are on an EKS node (the kubelet's /var/log/pods) */
const NODE_LOG_ROOT = '/var/log';

export function presetObjects(values: unknown, context: CollectorContext): KubeObject[] {
  return [
    ...prometheusMetrics(pick(values, 'collector.prometheusMetrics'), context),
    ...otlpIngest(pick(values, 'collector.otlpIngest'), context),
    ...containerLogs(pick(values, 'collector.containerLogs'), context),
  ];
}

const enabled = (preset: unknown, path: string): boolean => pick(preset, path) === true;

/** prometheus receiver → metrics/amp (prometheusremotewrite, sigv4auth) and/or metrics/emf (awsemf) */
function prometheusMetrics(preset: unknown, context: CollectorContext): KubeObject[] {
  const amp = enabled(preset, 'pipelines.metrics.amp.enabled');
  const emf = enabled(preset, 'pipelines.metrics.emf.enabled');
  if (!amp && !emf) return [];
  const name = PRESET_NAMES.prometheusMetrics;
  const endpoint = String(pick(preset, 'exporters.prometheusremotewrite.endpoint') ?? '');
  const pipeline = (exporter: string) => ({
    receivers: ['prometheus'],
    processors: ['batch/metrics'],
    exporters: [exporter],
  });
  const config: Record<string, unknown> = {
    receivers: { prometheus: prometheusReceiver() },
    processors: { 'batch/metrics': batchMetrics(context.metricsBatchSeconds) },
    exporters: {
      ...(amp ? { prometheusremotewrite: remoteWriteExporter(endpoint) } : {}),
      ...(emf ? { awsemf: emfExporter(context.clusterName, context.region) } : {}),
    },
    ...(amp ? { extensions: { sigv4auth: ampExtension(endpoint, context.region) } } : {}),
    service: {
      ...(amp ? { extensions: ['sigv4auth'] } : {}),
      pipelines: {
        ...(amp ? { 'metrics/amp': pipeline('prometheusremotewrite') } : {}),
        ...(emf ? { 'metrics/emf': pipeline('awsemf') } : {}),
      },
    },
  };
  return [
    serviceAccount(name, stringsOf(pick(preset, 'serviceAccount.annotations'))),
    ...prometheusRbac(name, name),
    collectorResource(context, {
      name,
      mode: 'deployment',
      serviceAccount: name,
      resources: resourcesWithDefaults(pick(preset, 'resources'), PRESET_RESOURCES),
      config,
    }),
  ];
}

/** otlp receiver → traces/xray (awsxray) */
function otlpIngest(preset: unknown, context: CollectorContext): KubeObject[] {
  if (!enabled(preset, 'pipelines.traces.xray.enabled')) return [];
  const name = PRESET_NAMES.otlpIngest;
  return [
    serviceAccount(name, stringsOf(pick(preset, 'serviceAccount.annotations'))),
    collectorResource(context, {
      name,
      mode: 'deployment',
      serviceAccount: name,
      resources: resourcesWithDefaults(pick(preset, 'resources'), PRESET_RESOURCES),
      config: {
        receivers: { otlp: otlpReceiver() },
        processors: { 'batch/traces': BATCH_TRACES },
        exporters: { awsxray: xrayExporter(context.region) },
        service: {
          pipelines: { 'traces/xray': { receivers: ['otlp'], processors: ['batch/traces'], exporters: ['awsxray'] } },
        },
      },
    }),
  ];
}

/**
 * A DaemonSet ("the collector will run as a DaemonSet in order to capture all logs on each node") tailing the node's
 * pod logs → logs/cloudwatchLogs (awscloudwatchlogs). The page's defaults "$CLUSTER_NAME/container/logs" and
 * "$NODE_NAME" are read from spec.env (the cluster's name, the downward API's spec.nodeName). Reading the node's
 * files takes a read-only hostPath mount of /var/log/pods, not RBAC.
 */
function containerLogs(preset: unknown, context: CollectorContext): KubeObject[] {
  if (!enabled(preset, 'pipelines.logs.cloudwatchLogs.enabled')) return [];
  const name = PRESET_NAMES.containerLogs;
  const exporter = pick(preset, 'exporters.awscloudwatchlogs');
  const logGroup = pick(exporter, 'log_group_name');
  const logStream = pick(exporter, 'log_stream_name');
  return [
    serviceAccount(name, stringsOf(pick(preset, 'serviceAccount.annotations'))),
    collectorResource(context, {
      name,
      mode: 'daemonset',
      serviceAccount: name,
      resources: resourcesWithDefaults(pick(preset, 'resources'), PRESET_RESOURCES),
      env: [
        { name: 'CLUSTER_NAME', value: context.clusterName },
        { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      ],
      volumes: [{ name: 'varlogpods', hostPath: { path: `${NODE_LOG_ROOT}/pods` } }],
      volumeMounts: [{ name: 'varlogpods', mountPath: `${NODE_LOG_ROOT}/pods`, readOnly: true }],
      config: {
        receivers: { filelog: filelogReceiver(name, NODE_LOG_ROOT) },
        processors: { 'batch/logs': { timeout: '1s' } },
        exporters: {
          awscloudwatchlogs: {
            region: context.region,
            log_group_name: typeof logGroup === 'string' ? logGroup : '${env:CLUSTER_NAME}/container/logs',
            log_stream_name: typeof logStream === 'string' ? logStream : '${env:NODE_NAME}',
          },
        },
        service: {
          pipelines: {
            'logs/cloudwatchLogs': {
              receivers: ['filelog'],
              processors: ['batch/logs'],
              exporters: ['awscloudwatchlogs'],
            },
          },
        },
      },
    }),
  ];
}
