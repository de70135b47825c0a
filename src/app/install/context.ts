import type { AddonInfo, AddonVersionInfo, ClusterInfo } from '../../ports.js';
import { needsAddonRbac } from '../../core/compat.js';
import { failure, isAdotError, type AdotError } from '../../core/errors.js';
import { oidcProviderArn, roleArn } from '../../core/irsa.js';
import { defaultChoiceNote, resolveAddonVersion, type AddonVersionRequest } from '../../core/plan/addon-version.js';
import { sortVersionsForPrompt } from './version-choice.js';
import { validateTemplateValues, type TemplateValues } from '../../core/templates/values.js';
import { ADDON_NAME, type OperationDeps } from './deps.js';
import { templateValuesOf, type InstallRequest } from './inputs.js';
import { regionOfArn } from './validate.js';

/** What install learns from AWS before it plans: read calls only. */
export interface InstallContext {
  request: InstallRequest;
  cluster: ClusterInfo;
  region: string;
  account: string;
  issuerUrl: string;
  providerArn: string;
  roleArn: string;
  /** undefined when no version fits: addonVersionProblem says why (reported after the prerequisites, which explain it) */
  addonVersion: string | undefined;
  addonVersionProblem: AdotError | undefined;
  /** why that version, when the plan should say it (EKS marks no default) */
  addonVersionNote: string | undefined;
  addonNeedsRbac: boolean;
  installedAddon: AddonInfo | undefined;
  values: TemplateValues;
}

/** The context once an add-on version is settled. */
export type ResolvedInstallContext = InstallContext & { addonVersion: string };

export async function describeClusterOrFail(deps: OperationDeps, name: string): Promise<ClusterInfo> {
  const cluster = await deps.eks.describeCluster(name);
  if (cluster === undefined) {
    throw failure('ClusterNotFound', `EKS cluster "${name}" not found`, {
      hint: 'aws eks list-clusters   # check the name and the region (--region)',
    });
  }
  return cluster;
}

export async function observeInstallContext(deps: OperationDeps, request: InstallRequest): Promise<InstallContext> {
  const cluster = await describeClusterOrFail(deps, request.cluster);
  const [identity, available, installedAddon] = await Promise.all([
    deps.sts.getCallerIdentity(),
    deps.eks.describeAddonVersions(ADDON_NAME, cluster.version),
    deps.eks.describeAddon(request.cluster, ADDON_NAME),
  ]);
  const region = regionOfArn(cluster.arn) ?? request.region;
  if (region === undefined) {
    throw failure('RegionUnknown', `Cannot tell the region of cluster ${cluster.name}`, { hint: 'pass --region' });
  }
  if (cluster.oidcIssuer === undefined) {
    throw failure('NoOidcIssuer', `Cluster ${cluster.name} has no OIDC issuer, which IRSA needs`, {
      hint: `aws eks describe-cluster --name ${cluster.name} --query cluster.identity.oidc.issuer`,
    });
  }
  const addonVersion = await chooseAddonVersion(deps, {
    available,
    clusterVersion: cluster.version,
    request: request.addonVersion,
    installed: installedAddon?.addonVersion,
  });
  const values = templateValuesOf(request, region);
  validateTemplateValues(values, request.targets);
  return {
    request,
    cluster,
    region,
    account: identity.account,
    issuerUrl: cluster.oidcIssuer,
    providerArn: oidcProviderArn(identity.account, cluster.oidcIssuer),
    roleArn: roleArn(identity.account, request.roleName),
    addonVersion: addonVersion.version,
    addonNeedsRbac: addonVersion.version !== undefined && needsAddonRbac(addonVersion.version),
    addonVersionProblem: addonVersion.problem,
    addonVersionNote: addonVersion.note,
    installedAddon,
    values,
  };
}

/**
 * The add-on version: asked for (default preselected) when interactive and not given, else resolved from the flag.
 * A failure to resolve is kept, not thrown, so the prerequisites can say why first (e.g. Kubernetes too old).
 */
async function chooseAddonVersion(
  deps: OperationDeps,
  input: {
    available: AddonVersionInfo[];
    clusterVersion: string;
    request: AddonVersionRequest | undefined;
    installed: string | undefined;
  },
): Promise<{ version: string | undefined; problem: AdotError | undefined; note: string | undefined }> {
  try {
    let request = input.request;
    if (request === undefined && deps.prompter.interactive && input.available.length > 0) {
      const preselected =
        input.installed ?? resolveAddonVersion({ ...input, request: 'default', installed: undefined });
      request = {
        exact: await deps.prompter.select({
          message: `ADOT add-on version for Kubernetes ${input.clusterVersion}?`,
          flag: '--addon-version',
          choices: sortVersionsForPrompt(input.available, input.clusterVersion, input.installed),
          default: preselected,
        }),
      };
    }
    const version = resolveAddonVersion({ ...input, request });
    return { version, problem: undefined, note: defaultChoiceNote({ ...input, request }) };
  } catch (error) {
    if (isAdotError(error) && error.kind === 'failed') return { version: undefined, problem: error, note: undefined };
    throw error;
  }
}
