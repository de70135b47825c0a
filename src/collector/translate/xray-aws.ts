/**
 * The `aws` block and `origin` of a segment: where the service runs (cloud.* / host.* / k8s.* / container.*
 * resource attributes), which SDK recorded it (telemetry.sdk.*), its log groups (aws.log.group.names), and for
 * AWS SDK calls the operation, region, request id, queue and table (aws.* span attributes).
 */
import { anyValueToJson, stringAttribute } from './any-value.js';
import type { AnyValue } from './otlp-types.js';

type Attributes = Map<string, AnyValue | undefined>;

/** Span attributes this block reads (resource attributes never reach annotations, so they need no list). */
export const AWS_SPAN_ATTRIBUTE_KEYS = [
  'aws.operation',
  'aws.account_id',
  'aws.region',
  'aws.request_id',
  'aws.requestId',
  'aws.queue_url',
  'aws.table_name',
] as const;

/** segment.go, determineAwsOrigin: cloud.platform → origin (ECS by aws.ecs.launchtype). */
const ORIGINS: Record<string, string> = {
  aws_app_runner: 'AWS::AppRunner::Service',
  aws_ec2: 'AWS::EC2::Instance',
  aws_eks: 'AWS::EKS::Container',
  aws_elastic_beanstalk: 'AWS::ElasticBeanstalk::Environment',
};
const ECS_ORIGINS: Record<string, string> = { ec2: 'AWS::ECS::EC2', fargate: 'AWS::ECS::Fargate' };

/** The X-Ray origin of a span recorded on an AWS compute platform (cloud.platform; cloud.provider, if set, aws). */
export function xrayOrigin(resource: Attributes): string | undefined {
  const provider = stringAttribute(resource, 'cloud.provider');
  if (provider !== undefined && provider !== 'aws') return undefined;
  const platform = stringAttribute(resource, 'cloud.platform');
  if (platform === 'aws_ecs') {
    const launchType = stringAttribute(resource, 'aws.ecs.launchtype') ?? '';
    return Object.hasOwn(ECS_ORIGINS, launchType) ? ECS_ORIGINS[launchType] : 'AWS::ECS::Container';
  }
  return platform !== undefined && Object.hasOwn(ORIGINS, platform) ? ORIGINS[platform] : undefined;
}

function compact(record: Record<string, unknown>): Record<string, unknown> | undefined {
  const kept = Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
  return Object.keys(kept).length === 0 ? undefined : kept;
}

function logGroups(resource: Attributes): { log_group: string }[] | undefined {
  const value = anyValueToJson(resource.get('aws.log.group.names'));
  const names = Array.isArray(value) ? value : typeof value === 'string' ? value.split('&') : [];
  const groups = names
    .filter((name): name is string => typeof name === 'string' && name !== '')
    .map((name) => ({ log_group: name }));
  return groups.length === 0 ? undefined : groups;
}

function xraySdk(resource: Attributes): Record<string, unknown> | undefined {
  const language = stringAttribute(resource, 'telemetry.sdk.language');
  return compact({
    sdk: language === undefined ? undefined : `opentelemetry for ${language}`,
    sdk_version: stringAttribute(resource, 'telemetry.sdk.version'),
    auto_instrumentation:
      resource.has('telemetry.auto.version') || resource.has('telemetry.distro.version') ? true : undefined,
  });
}

export function xrayAws(resource: Attributes, span: Attributes): Record<string, unknown> | undefined {
  const platform = stringAttribute(resource, 'cloud.platform');
  const containerId = stringAttribute(resource, 'container.id');
  return compact({
    account_id: stringAttribute(span, 'aws.account_id') ?? stringAttribute(resource, 'cloud.account.id'),
    // aws.go: aws.operation, else for an AWS SDK span its rpc.method
    operation:
      stringAttribute(span, 'aws.operation') ??
      (stringAttribute(span, 'rpc.system') === 'aws-api' ? stringAttribute(span, 'rpc.method') : undefined),
    region: stringAttribute(span, 'aws.region'),
    request_id: stringAttribute(span, 'aws.request_id', 'aws.requestId'),
    queue_url: stringAttribute(span, 'aws.queue_url'),
    table_name: stringAttribute(span, 'aws.table_name'),
    ec2:
      platform === 'aws_ec2' || platform === 'aws_eks'
        ? compact({
            instance_id: stringAttribute(resource, 'host.id'),
            availability_zone: stringAttribute(resource, 'cloud.availability_zone'),
            instance_size: stringAttribute(resource, 'host.type'),
            ami_id: stringAttribute(resource, 'host.image.id'),
          })
        : undefined,
    ecs:
      platform === 'aws_ecs'
        ? compact({
            container: stringAttribute(resource, 'container.name', 'host.name'),
            container_id: containerId,
            availability_zone: stringAttribute(resource, 'cloud.availability_zone'),
          })
        : undefined,
    eks:
      platform === 'aws_eks' || resource.has('k8s.cluster.name')
        ? compact({
            cluster_name: stringAttribute(resource, 'k8s.cluster.name'),
            pod: stringAttribute(resource, 'k8s.pod.name'),
            container_id: containerId,
          })
        : undefined,
    cloudwatch_logs: logGroups(resource),
    xray: xraySdk(resource),
  });
}
