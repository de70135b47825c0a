/**
 * The collector components the add-on's collectors are made of. The add-on does not publish the configurations it
 * renders (test/fixtures/addon-docs/config-*.yaml say so for the presets); these are the sandbox's, built from what
 * the ADOT docs publish for the same destinations (config-amp, config-cloudwatch, config-xray and the preset pages
 * under https://aws-otel.github.io/docs/getting-started/adot-eks-add-on/). `$$` is a literal `$` in collector
 * configurations.
 */
type Config = Record<string, unknown>;

/** the docs' annotation-driven jobs (config-amp): services and pods that set prometheus.io/scrape: 'true' */
export function prometheusReceiver(): Config {
  const annotated = (role: 'endpoints' | 'pod', prefix: string) => ({
    job_name: role === 'pod' ? 'kubernetes-pods' : 'kubernetes-service-endpoints',
    kubernetes_sd_configs: [{ role }],
    relabel_configs: [
      { source_labels: [`${prefix}_annotation_prometheus_io_scrape`], action: 'keep', regex: 'true' },
      {
        source_labels: [`${prefix}_annotation_prometheus_io_scheme`],
        action: 'replace',
        target_label: '__scheme__',
        regex: '(https?)',
      },
      {
        source_labels: [`${prefix}_annotation_prometheus_io_path`],
        action: 'replace',
        target_label: '__metrics_path__',
        regex: '(.+)',
      },
      {
        source_labels: ['__address__', `${prefix}_annotation_prometheus_io_port`],
        action: 'replace',
        target_label: '__address__',
        regex: '([^:]+)(?::\\d+)?;(\\d+)',
        replacement: '$$1:$$2',
      },
      { source_labels: ['__meta_kubernetes_namespace'], action: 'replace', target_label: 'kubernetes_namespace' },
      role === 'pod'
        ? { source_labels: ['__meta_kubernetes_pod_name'], action: 'replace', target_label: 'kubernetes_pod_name' }
        : { source_labels: ['__meta_kubernetes_service_name'], action: 'replace', target_label: 'kubernetes_name' },
    ],
  });
  return {
    config: {
      global: { scrape_interval: '15s', scrape_timeout: '10s' },
      scrape_configs: [annotated('endpoints', '__meta_kubernetes_service'), annotated('pod', '__meta_kubernetes_pod')],
    },
  };
}

/** OTLP on all interfaces (v0.88.0-eksbuild.2 fixed "OTLP Ingest … OTLP receiver port bindings") */
export function otlpReceiver(): Config {
  return { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } };
}

/** the AMP region is the one in the remote write URL (aps-workspaces.REGION.amazonaws.com), else the cluster's */
export function ampExtension(endpoint: string, region: string): Config {
  const match = /aps-workspaces\.([a-z0-9-]+)\.amazonaws\.com/.exec(endpoint);
  return { region: match?.[1] ?? region, service: 'aps' };
}

export function remoteWriteExporter(endpoint: string): Config {
  return { endpoint, auth: { authenticator: 'sigv4auth' } };
}

/** the docs' CloudWatch configuration (config-cloudwatch): Container Insights' Prometheus namespace and log group */
export function emfExporter(clusterName: string, region: string): Config {
  return {
    region,
    namespace: 'ContainerInsights/Prometheus',
    log_group_name: `/aws/containerinsights/${clusterName}/prometheus`,
    dimension_rollup_option: 'NoDimensionRollup',
    resource_to_telemetry_conversion: { enabled: true },
  };
}

export function xrayExporter(region: string): Config {
  return { region };
}

/** the docs' batching: 60 s for metrics (config-amp), 1 s and 50 spans for traces (config-xray) */
export const BATCH_METRICS_SECONDS = 60;
export const BATCH_TRACES: Config = { timeout: '1s', send_batch_size: 50 };

/** the metrics batch: the docs' 60 s, or the seed's behaviour.addonCollectorBatchSeconds (a test affordance) */
export function batchMetrics(seconds: number = BATCH_METRICS_SECONDS): Config {
  return { timeout: Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms` };
}

/**
 * Tailing every pod's log file on the node (config-container-logs: "tail all Kubernetes pod logs with the filelog
 * receiver"), without the collector's own, parsed by the container operator.
 */
export function filelogReceiver(collectorName: string, logRoot: string): Config {
  return {
    include: [`${logRoot}/pods/*/*/*.log`],
    exclude: [`${logRoot}/pods/opentelemetry-operator-system_${collectorName}*/*/*.log`],
    start_at: 'end',
    include_file_path: true,
    include_file_name: false,
    operators: [{ type: 'container', id: 'container-parser' }],
  };
}
