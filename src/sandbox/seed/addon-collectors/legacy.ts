import { LEGACY_COLLECTOR_NAME, LEGACY_SERVICE_ACCOUNT } from '../../../core/addon-config/presets.js';
import type { KubeObject } from '../../types.js';
import {
  ampExtension,
  batchMetrics,
  BATCH_TRACES,
  emfExporter,
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
 * The collector of v0.62.1 to v0.84.0's `collector` section: one OpenTelemetryCollector for every destination
 * switched on ("configuring a metrics … pipeline in addition to `collector.xray.enabled` would create a single
 * OpenTelemetryCollector custom resource"), which applications reached at `http://my-collector-collector:4317`
 * (https://github.com/aws-otel/aws-otel.github.io/blob/282f48cba70d4b10fef0c6a42a518fb6263c31d2/src/docs/getting-started/adot-eks-add-on/add-on-v88-migration.mdx):
 * so it is named my-collector. Its namespace is not written down; it is the add-on's. Defaults are the v0.66.0
 * table's (…/commit/9436089cc5eb97779928046f30a312dcabdd8dfe): mode deployment, 1 replica, limits 256m/512Mi,
 * requests 64m/128Mi, a service account created and named aws-otel-collector. `--service-account-role-arn`
 * "will annotate service accounts created by the add-on with the role ARN you provide" (same table's note);
 * `collector.serviceAccount.annotations` are written over it.
 */
export { LEGACY_COLLECTOR_NAME };

const LEGACY_RESOURCES = { limits: { cpu: '256m', memory: '512Mi' }, requests: { cpu: '64m', memory: '128Mi' } };

export function legacyCollectorObjects(
  values: unknown,
  context: CollectorContext,
  serviceAccountRoleArn: string | undefined,
): KubeObject[] {
  const collector = pick(values, 'collector');
  const amp = pick(collector, 'amp.enabled') === true;
  const cloudwatch = pick(collector, 'cloudwatch.enabled') === true;
  const xray = pick(collector, 'xray.enabled') === true;
  if (!amp && !cloudwatch && !xray) return [];
  const create = pick(collector, 'serviceAccount.create') !== false;
  const givenName = pick(collector, 'serviceAccount.name');
  const account = typeof givenName === 'string' && givenName !== '' ? givenName : LEGACY_SERVICE_ACCOUNT;
  const annotations = {
    ...(serviceAccountRoleArn === undefined ? {} : { 'eks.amazonaws.com/role-arn': serviceAccountRoleArn }),
    ...stringsOf(pick(collector, 'serviceAccount.annotations')),
  };
  const endpoint = String(pick(collector, 'amp.remoteWriteEndpoint') ?? '');
  const metrics = (exporter: string) => ({
    receivers: ['prometheus'],
    processors: ['batch/metrics'],
    exporters: [exporter],
  });
  const config: Record<string, unknown> = {
    receivers: {
      ...(xray ? { otlp: otlpReceiver() } : {}),
      ...(amp || cloudwatch ? { prometheus: prometheusReceiver() } : {}),
    },
    processors: {
      ...(xray ? { 'batch/traces': BATCH_TRACES } : {}),
      ...(amp || cloudwatch ? { 'batch/metrics': batchMetrics(context.metricsBatchSeconds) } : {}),
    },
    exporters: {
      ...(xray ? { awsxray: xrayExporter(context.region) } : {}),
      ...(amp ? { prometheusremotewrite: remoteWriteExporter(endpoint) } : {}),
      ...(cloudwatch ? { awsemf: emfExporter(context.clusterName, context.region) } : {}),
    },
    ...(amp ? { extensions: { sigv4auth: ampExtension(endpoint, context.region) } } : {}),
    service: {
      ...(amp ? { extensions: ['sigv4auth'] } : {}),
      pipelines: {
        ...(xray
          ? { 'traces/xray': { receivers: ['otlp'], processors: ['batch/traces'], exporters: ['awsxray'] } }
          : {}),
        ...(amp ? { 'metrics/amp': metrics('prometheusremotewrite') } : {}),
        ...(cloudwatch ? { 'metrics/cloudwatch': metrics('awsemf') } : {}),
      },
    },
  };
  const mode = typeof pick(collector, 'mode') === 'string' ? String(pick(collector, 'mode')) : 'deployment';
  const replicas = pick(collector, 'replicas');
  return [
    ...(create ? [serviceAccount(account, annotations)] : []),
    ...(amp || cloudwatch ? prometheusRbac(LEGACY_COLLECTOR_NAME, account) : []),
    collectorResource(context, {
      name: LEGACY_COLLECTOR_NAME,
      mode,
      serviceAccount: account,
      ...(mode === 'deployment' || mode === 'statefulset'
        ? { replicas: typeof replicas === 'number' ? replicas : 1 }
        : {}),
      resources: resourcesWithDefaults(pick(collector, 'resources'), LEGACY_RESOURCES),
      config,
    }),
  ];
}
