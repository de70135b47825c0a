/**
 * Gathers every fact doctor's checks need, in as few sequential round trips as possible: round 1 asks AWS and
 * Kubernetes everything that needs no earlier answer, all in parallel (the default role's policies are fetched
 * speculatively); round 2 asks only what depends on round 1 (the OIDC provider matching the cluster's issuer, and
 * the role the collector's service account names when it is not the default). A call that fails becomes a fact
 * holding its error, never an exception.
 */
import type { Eks, Iam, Kube, KubeObject, Sts } from '../../ports.js';
import { isAdotError } from '../../core/errors.js';
import { ADDON_NAME, ADDON_RBAC_NAMESPACE } from '../../core/compat-data.js';
import { oidcProviderArn } from '../../core/irsa.js';
import { collectorIdentity } from '../../core/checks/collector-identity.js';
import { requiredAccess } from '../../core/checks/k8s.js';
import type { DoctorContext, DoctorFacts, Fact, FactError } from '../../core/checks/types.js';

export interface FactSources {
  eks: Eks;
  iam: Iam;
  sts: Sts;
  /** may throw when no kubeconfig can be loaded */
  kube: () => Kube;
}

const FORBIDDEN = /forbidden|accessdenied|unauthorizedoperation|not authorized/i;

export function factErrorOf(error: unknown): FactError {
  if (isAdotError(error)) {
    const status = error.details?.['status'] ?? error.details?.['statusCode'];
    const forbidden = status === 403 || FORBIDDEN.test(error.code) || FORBIDDEN.test(error.message);
    return {
      code: error.code,
      message: error.message,
      ...(error.hint ? { hint: error.hint } : {}),
      ...(forbidden ? { forbidden } : {}),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof Error ? error.name : 'Error';
  return { code, message, ...(FORBIDDEN.test(`${code} ${message}`) ? { forbidden: true } : {}) };
}

async function settle<T>(load: () => Promise<T> | T): Promise<Fact<T>> {
  try {
    return { ok: true, value: await load() };
  } catch (error) {
    return { ok: false, error: factErrorOf(error) };
  }
}

function known<T>(value: T): Fact<T> {
  return { ok: true, value };
}

const notGathered: Fact<never> = {
  ok: false,
  error: { code: 'NotGathered', message: 'not gathered before an install (--pre)' },
};

export async function gatherFacts(sources: FactSources, context: DoctorContext): Promise<DoctorFacts> {
  const kubeFact = await settle(() => sources.kube());
  const withKube = <T>(use: (kube: Kube) => Promise<T> | T): Promise<Fact<T>> =>
    kubeFact.ok ? settle(() => use(kubeFact.value)) : Promise.resolve(kubeFact as Fact<never>);
  const list = (apiVersion: string, kind: string, namespace?: string): Promise<Fact<KubeObject[]>> =>
    withKube((kube) => kube.list(apiVersion, kind, namespace === undefined ? undefined : { namespace }));
  const installed = <T>(load: () => Promise<Fact<T>>): Promise<Fact<T>> =>
    context.pre ? Promise.resolve(notGathered) : load();
  const ns = context.namespace;

  // ---- round 1: nothing here needs another answer
  const [
    identity,
    cluster,
    kubeContext,
    kubeVersion,
    accessReviews,
    deployments,
    crds,
    validatingWebhooks,
    mutatingWebhooks,
    services,
    endpoints,
    clusterRoles,
    clusterRoleBindings,
    addonRbacRoles,
    addonRbacRoleBindings,
    addon,
    addonVersions,
    collectors,
    serviceAccounts,
    collectorRollout,
    oidcProviderArns,
    defaultRole,
    defaultRolePolicies,
  ] = await Promise.all([
    settle(() => sources.sts.getCallerIdentity()),
    settle(() => sources.eks.describeCluster(context.clusterName)),
    withKube((kube) => kube.context()),
    withKube((kube) => kube.version()),
    withKube((kube) =>
      Promise.all(
        requiredAccess(context).map(async (attributes) => {
          const answer = await kube.canI(attributes);
          return { attributes, allowed: answer.allowed, ...(answer.reason ? { reason: answer.reason } : {}) };
        }),
      ),
    ),
    list('apps/v1', 'Deployment'),
    list('apiextensions.k8s.io/v1', 'CustomResourceDefinition'),
    list('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'),
    list('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'),
    list('v1', 'Service'),
    list('v1', 'Endpoints'),
    list('rbac.authorization.k8s.io/v1', 'ClusterRole'),
    list('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'),
    list('rbac.authorization.k8s.io/v1', 'Role', ADDON_RBAC_NAMESPACE),
    list('rbac.authorization.k8s.io/v1', 'RoleBinding', ADDON_RBAC_NAMESPACE),
    settle(() => sources.eks.describeAddon(context.clusterName, ADDON_NAME)),
    settle(() => sources.eks.describeAddonVersions(ADDON_NAME)),
    installed(() => list('opentelemetry.io/v1alpha1', 'OpenTelemetryCollector', ns)),
    installed(() => list('v1', 'ServiceAccount', ns)),
    installed(() => withKube((kube) => kube.rolloutStatus(ns, `${context.collectorName}-collector`))),
    installed(() => settle(() => sources.iam.listOpenIdConnectProviders())),
    installed(() => settle(() => sources.iam.getRole(context.roleName))),
    installed(() => settle(() => sources.iam.listAttachedRolePolicies(context.roleName))),
  ]);

  // ---- round 2: what needs round 1's answers
  const round2: Promise<unknown>[] = [];
  let oidcProvider: DoctorFacts['oidcProvider'] = context.pre ? notGathered : known(undefined);
  let role = defaultRole;
  let attachedPolicies = defaultRolePolicies;
  if (!context.pre) {
    const issuer = cluster.ok ? cluster.value?.oidcIssuer : undefined;
    if (issuer && identity.ok && oidcProviderArns.ok) {
      const arn = oidcProviderArn(identity.value.account, issuer);
      if (oidcProviderArns.value.includes(arn)) {
        round2.push(settle(() => sources.iam.getOpenIdConnectProvider(arn)).then((fact) => (oidcProvider = fact)));
      }
    } else if (!oidcProviderArns.ok) {
      oidcProvider = oidcProviderArns;
    }
    const { roleName } = collectorIdentity(
      collectors.ok ? collectors.value : undefined,
      serviceAccounts.ok ? serviceAccounts.value : undefined,
      context,
    );
    if (roleName !== context.roleName) {
      round2.push(settle(() => sources.iam.getRole(roleName)).then((fact) => (role = fact)));
      round2.push(
        settle(() => sources.iam.listAttachedRolePolicies(roleName)).then((fact) => (attachedPolicies = fact)),
      );
    }
  }
  await Promise.all(round2);
  // a role that does not exist has no policies: iam.role reports it, iam.policies is skipped
  if (role.ok && role.value === undefined) attachedPolicies = known([]);

  return {
    identity,
    cluster,
    kubeContext,
    kubeVersion,
    accessReviews,
    deployments,
    crds,
    validatingWebhooks,
    mutatingWebhooks,
    services,
    endpoints,
    clusterRoles,
    clusterRoleBindings,
    addonRbacRoles,
    addonRbacRoleBindings,
    addon,
    addonVersions,
    collectors,
    serviceAccounts,
    collectorRollout,
    oidcProviderArns,
    oidcProvider,
    role,
    attachedPolicies,
    roundTrips: round2.length > 0 ? 2 : 1,
  };
}
