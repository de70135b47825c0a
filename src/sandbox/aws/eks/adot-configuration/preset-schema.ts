import { closedObject, pipelineSwitch, resources, stringMap, type JsonSchema } from './schema-parts.js';

const DOCS = 'https://aws-otel.github.io/docs/getting-started/adot-eks-add-on/';

/**
 * The `collector` section from v0.88.0 (the breaking change, https://aws-otel.github.io/docs/ReleaseBlogs/aws-distro-for-opentelemetry-eks-add-on-v0.88.0):
 * three preconfigured collectors, each with "the complete list of configurable fields" its page gives
 * (resources, serviceAccount.annotations, pipelines, exporters: config-prometheus-metrics, config-otlp-ingest,
 * config-container-logs). Where the schema of v0.117.0-eksbuild.1 is quoted
 * (https://github.com/aws-observability/aws-otel-collector/issues/3087) it is followed: titles, `enabled` required,
 * the log stream name's limits, the if-amp-enabled rule of prometheusMetrics; titles it does not show follow its
 * pattern. That rule's `then` is cut from the
 * quote; it requires the remote write endpoint the page calls "Required if the amp pipeline is enabled". The
 * presets take no tolerations or nodeSelector of their own (https://github.com/aws-observability/aws-otel-collector/issues/3133).
 */
export function presetCollectorSchema(): JsonSchema {
  return closedObject({
    prometheusMetrics: prometheusMetricsSchema(),
    otlpIngest: otlpIngestSchema(),
    containerLogs: containerLogsSchema(),
  });
}

function serviceAccountSchema(): JsonSchema {
  return closedObject(
    { annotations: { ...stringMap, description: 'e.g. eks.amazonaws.com/role-arn: <iam_role_arn>' } },
    { title: 'The serviceAccount Schema' },
  );
}

function prometheusMetricsSchema(): JsonSchema {
  const ampEnabled = {
    properties: {
      pipelines: {
        properties: {
          metrics: {
            properties: {
              amp: { properties: { enabled: { const: true } }, required: ['enabled'], type: 'object' },
            },
            required: ['amp'],
            type: 'object',
          },
        },
        required: ['metrics'],
        type: 'object',
      },
    },
    required: ['pipelines'],
    type: 'object',
  };
  const endpointRequired = {
    properties: {
      exporters: {
        properties: { prometheusremotewrite: { required: ['endpoint'] } },
        required: ['prometheusremotewrite'],
      },
    },
    required: ['exporters'],
  };
  return closedObject(
    {
      resources,
      serviceAccount: serviceAccountSchema(),
      pipelines: closedObject({
        metrics: closedObject({ amp: pipelineSwitch('The amp Schema'), emf: pipelineSwitch('The emf Schema') }),
      }),
      exporters: closedObject(
        {
          prometheusremotewrite: closedObject({
            endpoint: { type: 'string', description: 'The remote write endpoint associated with the AMP workspace.' },
          }),
        },
        { title: 'The ADOT exporters Schema' },
      ),
    },
    {
      title: 'Opinionated collector for prometheus metrics',
      description: `${DOCS}config-prometheus-metrics`,
      if: ampEnabled,
      then: endpointRequired,
    },
  );
}

function otlpIngestSchema(): JsonSchema {
  return closedObject(
    {
      resources,
      serviceAccount: serviceAccountSchema(),
      pipelines: closedObject({ traces: closedObject({ xray: pipelineSwitch('The xray Schema') }) }),
    },
    { title: 'Opinionated collector for otlp ingest', description: `${DOCS}config-otlp-ingest` },
  );
}

function containerLogsSchema(): JsonSchema {
  return closedObject(
    {
      resources,
      serviceAccount: serviceAccountSchema(),
      pipelines: closedObject({
        logs: closedObject(
          { cloudwatchLogs: pipelineSwitch('The Cloudwatch Logs Schema') },
          { title: 'The logs Schema' },
        ),
      }),
      exporters: closedObject(
        {
          awscloudwatchlogs: closedObject(
            {
              // the page: "Must follow pattern: [\\.\\-_/#A-Za-z0-9]+"; the length limit is the log stream's (quoted)
              log_group_name: {
                maxLength: 512,
                minLength: 1,
                pattern: '[\\.\\-_/#A-Za-z0-9]+',
                title: 'The log_group_name Schema',
                type: 'string',
              },
              log_stream_name: {
                maxLength: 512,
                minLength: 1,
                pattern: '[^:*]*',
                title: 'The log_stream_name Schema',
                type: 'string',
              },
            },
            { title: 'The awscloudwatchlogs exporter Schema' },
          ),
        },
        { title: 'The ADOT exporters Schema' },
      ),
    },
    { title: 'Opinionated collector for container logs', description: `${DOCS}config-container-logs` },
  );
}
