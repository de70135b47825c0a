import type { Choice } from '../../ports.js';
import { parseAddonVersionRequest, type AddonVersionRequest } from '../../core/plan/addon-version.js';
import { TARGETS, parseTargets, type Target } from '../../core/targets.js';
import {
  assertCollectorName,
  assertNamespace,
  assertRegion,
  assertServiceAccount,
  resolveAmp,
  validateTemplateValues,
  type TemplateValues,
} from '../../core/templates/values.js';
import type { OperationDeps } from './deps.js';
import { missingValue, parseSetValues, validateClusterName, validateRoleName } from './validate.js';

/** The install flags as the command parsed them (CONTRACT.md "Install options"). */
export interface InstallOptions {
  cluster?: string | undefined;
  /** --region; the cluster's own region (from its ARN) is used when absent */
  region?: string | undefined;
  targets: string[];
  addonVersion?: string | undefined;
  ampRemoteWriteUrl?: string | undefined;
  ampWorkspaceId?: string | undefined;
  roleName: string;
  namespace: string;
  serviceAccount: string;
  collectorName: string;
  set: string[];
  dryRun: boolean;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** Everything the person chose, validated; what still needs the cluster (region, version) comes later. */
export interface InstallRequest {
  cluster: string;
  targets: Target[];
  addonVersion: AddonVersionRequest | undefined;
  ampRemoteWriteUrl: string | undefined;
  ampWorkspaceId: string | undefined;
  roleName: string;
  namespace: string;
  serviceAccount: string;
  collectorName: string;
  set: Record<string, string>;
  region: string | undefined;
}

/** Region used to validate values before the cluster's real region is known (only the syntax matters then). */
const PROVISIONAL_REGION = 'us-east-1';

export function templateValuesOf(request: InstallRequest, region: string): TemplateValues {
  const values: TemplateValues = {
    region,
    clusterName: request.cluster,
    namespace: request.namespace,
    serviceAccount: request.serviceAccount,
    collectorName: request.collectorName,
  };
  if (request.ampRemoteWriteUrl !== undefined) values.ampRemoteWriteUrl = request.ampRemoteWriteUrl;
  if (request.ampWorkspaceId !== undefined) values.ampWorkspaceId = request.ampWorkspaceId;
  if (Object.keys(request.set).length > 0) values.set = request.set;
  return values;
}

/** Checks every flag that was given, before any question and any call (the --set keys need the targets: later). */
function validateGivenFlags(options: InstallOptions): void {
  if (options.cluster !== undefined) validateClusterName(options.cluster);
  validateRoleName(options.roleName);
  if (options.addonVersion !== undefined) parseAddonVersionRequest(options.addonVersion);
  parseTargets(options.targets);
  parseSetValues(options.set);
  if (options.region !== undefined) assertRegion(options.region);
  assertNamespace(options.namespace);
  assertServiceAccount(options.serviceAccount);
  assertCollectorName(options.collectorName);
  const { ampRemoteWriteUrl, ampWorkspaceId } = options;
  if (ampRemoteWriteUrl !== undefined || ampWorkspaceId !== undefined) {
    resolveAmp({
      region: options.region ?? PROVISIONAL_REGION,
      clusterName: options.cluster ?? '',
      namespace: options.namespace,
      serviceAccount: options.serviceAccount,
      collectorName: options.collectorName,
      ...(ampRemoteWriteUrl === undefined ? {} : { ampRemoteWriteUrl }),
      ...(ampWorkspaceId === undefined ? {} : { ampWorkspaceId }),
    });
  }
}

async function chooseCluster(deps: OperationDeps, given: string | undefined): Promise<string> {
  if (given !== undefined) return given;
  if (!deps.prompter.interactive) throw missingValue('--cluster', 'The EKS cluster', 'ADOT_CLUSTER');
  const clusters = await deps.eks.listClusters();
  if (clusters.length === 0)
    throw missingValue('--cluster', 'The EKS cluster (none found in this region)', 'ADOT_CLUSTER');
  const choices: Choice<string>[] = clusters.map((name) => ({ name, value: name }));
  return deps.prompter.select({ message: 'Which EKS cluster?', flag: '--cluster', env: 'ADOT_CLUSTER', choices });
}

async function chooseTargets(deps: OperationDeps, given: Target[]): Promise<Target[]> {
  if (given.length > 0) return given;
  if (!deps.prompter.interactive) throw missingValue('--target', `The target (${TARGETS.join(', ')})`);
  const descriptions: Record<Target, string> = {
    xray: 'traces to AWS X-Ray',
    amp: 'metrics to Amazon Managed Service for Prometheus',
    cloudwatch: 'metrics to CloudWatch (Container Insights Prometheus)',
  };
  const chosen = await deps.prompter.checkbox({
    message: 'Where should the collector send telemetry?',
    flag: '--target',
    choices: TARGETS.map((target) => ({ name: target, value: target, description: descriptions[target] })),
  });
  if (chosen.length === 0) throw missingValue('--target', 'At least one target');
  return parseTargets(chosen);
}

async function chooseAmpDestination(
  deps: OperationDeps,
  options: InstallOptions,
  targets: Target[],
): Promise<{ ampRemoteWriteUrl: string | undefined; ampWorkspaceId: string | undefined }> {
  const given = { ampRemoteWriteUrl: options.ampRemoteWriteUrl, ampWorkspaceId: options.ampWorkspaceId };
  if (!targets.includes('amp') || given.ampRemoteWriteUrl !== undefined || given.ampWorkspaceId !== undefined) {
    return given;
  }
  if (!deps.prompter.interactive) {
    throw missingValue('--amp-remote-write-url (or --amp-workspace-id)', 'The AMP workspace for target amp');
  }
  const answer = (
    await deps.prompter.input({
      message: 'AMP remote-write URL, or workspace id (ws-…)',
      flag: '--amp-remote-write-url',
      validate: (value) => (value.trim() === '' ? 'a URL or a workspace id is required' : true),
    })
  ).trim();
  return answer.startsWith('ws-')
    ? { ampRemoteWriteUrl: undefined, ampWorkspaceId: answer }
    : { ampRemoteWriteUrl: answer, ampWorkspaceId: undefined };
}

/** Validates the flags, asks for what is missing (or refuses naming the flag), and validates the answers. */
export async function resolveInstallRequest(deps: OperationDeps, options: InstallOptions): Promise<InstallRequest> {
  validateGivenFlags(options);
  const cluster = validateClusterName(await chooseCluster(deps, options.cluster));
  const targets = await chooseTargets(deps, parseTargets(options.targets));
  const amp = await chooseAmpDestination(deps, options, targets);
  const request: InstallRequest = {
    cluster,
    targets,
    addonVersion: options.addonVersion === undefined ? undefined : parseAddonVersionRequest(options.addonVersion),
    ...amp,
    roleName: options.roleName,
    namespace: options.namespace,
    serviceAccount: options.serviceAccount,
    collectorName: options.collectorName,
    set: parseSetValues(options.set),
    region: options.region,
  };
  validateTemplateValues(templateValuesOf(request, options.region ?? PROVISIONAL_REGION), targets);
  return request;
}
