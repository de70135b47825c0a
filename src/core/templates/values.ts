/**
 * The values a user supplies to the templates (flags of install and apply-template) and their validation. Every
 * failure is a usage error (exit 2) naming the flag to fix.
 */
import { isAwsRegion } from '../collector-config.js';
import { usageError } from '../errors.js';
import type { Target } from '../targets.js';
import { checkSettings } from './settings.js';
import { assertSafeValue } from './safe-value.js';

export interface TemplateValues {
  region: string;
  clusterName: string;
  namespace: string;
  serviceAccount: string;
  collectorName: string;
  ampRemoteWriteUrl?: string;
  ampWorkspaceId?: string;
  /** --allow-custom-endpoint: a remote write URL that is not an AMP endpoint is accepted (SigV4-signed requests go there) */
  allowCustomEndpoint?: boolean;
  /** --set key=value overrides, see settableKeys() */
  set?: Record<string, string>;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const WORKSPACE_ID = /^ws-[0-9A-Za-z]+(-[0-9A-Za-z]+)*$/;
/**
 * AMP's endpoints: aps-workspaces.REGION.amazonaws.com, and .amazonaws.com.cn in the China regions
 * (https://docs.aws.amazon.com/general/latest/gr/prometheus-service.html); FIPS variants aps-workspaces-fips.
 */
const AMP_HOST = /^aps-workspaces(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;
const AMP_PATH = /^\/workspaces\/([^/]+)\/api\/v1\/remote_write$/;
const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** The operator names the Deployment and Service `<name>-collector`, which must stay a 63-character DNS label. */
const MAX_COLLECTOR_NAME = 63 - '-collector'.length;

export function assertRegion(region: string, flag = '--region'): void {
  assertSafeValue(region, flag);
  if (!isAwsRegion(region)) {
    throw usageError('InvalidRegion', `"${region}" is not an AWS region`, {
      hint: `Use ${flag} with a region such as us-east-1 (or set AWS_REGION)`,
      details: { flag, value: region },
    });
  }
}

export function assertNamespace(namespace: string): void {
  assertName(namespace, '--namespace', 'a Kubernetes namespace', DNS1123_LABEL, 63);
}

export function assertServiceAccount(serviceAccount: string): void {
  assertName(serviceAccount, '--service-account', 'a Kubernetes service account name', DNS1123_SUBDOMAIN, 253);
}

export function assertCollectorName(collectorName: string): void {
  assertName(collectorName, '--collector-name', 'a collector name', DNS1035_LABEL, MAX_COLLECTOR_NAME);
}

function assertName(value: string, flag: string, what: string, pattern: RegExp, maxLength: number): void {
  assertSafeValue(value, flag);
  if (value.length > maxLength || !pattern.test(value)) {
    throw usageError('InvalidName', `"${value}" is not a valid ${what}`, {
      hint: `Use ${flag} with at most ${maxLength} lowercase letters, digits and "-"${pattern === DNS1123_SUBDOMAIN ? ' or "."' : ''}, starting ${pattern === DNS1035_LABEL ? 'with a letter' : 'and ending with a letter or digit'}`,
      details: { flag, value },
    });
  }
}

/** An EKS cluster name (botocore's eks model, CreateCluster name: ^[0-9A-Za-z][A-Za-z0-9\-_]*, 1-100). */
export function assertClusterName(clusterName: string): void {
  assertSafeValue(clusterName, '--cluster');
  if (!EKS_CLUSTER_NAME.test(clusterName)) {
    throw usageError('InvalidClusterName', `Not a valid EKS cluster name: "${clusterName}"`, {
      hint: 'Use --cluster (or ADOT_CLUSTER) with 1-100 letters, digits, "-" and "_", starting with a letter or digit; list them with: aws eks list-clusters',
      details: { flag: '--cluster', value: clusterName },
    });
  }
}

export function assertRoleArn(value: string): void {
  assertSafeValue(value, 'role ARN');
  if (!ROLE_ARN.test(value)) {
    throw usageError('InvalidRoleArn', `"${value}" is not an IAM role ARN`, {
      hint: 'Expected arn:aws:iam::123456789012:role/NAME',
    });
  }
}

export function assertWorkspaceId(workspaceId: string): void {
  assertSafeValue(workspaceId, '--amp-workspace-id');
  if (workspaceId.length > 64 || !WORKSPACE_ID.test(workspaceId)) {
    throw usageError(
      'InvalidAmpWorkspaceId',
      `"${workspaceId}" is not an Amazon Managed Service for Prometheus workspace id`,
      {
        hint: 'Workspace ids look like ws-12345678-abcd-1234-abcd-123456789012: aws amp list-workspaces',
        details: { flag: '--amp-workspace-id', value: workspaceId },
      },
    );
  }
}

/** An AMP workspace alias as the AMP API accepts it (1 to 100 characters). */
export function assertWorkspaceAlias(alias: string): void {
  assertSafeValue(alias, '--amp-workspace-alias');
  if (alias.trim() === '' || alias.length > 100) {
    throw usageError('InvalidAmpWorkspaceAlias', `--amp-workspace-alias must be 1 to 100 characters, not "${alias}"`, {
      hint: 'e.g. --amp-workspace-alias demo-metrics',
    });
  }
}

/** The remote write URL of an Amazon Managed Service for Prometheus workspace. */
export function ampRemoteWriteUrl(region: string, workspaceId: string): string {
  assertRegion(region);
  assertWorkspaceId(workspaceId);
  return `https://aps-workspaces.${region}.amazonaws.com/workspaces/${workspaceId}/api/v1/remote_write`;
}

interface ParsedAmpUrl {
  url: string;
  /** the region in an aps-workspaces host, which is the region requests must be signed for */
  region?: string;
  workspaceId?: string;
}

function invalidAmpUrl(value: string, reason: string) {
  return usageError('InvalidAmpRemoteWriteUrl', `Invalid --amp-remote-write-url "${value}": ${reason}`, {
    hint: 'Expected https://aps-workspaces.REGION.amazonaws.com/workspaces/ws-…/api/v1/remote_write (aws amp describe-workspace --workspace-id ws-… --query workspace.prometheusEndpoint)',
    details: { flag: '--amp-remote-write-url', value },
  });
}

function parseAmpUrl(value: string, allowCustomEndpoint: boolean): ParsedAmpUrl {
  assertSafeValue(value, '--amp-remote-write-url');
  if (/[\s"'`<>\\^|{}$]/.test(value)) throw invalidAmpUrl(value, 'it contains characters a URL cannot hold');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidAmpUrl(value, 'not a URL');
  }
  if (url.protocol !== 'https:') throw invalidAmpUrl(value, 'it must use https');
  if (url.username || url.password) throw invalidAmpUrl(value, 'it must not hold credentials');
  if (url.search || url.hash) throw invalidAmpUrl(value, 'it must not have a query or fragment');
  if (!url.pathname.endsWith('/api/v1/remote_write'))
    throw invalidAmpUrl(value, 'the path must end with /api/v1/remote_write');
  const host = AMP_HOST.exec(url.hostname);
  if (host === null && !allowCustomEndpoint) {
    throw usageError(
      'CustomRemoteWriteEndpoint',
      `--amp-remote-write-url "${value}" is not an Amazon Managed Service for Prometheus endpoint (aps-workspaces.REGION.amazonaws.com): the collector would send SigV4-signed metrics to ${url.hostname}`,
      {
        hint: 'use the workspace URL aws amp describe-workspace --workspace-id ws-… --query workspace.prometheusEndpoint gives, or pass --allow-custom-endpoint if you mean to send to this host',
        details: { flag: '--amp-remote-write-url', value },
      },
    );
  }
  if (host !== null && (host[2] === '.cn') !== (host[1] ?? '').startsWith('cn-')) {
    throw invalidAmpUrl(
      value,
      `region ${host[1]} is served at amazonaws.com${(host[1] ?? '').startsWith('cn-') ? '.cn' : ''}`,
    );
  }
  const path = AMP_PATH.exec(url.pathname);
  if (host && !path) throw invalidAmpUrl(value, 'the path must be /workspaces/WORKSPACE_ID/api/v1/remote_write');
  if (path?.[1] !== undefined && host) assertWorkspaceId(path[1]);
  const parsed: ParsedAmpUrl = { url: url.href };
  if (host?.[1] !== undefined) parsed.region = host[1];
  if (host && path?.[1] !== undefined) parsed.workspaceId = path[1];
  return parsed;
}

/** The remote write URL to use and the region to sign for, from the AMP flags (amp target only). */
export function resolveAmp(values: TemplateValues): {
  url: string;
  region: string;
} {
  const { ampRemoteWriteUrl: urlValue, ampWorkspaceId } = values;
  if (!urlValue && !ampWorkspaceId) {
    throw usageError(
      'MissingAmpWorkspace',
      'The amp target needs the Amazon Managed Service for Prometheus workspace',
      {
        hint: 'Pass --amp-workspace-id ws-… or --amp-remote-write-url https://aps-workspaces.REGION.amazonaws.com/workspaces/ws-…/api/v1/remote_write (aws amp create-workspace creates one)',
      },
    );
  }
  if (!urlValue)
    return {
      url: ampRemoteWriteUrl(values.region, ampWorkspaceId ?? ''),
      region: values.region,
    };
  const parsed = parseAmpUrl(urlValue, values.allowCustomEndpoint === true);
  if (ampWorkspaceId) {
    assertWorkspaceId(ampWorkspaceId);
    if (parsed.workspaceId !== ampWorkspaceId) {
      throw usageError('AmpWorkspaceMismatch', `--amp-remote-write-url does not point at workspace ${ampWorkspaceId}`, {
        hint: 'Pass only one of --amp-remote-write-url and --amp-workspace-id',
      });
    }
  }
  return { url: parsed.url, region: parsed.region ?? values.region };
}

/**
 * Checks what the chosen targets' templates need of the values: a target, the cluster name for cloudwatch (its log
 * group and EKS_Cluster dimension), the AMP workspace for amp, and the --set keys. Each value on its own (region,
 * names) was checked where it was given: by the command line's parsers (src/cli/parsers.ts) with the assert*
 * functions above.
 */
export function validateTemplateValues(values: TemplateValues, targets: readonly Target[]): void {
  if (targets.length === 0) {
    throw usageError('NoTarget', 'No target chosen', {
      hint: 'Pass --target with one or more of: amp, cloudwatch, xray',
    });
  }
  if (targets.includes('cloudwatch') && values.clusterName === '') {
    throw usageError('MissingClusterName', 'The cloudwatch target needs the cluster name', {
      hint: 'Pass --cluster NAME (or set ADOT_CLUSTER)',
    });
  }
  if (targets.includes('amp')) resolveAmp(values);
  checkSettings(values.set ?? {}, targets);
}
