import { certManagerInventory } from '../../core/checks/cert-manager-inventory.js';
import type { AddonInfo, AddonVersionInfo, ClusterInfo, KubeObject, PodIdentityAssociationInfo } from '../../ports.js';
import { defaultVersionForCluster, needsAddonRbac } from '../../core/compat.js';
import { failure, isAdotError, type AdotError } from '../../core/errors.js';
import { ROLE_ARN_ANNOTATION } from '../../core/checks/collector-identity.js';
import { computeKindOfNodes, decideIdentity, type IdentityDecision } from '../../core/identity/mode.js';
import { POD_IDENTITY_AGENT_ADDON } from '../../core/identity/pod-identity-agent.js';
import type { PodIdentityTrustExpectation } from '../../core/identity/pod-identity-trust.js';
import { oidcProviderArn, roleArn, type TrustExpectation } from '../../core/irsa.js';
import { annotationOwnedByAdot } from '../../core/plan/ownership.js';
import { observeAddonConfig, type AddonConfigPlan } from './addon-config.js';
import { chooseAmpDestination, type AmpDestination } from './amp-workspace.js';
import { defaultChoiceNote, resolveAddonVersion, type AddonVersionRequest } from '../../core/plan/addon-version.js';
import { sortVersionsForPrompt } from './version-choice.js';
import { validateTemplateValues, type TemplateValues } from '../../core/templates/values.js';
import { ADDON_NAME } from '../../core/defaults.js';
import type { OperationDeps } from './deps.js';
import { PROVISIONAL_WORKSPACE, templateValuesOf, type InstallRequest } from './inputs.js';
import { regionOfArn } from './validate.js';
import { installedAddonTargets, installedCollectorTargets } from './installed-targets.js';
import { decideTargetChanges, type TargetChanges } from './target-changes.js';

/** What install learns from AWS before it plans: read calls only. */
export interface InstallContext {
  request: InstallRequest;
  cluster: ClusterInfo;
  region: string;
  account: string;
  /** IRSA's trust: undefined when the cluster has no OIDC issuer (then only Pod Identity can work) */
  irsaTrust: TrustExpectation | undefined;
  podIdentityTrust: PodIdentityTrustExpectation;
  roleArn: string;
  /** decided once the add-on version is known */
  identity: IdentityDecision | undefined;
  /** the pod identity agent add-on and the version to create when it is missing */
  podIdentityAgent: { addon: AddonInfo | undefined; version: string | undefined };
  /** the association of the collector's service account, if any */
  association: PodIdentityAssociationInfo | undefined;
  /** the collector's service account as it is now */
  liveServiceAccount: KubeObject | undefined;
  amp: AmpDestination;
  /** --mode addon-config: what the add-on's configuration deploys for the targets */
  addonConfig: AddonConfigPlan | undefined;
  /** undefined when no version fits: addonVersionProblem says why (reported after the prerequisites, which explain it) */
  addonVersion: string | undefined;
  addonVersionProblem: AdotError | undefined;
  /** why that version, when the plan should say it (EKS marks no default) */
  addonVersionNote: string | undefined;
  addonNeedsRbac: boolean;
  installedAddon: AddonInfo | undefined;
  values: TemplateValues;
  /** the installed targets kept or removed (request.targets is what the run installs: asked for, plus kept) */
  targetChanges: TargetChanges;
}

/**
 * The context once an add-on version and the identity are settled. `createdWorkspace` receives the id of an AMP
 * workspace the run creates (the collector's remote-write URL and the next steps need it).
 */
export type ResolvedInstallContext = InstallContext & {
  addonVersion: string;
  identity: IdentityDecision;
  createdWorkspace: { id?: string };
};

export async function describeClusterOrFail(deps: OperationDeps, name: string): Promise<ClusterInfo> {
  const cluster = await deps.eks.describeCluster(name);
  if (cluster === undefined) {
    throw failure('ClusterNotFound', `EKS cluster "${name}" not found`, {
      hint: 'aws eks list-clusters   # check the name and the region (--region)',
    });
  }
  return cluster;
}

export async function observeInstallContext(deps: OperationDeps, asked: InstallRequest): Promise<InstallContext> {
  const cluster = await describeClusterOrFail(deps, asked.cluster);
  const kube = deps.kube();
  const [identity, available, installedAddon, agentAddon, agentVersions, nodes, liveServiceAccount, associations] =
    await Promise.all([
      deps.sts.getCallerIdentity(),
      deps.eks.describeAddonVersions(ADDON_NAME, cluster.version),
      deps.eks.describeAddon(asked.cluster, ADDON_NAME),
      deps.eks.describeAddon(asked.cluster, POD_IDENTITY_AGENT_ADDON),
      deps.eks.describeAddonVersions(POD_IDENTITY_AGENT_ADDON, cluster.version).catch(() => []),
      // nodes tell a Fargate-only cluster; a caller who may not list them learns nothing, which is no error
      kube.list('v1', 'Node').catch(() => undefined),
      kube.get({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        name: asked.serviceAccount,
        namespace: asked.namespace,
      }),
      deps.eks.listPodIdentityAssociations(asked.cluster, {
        namespace: asked.namespace,
        serviceAccount: asked.serviceAccount,
      }),
    ]);
  // installing adds to the targets installed; removing them takes --prune (target-changes.ts)
  const installedTargets =
    asked.mode === 'addon-config'
      ? installedAddonTargets(installedAddon)
      : await installedCollectorTargets(kube, { name: asked.collectorName, namespace: asked.namespace });
  const { request, changes: targetChanges } = await decideTargetChanges(deps, asked, installedTargets);
  const region = regionOfArn(cluster.arn) ?? request.region;
  if (region === undefined) {
    throw failure('RegionUnknown', `Cannot tell the region of cluster ${cluster.name}`, { hint: 'pass --region' });
  }
  const addonVersion = await chooseAddonVersion(deps, {
    available,
    clusterVersion: cluster.version,
    request: request.addonVersion,
    installed: installedAddon?.addonVersion,
  });
  const decision =
    addonVersion.version === undefined
      ? undefined
      : chooseIdentity(
          request,
          addonVersion.version,
          computeKindOfNodes(nodes),
          // the add-on's collectors have service accounts of their own
          request.mode === 'collector-resource' ? liveServiceAccount : undefined,
          cluster,
        );
  const amp = await chooseAmpDestination(deps, request, region);
  const values = templateValuesOf(ampRequest(request, amp), region);
  // adot's collector is rendered from templates; the add-on's collectors from its configuration (checked later)
  if (request.mode === 'collector-resource') validateTemplateValues(values, request.targets);
  const addonConfig =
    request.mode === 'addon-config' && addonVersion.version !== undefined
      ? await observeAddonConfig(deps, {
          version: addonVersion.version,
          targets: request.targets,
          removedTargets: targetChanges.removed,
          installed: installedAddon,
        })
      : undefined;
  return {
    request,
    cluster,
    region,
    account: identity.account,
    irsaTrust:
      cluster.oidcIssuer === undefined
        ? undefined
        : {
            providerArn: oidcProviderArn(identity.account, cluster.oidcIssuer),
            issuerUrl: cluster.oidcIssuer,
            namespace: request.namespace,
            serviceAccount: request.serviceAccount,
          },
    podIdentityTrust: {
      clusterArn: cluster.arn,
      clusterName: cluster.name,
      namespace: request.namespace,
      serviceAccount: request.serviceAccount,
    },
    roleArn: roleArn(identity.account, request.roleName),
    identity: decision,
    podIdentityAgent: { addon: agentAddon, version: defaultVersionForCluster(agentVersions, cluster.version) },
    association: associations[0],
    liveServiceAccount,
    amp,
    addonConfig,
    addonVersion: addonVersion.version,
    addonNeedsRbac: addonVersion.version !== undefined && needsAddonRbac(addonVersion.version),
    addonVersionProblem: addonVersion.problem,
    addonVersionNote: addonVersion.note,
    installedAddon,
    values,
    targetChanges,
  };
}

/** The request with the AMP workspace as found (or a stand-in for one still to create), for the template values. */
export function ampRequest(request: InstallRequest, amp: AmpDestination, createdId?: string): InstallRequest {
  switch (amp.kind) {
    case 'found':
      return { ...request, ampWorkspaceId: amp.workspace.workspaceId };
    case 'create':
      return { ...request, ampWorkspaceId: createdId ?? PROVISIONAL_WORKSPACE };
    case 'given':
      return { ...request, ampRemoteWriteUrl: amp.ampRemoteWriteUrl, ampWorkspaceId: amp.ampWorkspaceId };
    case 'none':
      return request;
  }
}

/**
 * The identity decision, with what the cluster already has: an IRSA annotation that adot did not set stays (auto
 * keeps IRSA; an explicit pod-identity cannot work while it is there, as the SDKs prefer web identity), and IRSA
 * needs the cluster's OIDC issuer.
 */
function chooseIdentity(
  request: InstallRequest,
  addonVersion: string,
  compute: ReturnType<typeof computeKindOfNodes>,
  liveServiceAccount: KubeObject | undefined,
  cluster: ClusterInfo,
): IdentityDecision {
  const foreignAnnotation =
    liveServiceAccount?.metadata.annotations?.[ROLE_ARN_ANNOTATION] !== undefined &&
    !annotationOwnedByAdot(liveServiceAccount, ROLE_ARN_ANNOTATION);
  const account = `${request.namespace}/${request.serviceAccount}`;
  if (foreignAnnotation && request.identity === 'auto') {
    return { mode: 'irsa', reason: `service account ${account} already has an IRSA annotation that adot did not set` };
  }
  const decision = decideIdentity({ choice: request.identity, addonVersion, compute });
  if (decision.mode === 'pod-identity' && foreignAnnotation) {
    throw failure(
      'IrsaAnnotationInTheWay',
      `service account ${account} has an ${ROLE_ARN_ANNOTATION} annotation adot did not set: the AWS SDKs would use IRSA and ignore EKS Pod Identity`,
      {
        hint: `keep IRSA: --identity irsa; or (destructive: whatever uses the annotation's role loses it) kubectl -n ${request.namespace} annotate serviceaccount ${request.serviceAccount} ${ROLE_ARN_ANNOTATION}- and re-run`,
      },
    );
  }
  if (decision.mode === 'irsa' && cluster.oidcIssuer === undefined) {
    throw failure('NoOidcIssuer', `Cluster ${cluster.name} has no OIDC issuer, which IRSA needs`, {
      hint: `aws eks describe-cluster --name ${cluster.name} --query cluster.identity.oidc.issuer`,
    });
  }
  return decision;
}

/** The cluster's cert-manager version, to mark the versions it rules out; unknown when it cannot be read. */
async function certManagerVersionOf(deps: OperationDeps): Promise<string | undefined> {
  const kube = deps.kube();
  try {
    const [deployments, crds] = await Promise.all([
      kube.list('apps/v1', 'Deployment'),
      kube.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition').catch(() => []),
    ]);
    return certManagerInventory(deployments, crds).version;
  } catch {
    return undefined;
  }
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
          choices: sortVersionsForPrompt(
            input.available,
            input.clusterVersion,
            input.installed,
            await certManagerVersionOf(deps),
          ),
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
