import type { Choice } from '../../ports.js';
import { IDENTITY_CHOICES, type IdentityChoice } from '../../core/identity/mode.js';
import type { InstallMode } from '../../core/install-mode.js';
import type { AddonVersionRequest } from '../../core/plan/addon-version.js';
import { TARGETS, parseTargets, requireTemplateTargets, type Target } from '../../core/targets.js';
import { resolveAmp, validateTemplateValues, type TemplateValues } from '../../core/templates/values.js';
import type { OperationDeps } from './deps.js';
import { missingValue } from './validate.js';
import { usageError } from '../../core/errors.js';

export { INSTALL_MODES, parseInstallMode, type InstallMode } from '../../core/install-mode.js';

/**
 * The install flags, parsed and checked one by one at the command line (src/cli/commands/install.ts); what is left
 * to check here is how they go together, and what still needs asking.
 */
export interface InstallOptions {
  cluster?: string | undefined;
  /** --region; the cluster's own region (from its ARN) is used when absent */
  region?: string | undefined;
  targets: Target[];
  addonVersion?: AddonVersionRequest | undefined;
  ampRemoteWriteUrl?: string | undefined;
  ampWorkspaceId?: string | undefined;
  /** find the AMP workspace by alias, or create it */
  ampWorkspaceAlias?: string | undefined;
  /** --allow-custom-endpoint: --amp-remote-write-url may name a host that is not AMP's */
  allowCustomEndpoint?: boolean | undefined;
  /** --identity (or ADOT_IDENTITY); absent: asked in a terminal, else auto */
  identity?: IdentityChoice | undefined;
  /** --mode; absent: collector-resource */
  mode?: InstallMode | undefined;
  roleName: string;
  namespace: string;
  serviceAccount: string;
  collectorName: string;
  /** --set key=value, as a map */
  set: Record<string, string>;
  /** --prune: installed targets --target does not name are removed (else they are kept) */
  prune?: boolean | undefined;
  dryRun: boolean;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** --sandbox: the run's sandbox is thrown away when it ends (next steps and reports say so) */
  throwAwaySandbox?: { scenario?: string | undefined } | undefined;
}

/** Everything the person chose, validated; what still needs the cluster (region, version) comes later. */
export interface InstallRequest {
  cluster: string;
  targets: Target[];
  addonVersion: AddonVersionRequest | undefined;
  ampRemoteWriteUrl: string | undefined;
  ampWorkspaceId: string | undefined;
  ampWorkspaceAlias: string | undefined;
  allowCustomEndpoint: boolean;
  identity: IdentityChoice;
  mode: InstallMode;
  roleName: string;
  namespace: string;
  serviceAccount: string;
  collectorName: string;
  set: Record<string, string>;
  region: string | undefined;
  /** --prune: remove the installed targets that `targets` does not name */
  prune: boolean;
}

/** Region used to validate values before the cluster's real region is known (only the syntax matters then). */
const PROVISIONAL_REGION = 'us-east-1';
/** A well-formed workspace id standing in for one not chosen yet, for the same purpose. */
export const PROVISIONAL_WORKSPACE = 'ws-00000000-0000-0000-0000-000000000000';

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
  if (request.allowCustomEndpoint) values.allowCustomEndpoint = true;
  if (Object.keys(request.set).length > 0) values.set = request.set;
  return values;
}

/** How the given flags go together, before any question and any call (each flag was checked on its own already). */
function checkFlagsTogether(options: InstallOptions): void {
  if ((options.mode ?? 'collector-resource') === 'collector-resource') requireTemplateTargets(options.targets);
  const { ampRemoteWriteUrl, ampWorkspaceId, ampWorkspaceAlias } = options;
  if (ampWorkspaceAlias !== undefined && (ampRemoteWriteUrl !== undefined || ampWorkspaceId !== undefined)) {
    throw usageError(
      'ConflictingOptions',
      '--amp-workspace-alias cannot be used with --amp-remote-write-url or --amp-workspace-id',
      {
        hint: 'name the workspace one way: by alias (found or created), by id, or by its remote-write URL',
      },
    );
  }
  if (ampRemoteWriteUrl !== undefined || ampWorkspaceId !== undefined) {
    resolveAmp({
      region: options.region ?? PROVISIONAL_REGION,
      clusterName: options.cluster ?? '',
      namespace: options.namespace,
      serviceAccount: options.serviceAccount,
      collectorName: options.collectorName,
      ...(ampRemoteWriteUrl === undefined ? {} : { ampRemoteWriteUrl }),
      ...(ampWorkspaceId === undefined ? {} : { ampWorkspaceId }),
      allowCustomEndpoint: options.allowCustomEndpoint === true,
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
    logs: "container logs to CloudWatch Logs (the add-on's containerLogs collector: --mode addon-config)",
  };
  const chosen = await deps.prompter.checkbox({
    message: 'Where should the collector send telemetry?',
    flag: '--target',
    choices: TARGETS.map((target) => ({ name: target, value: target, description: descriptions[target] })),
  });
  if (chosen.length === 0) throw missingValue('--target', 'At least one target');
  return parseTargets(chosen);
}

const IDENTITY_DESCRIPTIONS: Record<IdentityChoice, string> = {
  auto: 'EKS Pod Identity where the add-on version and the nodes support it, else IRSA',
  'pod-identity': 'EKS Pod Identity: an association and the pod identity agent, no OIDC provider (AWS recommends it)',
  irsa: 'IAM roles for service accounts: an OIDC provider and an annotated service account',
};

async function chooseIdentity(deps: OperationDeps, given: IdentityChoice | undefined): Promise<IdentityChoice> {
  if (given !== undefined) return given;
  if (!deps.prompter.interactive) return 'auto';
  return deps.prompter.select({
    message: 'How should the collector get AWS credentials?',
    flag: '--identity',
    env: 'ADOT_IDENTITY',
    choices: IDENTITY_CHOICES.map((choice) => ({
      name: choice,
      value: choice,
      description: IDENTITY_DESCRIPTIONS[choice],
    })),
    default: 'auto',
  });
}

/** Checks how the flags go together, asks for what is missing (or refuses naming the flag). */
export async function resolveInstallRequest(deps: OperationDeps, options: InstallOptions): Promise<InstallRequest> {
  checkFlagsTogether(options);
  const cluster = await chooseCluster(deps, options.cluster);
  const targets = await chooseTargets(deps, options.targets);
  const ampGiven =
    options.ampRemoteWriteUrl !== undefined ||
    options.ampWorkspaceId !== undefined ||
    options.ampWorkspaceAlias !== undefined;
  if (targets.includes('amp') && !ampGiven && !deps.prompter.interactive) {
    throw missingValue(
      '--amp-workspace-alias, --amp-workspace-id or --amp-remote-write-url',
      'The AMP workspace for target amp',
    );
  }
  const identity = await chooseIdentity(deps, options.identity);
  const request: InstallRequest = {
    cluster,
    targets,
    addonVersion: options.addonVersion,
    ampRemoteWriteUrl: options.ampRemoteWriteUrl,
    ampWorkspaceId: options.ampWorkspaceId,
    ampWorkspaceAlias: options.ampWorkspaceAlias,
    allowCustomEndpoint: options.allowCustomEndpoint === true,
    identity,
    mode: options.mode ?? 'collector-resource',
    roleName: options.roleName,
    namespace: options.namespace,
    serviceAccount: options.serviceAccount,
    collectorName: options.collectorName,
    set: options.set,
    region: options.region,
    prune: options.prune === true,
  };
  // the AMP workspace may still be chosen (a terminal) or looked up by alias: its values are checked once known;
  // the add-on's own collectors have no template to check
  if (request.mode === 'collector-resource') {
    requireTemplateTargets(targets);
    const provisional = templateValuesOf(request, options.region ?? PROVISIONAL_REGION);
    validateTemplateValues(
      request.ampRemoteWriteUrl === undefined && request.ampWorkspaceId === undefined
        ? { ...provisional, ampWorkspaceId: PROVISIONAL_WORKSPACE }
        : provisional,
      targets,
    );
  }
  return request;
}
