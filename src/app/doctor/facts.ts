/**
 * Gathers every fact doctor's checks need, in as few sequential round trips as possible: round 1 asks AWS and
 * Kubernetes everything that needs no earlier answer, all in parallel (the default role's policies are listed
 * speculatively); round 2 asks what depends on round 1 (the OIDC provider matching the cluster's issuer, the AMP
 * workspace the collector writes to, the documents of the role's policies — or first the role itself when the
 * collector's service account or association names another one, whose documents then take a third round). A call
 * that fails becomes a fact holding its error, never an exception.
 */
import type { Amp, Eks, Iam, Kube, KubeObject, PodIdentityAssociationInfo, Sts } from '../../ports.js';
import { ADDON_NAMESPACE } from '../../core/addon-config/presets.js';
import { ADDON_RBAC_NAMESPACE, COLLECTOR_V1ALPHA1, COLLECTOR_V1BETA1 } from '../../core/compat-data.js';
import { ADDON_NAME } from '../../core/defaults.js';
import { oidcProviderArn } from '../../core/irsa.js';
import { collectorConfigOf, collectorIdentity } from '../../core/checks/collector-identity.js';
import { requiredAccess } from '../../core/checks/k8s.js';
import { POD_IDENTITY_AGENT_ADDON } from '../../core/identity/pod-identity-agent.js';
import { ampWorkspaceOfExporters } from '../../core/identity/amp-workspace.js';
import type { AmpWorkspaceFact, DoctorContext, DoctorFacts, Fact } from '../../core/checks/types.js';
import { gatherAddonCollectorFacts, gatherAddonConfiguration } from './addon-collector-facts.js';
import { awaitAll, documentsOf, known, settle } from './fact-loading.js';

export interface FactSources {
  eks: Eks;
  iam: Iam;
  sts: Sts;
  amp: Amp;
  /** may throw when no kubeconfig can be loaded */
  kube: () => Kube;
}

const notGathered: Fact<never> = {
  ok: false,
  error: { code: 'NotGathered', message: 'not gathered before an install (--pre)' },
};

/** The facts rounds 2 and 3 gather or rework from round 1's answers; round 1 answers every other fact as it is. */
type LaterFactKey =
  | 'collectors'
  | 'oidcProvider'
  | 'role'
  | 'attachedPolicies'
  | 'policyDocuments'
  | 'ampWorkspace'
  | 'addonConfiguration'
  | 'addonCollectors';
type LaterFacts = Pick<DoctorFacts, LaterFactKey>;
type Round1Facts = Omit<DoctorFacts, LaterFactKey | 'roundTrips'>;

/** What round 1 also asks for the later rounds, which is no fact of its own. */
interface Round1Answers {
  collectorsV1beta1: Fact<KubeObject[]>;
  collectorsV1alpha1: Fact<KubeObject[]>;
  /** the default role and its policies, listed speculatively: the collector usually uses it */
  defaultRole: DoctorFacts['role'];
  defaultRolePolicies: DoctorFacts['attachedPolicies'];
  defaultRoleInline: Fact<string[]>;
  addonNamespaceV1beta1: Fact<KubeObject[]>;
  addonNamespaceV1alpha1: Fact<KubeObject[]>;
  addonNamespaceServiceAccounts: Fact<KubeObject[]>;
  addonNamespaceAssociations: Fact<PodIdentityAssociationInfo[]>;
}

export async function gatherFacts(sources: FactSources, context: DoctorContext): Promise<DoctorFacts> {
  const kubeFact = await settle(() => sources.kube());
  const withKube = <T>(use: (kube: Kube) => Promise<T> | T): Promise<Fact<T>> =>
    kubeFact.ok ? settle(() => use(kubeFact.value)) : Promise.resolve(kubeFact as Fact<never>);
  const list = (apiVersion: string, kind: string, namespace?: string): Promise<Fact<KubeObject[]>> =>
    withKube((kube) => kube.list(apiVersion, kind, namespace === undefined ? undefined : { namespace }));
  const installed = <T>(load: () => Promise<Fact<T>>): Promise<Fact<T>> =>
    context.pre ? Promise.resolve(notGathered) : load();
  const ns = context.namespace;

  // ---- round 1: nothing here needs another answer; each fact is one line (its type is in DoctorFacts)
  const [round1, answers] = await Promise.all([
    awaitAll<Round1Facts>({
      identity: settle(() => sources.sts.getCallerIdentity()),
      cluster: settle(() => sources.eks.describeCluster(context.clusterName)),
      kubeContext: withKube((kube) => kube.context()),
      kubeVersion: withKube((kube) => kube.version()),
      accessReviews: withKube((kube) =>
        Promise.all(
          requiredAccess(context).map(async (attributes) => {
            const answer = await kube.canI(attributes);
            return { attributes, allowed: answer.allowed, ...(answer.reason ? { reason: answer.reason } : {}) };
          }),
        ),
      ),
      deployments: list('apps/v1', 'Deployment'),
      crds: list('apiextensions.k8s.io/v1', 'CustomResourceDefinition'),
      validatingWebhooks: list('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'),
      mutatingWebhooks: list('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'),
      services: list('v1', 'Service'),
      endpoints: list('v1', 'Endpoints'),
      clusterRoles: list('rbac.authorization.k8s.io/v1', 'ClusterRole'),
      clusterRoleBindings: list('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'),
      addonRbacRoles: list('rbac.authorization.k8s.io/v1', 'Role', ADDON_RBAC_NAMESPACE),
      addonRbacRoleBindings: list('rbac.authorization.k8s.io/v1', 'RoleBinding', ADDON_RBAC_NAMESPACE),
      addon: settle(() => sources.eks.describeAddon(context.clusterName, ADDON_NAME)),
      addonVersions: settle(() => sources.eks.describeAddonVersions(ADDON_NAME)),
      nodes: list('v1', 'Node'),
      podIdentityAgentAddon: settle(() => sources.eks.describeAddon(context.clusterName, POD_IDENTITY_AGENT_ADDON)),
      daemonSets: list('apps/v1', 'DaemonSet'),
      statefulSets: installed(() => list('apps/v1', 'StatefulSet', ns)),
      serviceAccounts: installed(() => list('v1', 'ServiceAccount', ns)),
      collectorRollout: installed(() =>
        withKube((kube) => kube.rolloutStatus(ns, `${context.collectorName}-collector`)),
      ),
      podIdentityAssociations: installed(() =>
        settle(() => sources.eks.listPodIdentityAssociations(context.clusterName, { namespace: ns })),
      ),
      oidcProviderArns: installed(() => settle(() => sources.iam.listOpenIdConnectProviders())),
    }),
    awaitAll<Round1Answers>({
      // both versions in the same round: add-ons from v0.102 serve v1beta1, older ones only v1alpha1
      collectorsV1beta1: installed(() => list(COLLECTOR_V1BETA1, 'OpenTelemetryCollector', ns)),
      collectorsV1alpha1: installed(() => list(COLLECTOR_V1ALPHA1, 'OpenTelemetryCollector', ns)),
      defaultRole: installed(() => settle(() => sources.iam.getRole(context.roleName))),
      defaultRolePolicies: installed(() => settle(() => sources.iam.listAttachedRolePolicies(context.roleName))),
      defaultRoleInline: installed(() => settle(() => sources.iam.listRolePolicies(context.roleName))),
      // the add-on's own collectors (--mode addon-config) live in its namespace, whatever --namespace says
      addonNamespaceV1beta1: installed(() => list(COLLECTOR_V1BETA1, 'OpenTelemetryCollector', ADDON_NAMESPACE)),
      addonNamespaceV1alpha1: installed(() => list(COLLECTOR_V1ALPHA1, 'OpenTelemetryCollector', ADDON_NAMESPACE)),
      addonNamespaceServiceAccounts: installed(() => list('v1', 'ServiceAccount', ADDON_NAMESPACE)),
      addonNamespaceAssociations: installed(() =>
        settle(() => sources.eks.listPodIdentityAssociations(context.clusterName, { namespace: ADDON_NAMESPACE })),
      ),
    }),
  ]);
  const { identity, cluster, addon, addonVersions, oidcProviderArns, serviceAccounts, podIdentityAssociations } =
    round1;

  // ---- rounds 2 and 3: what needs round 1's answers, each chain as deep as it must be; these start as what
  // stands when no chain replaces them
  const later: LaterFacts = {
    collectors: collectorsOf(answers.collectorsV1beta1, answers.collectorsV1alpha1),
    oidcProvider: context.pre ? notGathered : known(undefined),
    role: answers.defaultRole,
    attachedPolicies: answers.defaultRolePolicies,
    policyDocuments: context.pre ? notGathered : known([]),
    ampWorkspace: context.pre ? notGathered : known(undefined),
    addonConfiguration: known(undefined),
    addonCollectors: notGathered,
  };
  const chains: Promise<number>[] = [];
  chains.push(
    gatherAddonConfiguration(sources.eks, addon, addonVersions, context.addonVersion).then(({ fact, depth }) => {
      later.addonConfiguration = fact;
      return depth;
    }),
  );
  if (!context.pre) {
    const issuer = cluster.ok ? cluster.value?.oidcIssuer : undefined;
    if (issuer && identity.ok && oidcProviderArns.ok) {
      const arn = oidcProviderArn(identity.value.account, issuer);
      if (oidcProviderArns.value.includes(arn)) {
        chains.push(
          settle(() => sources.iam.getOpenIdConnectProvider(arn)).then((fact) => {
            later.oidcProvider = fact;
            return 1;
          }),
        );
      }
    } else if (!oidcProviderArns.ok) {
      later.oidcProvider = oidcProviderArns;
    }
    const { collectors } = later;
    const collectorIdentityNow = collectorIdentity(
      collectors.ok ? collectors.value : undefined,
      serviceAccounts.ok ? serviceAccounts.value : undefined,
      podIdentityAssociations.ok ? podIdentityAssociations.value : undefined,
      context,
    );
    const { roleName, collector } = collectorIdentityNow;
    chains.push(
      (async () => {
        let depth = 0;
        let inline = answers.defaultRoleInline;
        if (roleName !== context.roleName) {
          [later.role, later.attachedPolicies, inline] = await Promise.all([
            settle(() => sources.iam.getRole(roleName)),
            settle(() => sources.iam.listAttachedRolePolicies(roleName)),
            settle(() => sources.iam.listRolePolicies(roleName)),
          ]);
          depth += 1;
        }
        // a role that does not exist has no policies: iam.role reports it, iam.policies is skipped
        if (later.role.ok && later.role.value === undefined) {
          later.attachedPolicies = known([]);
          return depth;
        }
        later.policyDocuments = await documentsOf(sources.iam, roleName, later.attachedPolicies, inline);
        return depth + 1;
      })(),
    );
    const config = collector === undefined ? undefined : collectorConfigOf(collector).config;
    const target = config === undefined ? undefined : ampWorkspaceOfExporters(config);
    if (target !== undefined) {
      chains.push(
        settle(() => sources.amp.describeWorkspace(target.endpointRegion, target.workspaceId)).then((fact) => {
          later.ampWorkspace = fact.ok ? known<AmpWorkspaceFact>({ ...target, workspace: fact.value }) : fact;
          return 1;
        }),
      );
    }
    chains.push(
      gatherAddonCollectorFacts(sources, addon, {
        collectors: collectorsOf(answers.addonNamespaceV1beta1, answers.addonNamespaceV1alpha1),
        serviceAccounts: answers.addonNamespaceServiceAccounts,
        associations: answers.addonNamespaceAssociations,
      }).then(({ fact, depth }) => {
        later.addonCollectors = fact;
        return depth;
      }),
    );
  }
  const depths = await Promise.all(chains);

  return { ...round1, ...later, roundTrips: 1 + Math.max(0, ...depths) };
}

/**
 * The collectors of the namespace, each once: as v1beta1 where it is served (a kind not served lists nothing), plus
 * any only v1alpha1 answered. When v1beta1 cannot be listed (e.g. a stored v1alpha1 collector whose configuration
 * its conversion cannot read), the v1alpha1 list stands alone, so its configuration can be checked as written.
 */
export function collectorsOf(v1beta1: Fact<KubeObject[]>, v1alpha1: Fact<KubeObject[]>): Fact<KubeObject[]> {
  if (!v1beta1.ok) return v1alpha1.ok ? v1alpha1 : v1beta1;
  if (!v1alpha1.ok) return v1beta1;
  const seen = new Set(v1beta1.value.map((collector) => collector.metadata.uid ?? collector.metadata.name));
  const onlyAlpha = v1alpha1.value.filter((collector) => !seen.has(collector.metadata.uid ?? collector.metadata.name));
  return known([...v1beta1.value, ...onlyAlpha]);
}
