import type { Choice } from '../../ports.js';
import { IDENTITY_CHOICES, parseIdentityChoice, type IdentityChoice } from '../../core/identity/mode.js';
import { parseAddonVersionRequest, type AddonVersionRequest } from '../../core/plan/addon-version.js';
import { TARGETS, parseTargets, requireTemplateTargets, type Target } from '../../core/targets.js';
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
import { usageError } from '../../core/errors.js';
import { assertSafeValue } from '../../core/templates/safe-value.js';

/** The install flags as the command parsed them (docs/contract.md "Commands and flags"). */
export interface InstallOptions {
  cluster?: string | undefined;
  /** --region; the cluster's own region (from its ARN) is used when absent */
  region?: string | undefined;
  targets: string[];
  addonVersion?: string | undefined;
  ampRemoteWriteUrl?: string | undefined;
  ampWorkspaceId?: string | undefined;
  /** find the AMP workspace by alias, or create it */
  ampWorkspaceAlias?: string | undefined;
  /** --allow-custom-endpoint: --amp-remote-write-url may name a host that is not AMP's */
  allowCustomEndpoint?: boolean | undefined;
  /** --identity (or ADOT_IDENTITY): auto, pod-identity or irsa */
  identity?: string | undefined;
  /** --mode: collector-resource (default) or addon-config */
  mode?: string | undefined;
  roleName: string;
  namespace: string;
  serviceAccount: string;
  collectorName: string;
  set: string[];
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

/**
 * Where the collector comes from: adot's own OpenTelemetryCollector resource (every add-on version, every template
 * target but logs, one collector), or the collectors the add-on deploys from its configurationValues (v0.62.1 and
 * later; presets from v0.88.0, the only way to the logs target).
 */
export type InstallMode = 'collector-resource' | 'addon-config';
export const INSTALL_MODES: readonly InstallMode[] = ['collector-resource', 'addon-config'];

export function parseInstallMode(text: string | undefined): InstallMode {
  if (text === undefined) return 'collector-resource';
  const value = text.trim().toLowerCase();
  if ((INSTALL_MODES as readonly string[]).includes(value)) return value as InstallMode;
  throw usageError('UnknownInstallMode', `--mode: "${text}" is not one of ${INSTALL_MODES.join(', ')}`, {
    hint: "--mode collector-resource (adot's collector resource, the default) or --mode addon-config (the add-on's own collectors)",
    details: { mode: text, validModes: [...INSTALL_MODES] },
  });
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
  if (options.identity !== undefined) parseIdentityChoice(options.identity);
  if (parseInstallMode(options.mode) === 'collector-resource') requireTemplateTargets(parseTargets(options.targets));
  const { ampRemoteWriteUrl, ampWorkspaceId, ampWorkspaceAlias } = options;
  if (ampWorkspaceAlias !== undefined) {
    assertWorkspaceAlias(ampWorkspaceAlias);
    if (ampRemoteWriteUrl !== undefined || ampWorkspaceId !== undefined) {
      throw usageError(
        'ConflictingOptions',
        '--amp-workspace-alias cannot be used with --amp-remote-write-url or --amp-workspace-id',
        {
          hint: 'name the workspace one way: by alias (found or created), by id, or by its remote-write URL',
        },
      );
    }
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

async function chooseIdentity(deps: OperationDeps, given: string | undefined): Promise<IdentityChoice> {
  if (given !== undefined) return parseIdentityChoice(given);
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

/** An AMP workspace alias as the AMP API accepts it (1 to 100 characters). */
export function assertWorkspaceAlias(alias: string): void {
  assertSafeValue(alias, '--amp-workspace-alias');
  if (alias.trim() === '' || alias.length > 100) {
    throw usageError('InvalidAmpWorkspaceAlias', `--amp-workspace-alias must be 1 to 100 characters, not "${alias}"`, {
      hint: 'e.g. --amp-workspace-alias demo-metrics',
    });
  }
}

/** Validates the flags, asks for what is missing (or refuses naming the flag), and validates the answers. */
export async function resolveInstallRequest(deps: OperationDeps, options: InstallOptions): Promise<InstallRequest> {
  validateGivenFlags(options);
  const cluster = validateClusterName(await chooseCluster(deps, options.cluster));
  const targets = await chooseTargets(deps, parseTargets(options.targets));
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
    addonVersion: options.addonVersion === undefined ? undefined : parseAddonVersionRequest(options.addonVersion),
    ampRemoteWriteUrl: options.ampRemoteWriteUrl,
    ampWorkspaceId: options.ampWorkspaceId,
    ampWorkspaceAlias: options.ampWorkspaceAlias,
    allowCustomEndpoint: options.allowCustomEndpoint === true,
    identity,
    mode: parseInstallMode(options.mode),
    roleName: options.roleName,
    namespace: options.namespace,
    serviceAccount: options.serviceAccount,
    collectorName: options.collectorName,
    set: parseSetValues(options.set),
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
