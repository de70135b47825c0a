/**
 * The AWS calls a collector's exporters make, as IAM actions on resources: what the collector's role must be allowed
 * to do for its telemetry to arrive. Doctor evaluates the role's policies against exactly these (so a custom policy
 * that grants them passes and a managed one that lacks them fails), and the sandbox authorizes the same calls.
 *
 * Actions and resource ARN formats: the Service Authorization Reference,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html (PutTraceSegments,
 * PutTelemetryRecords: resource `*`),
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonmanagedserviceforprometheus.html
 * (RemoteWrite on `arn:${Partition}:aps:${Region}:${Account}:workspace/${WorkspaceId}`),
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html (CreateLogGroup
 * and CreateLogStream on the log-group, PutLogEvents on the log-stream).
 */
import { componentType, exportersInUse, type CollectorConfig } from '../collector-config.js';
import { targetForExporter, type Target } from '../targets.js';

export interface RequiredPermission {
  action: string;
  resource: string;
  /** the exporter id that makes the call */
  exporter: string;
  /** the target the exporter serves, when it is one of adot's */
  target: Target | undefined;
  /** why it is needed, for messages */
  why: string;
}

export interface PermissionContext {
  account: string;
  /** the region an exporter without its own `region` sends to (the cluster's) */
  region: string;
}

/** aws, aws-cn or aws-us-gov, from the region (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html) */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

const AMP_REMOTE_WRITE =
  /^https:\/\/aps-workspaces(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/workspaces\/([^/]+)\//;

/** The region and workspace an Amazon Managed Service for Prometheus remote-write URL names; undefined otherwise. */
export function ampWorkspaceOfUrl(url: string): { region: string; workspaceId: string } | undefined {
  const match = AMP_REMOTE_WRITE.exec(url.trim());
  return match?.[1] === undefined || match[2] === undefined ? undefined : { region: match[1], workspaceId: match[2] };
}

export function ampWorkspaceArn(region: string, account: string, workspaceId: string): string {
  return `arn:${partitionOf(region)}:aps:${region}:${account}:workspace/${workspaceId}`;
}

/**
 * awsemf's log group and stream names may hold placeholders ({ClusterName}, {TaskId} …), and any name may hold an
 * environment reference whose value is only known in the pod (${env:NODE_NAME}): both stand for any name.
 */
function logName(name: string): string {
  return name.replace(/\$?\{[^}]*\}/g, '*');
}

export function logGroupArn(region: string, account: string, group: string): string {
  return `arn:${partitionOf(region)}:logs:${region}:${account}:log-group:${logName(group)}`;
}

export function logStreamArn(region: string, account: string, group: string, stream: string): string {
  return `${logGroupArn(region, account, group)}:log-stream:${logName(stream)}`;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Defaults of the exporters' settings that name resources: awsemf log group `/metrics/default` and stream
 * `otel-stream`, as upstream documents them
 * (https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/exporter/awsemfexporter, README).
 */
const AWSEMF_DEFAULT_GROUP = '/metrics/default';
const AWSEMF_DEFAULT_STREAM = 'otel-stream';

/** The permissions one exporter's calls need; none for exporters that call no AWS API. */
export function exporterPermissions(id: string, settings: unknown, context: PermissionContext): RequiredPermission[] {
  return exporterCalls(id, settings, context).map((call) => ({ ...call, exporter: id, target: targetForExporter(id) }));
}

function exporterCalls(
  id: string,
  settings: unknown,
  context: PermissionContext,
): Omit<RequiredPermission, 'exporter' | 'target'>[] {
  const values = record(settings);
  const region = text(values.region) ?? context.region;
  const { account } = context;
  switch (componentType(id)) {
    case 'awsxray': {
      const needed: Omit<RequiredPermission, 'exporter' | 'target'>[] = [
        { action: 'xray:PutTraceSegments', resource: '*', why: 'sends the segments' },
      ];
      // PutTelemetryRecords is called only when the exporter's own telemetry is enabled (upstream default: off)
      if (record(values.telemetry).enabled === true) {
        needed.push({ action: 'xray:PutTelemetryRecords', resource: '*', why: 'sends its telemetry records' });
      }
      return needed;
    }
    case 'prometheusremotewrite': {
      const workspace = ampWorkspaceOfUrl(text(values.endpoint) ?? '');
      if (workspace === undefined) return [];
      return [
        {
          action: 'aps:RemoteWrite',
          resource: ampWorkspaceArn(workspace.region, account, workspace.workspaceId),
          why: `writes to workspace ${workspace.workspaceId}`,
        },
      ];
    }
    case 'awsemf':
    case 'awscloudwatchlogs': {
      const group = text(values.log_group_name) ?? AWSEMF_DEFAULT_GROUP;
      const stream = text(values.log_stream_name) ?? AWSEMF_DEFAULT_STREAM;
      return [
        {
          action: 'logs:PutLogEvents',
          resource: logStreamArn(region, account, group, stream),
          why: `writes to log group ${group}`,
        },
        {
          action: 'logs:CreateLogStream',
          resource: logGroupArn(region, account, group),
          why: `creates stream ${stream} when it is missing`,
        },
        {
          action: 'logs:CreateLogGroup',
          resource: logGroupArn(region, account, group),
          why: `creates log group ${group} when it is missing`,
        },
      ];
    }
    default:
      return [];
  }
}

/** Every permission the exporters in the config's pipelines need. */
export function requiredPermissions(config: CollectorConfig, context: PermissionContext): RequiredPermission[] {
  return exportersInUse(config).flatMap((id) => exporterPermissions(id, config.exporters[id], context));
}

/**
 * What adot's templates for these targets need, when there is no collector to read: the X-Ray template's
 * awsxray exporter, any AMP workspace of the account (the workspace is not known), and the CloudWatch template's
 * log group `/aws/containerinsights/<cluster>/prometheus`.
 */
export function requiredPermissionsForTargets(
  targets: readonly Target[],
  context: PermissionContext & { clusterName: string },
): RequiredPermission[] {
  const exporters: Record<Target, [string, Record<string, unknown>]> = {
    xray: ['awsxray', {}],
    // the containerLogs collector's default log group "$CLUSTER_NAME/container/logs", one stream per node
    logs: ['awscloudwatchlogs', { log_group_name: `${context.clusterName}/container/logs`, log_stream_name: '*' }],
    amp: [
      'prometheusremotewrite',
      { endpoint: `https://aps-workspaces.${context.region}.amazonaws.com/workspaces/*/` },
    ],
    cloudwatch: [
      'awsemf',
      { log_group_name: `/aws/containerinsights/${context.clusterName}/prometheus`, log_stream_name: '*' },
    ],
  };
  return targets.flatMap((target) => {
    const [id, settings] = exporters[target];
    return exporterPermissions(id, settings, context);
  });
}
