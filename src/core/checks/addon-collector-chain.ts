/**
 * One collector the add-on deploys from its configuration, followed link by link as the classic checks follow a
 * collector resource: the collector the operator was given, its configuration, its service account and how that is
 * wired to IAM (IRSA or EKS Pod Identity), the role, its trust, its permissions for what the exporters call, the AMP
 * workspace it writes to, and its rollout. The first broken link is the finding.
 */
import type { AddonCollector } from '../addon-config/values.js';
import { regionOfArn } from '../arn.js';
import { deniedActions } from '../iam/index.js';
import { verifyPodIdentityTrust } from '../identity/pod-identity-trust.js';
import { requiredPermissions } from '../identity/required-permissions.js';
import { oidcProviderArn, verifyTrustPolicy } from '../irsa.js';
import { rolloutStatusOf } from '../rollout.js';
import { daemonSetReadiness } from '../identity/pod-identity-agent.js';
import { collectorIdentity, expandedCollectorConfig, type CollectorIdentity } from './collector-identity.js';
import { problemsText, reviewCollectorResource } from './collector-review.js';
import { findObject, listText } from './helpers.js';
import type { AddonCollectorFacts, DoctorContext, DoctorFacts } from './types.js';

export interface ChainFinding {
  status: 'pass' | 'warn' | 'fail';
  /** `adot-col-otlp-ingest (xray): …` */
  message: string;
  /** the command that fixes it (without the docs link) */
  fix?: string;
  /** a complete hint, docs link included, when another check explains it */
  hint?: string;
}

export interface ChainInput {
  facts: DoctorFacts;
  addon: AddonCollectorFacts;
  context: DoctorContext;
  /** the command that reconciles what adot owns for these collectors */
  reinstall: string;
}

function wiring(identity: CollectorIdentity): string {
  return identity.effective === 'irsa' ? 'IRSA' : 'EKS Pod Identity';
}

export function examineAddonCollector(collector: AddonCollector, input: ChainInput): ChainFinding {
  const { facts, addon, context, reinstall } = input;
  const label = `${collector.name} (${collector.targets.join(', ')})`;
  const fail = (message: string, fix: string): ChainFinding => ({
    status: 'fail',
    message: `${label}: ${message}`,
    fix,
  });
  const where = `${collector.namespace}/${collector.name}`;

  const object = findObject(addon.collectors, collector.name, collector.namespace);
  if (object === undefined) {
    return fail(
      `the add-on has not created OpenTelemetryCollector ${where}`,
      `aws eks describe-addon --cluster-name ${context.clusterName} --addon-name adot --query addon.health; kubectl -n ${collector.namespace} logs deploy/opentelemetry-operator`,
    );
  }
  const review = reviewCollectorResource(object);
  if (review.errors.length > 0) {
    return fail(
      `its configuration has ${review.errors.length} problem(s): ${problemsText(review.errors)}`,
      `aws eks describe-addon --cluster-name ${context.clusterName} --addon-name adot --query addon.configurationValues`,
    );
  }

  const identity = collectorIdentity(addon.collectors, addon.serviceAccounts, addon.associations, {
    namespace: collector.namespace,
    collectorName: collector.name,
    serviceAccount: collector.serviceAccount,
    roleName: context.roleName,
  });
  const account = `${identity.namespace}/${identity.serviceAccount}`;
  if (identity.serviceAccountObject === undefined) {
    return fail(`service account ${account} does not exist`, reinstall);
  }
  if (identity.effective === undefined) {
    return fail(
      `service account ${account} has neither an IRSA annotation nor an EKS Pod Identity association: the collector gets no AWS credentials`,
      reinstall,
    );
  }
  if (context.identity !== undefined && context.identity !== identity.effective) {
    return fail(`service account ${account} uses ${wiring(identity)}, not ${context.identity} as asked`, reinstall);
  }
  const warnings: string[] = [];
  if (identity.observed === 'both') {
    warnings.push(
      'it has both an IRSA annotation and a Pod Identity association: the association is used (EKS injects only its credentials)',
    );
  }

  const known = addon.roles[identity.roleName];
  if (known === undefined || known.role === undefined) {
    return fail(`role ${identity.roleName} (named by the ${identity.roleSource}) does not exist`, reinstall);
  }
  const role = known.role;
  if (!facts.cluster.ok || facts.cluster.value === undefined || !facts.identity.ok) {
    return fail('the cluster or the caller is unknown, so the role cannot be judged', 'adot doctor (see eks.cluster)');
  }
  const cluster = facts.cluster.value;
  if (identity.effective === 'irsa') {
    const issuerUrl = cluster.oidcIssuer;
    if (!issuerUrl) return fail(`cluster ${cluster.name} has no OIDC issuer for IRSA`, reinstall);
    const providerArn = oidcProviderArn(facts.identity.value.account, issuerUrl);
    const problems = verifyTrustPolicy(role.assumeRolePolicyDocument, {
      providerArn,
      issuerUrl,
      namespace: identity.namespace,
      serviceAccount: identity.serviceAccount,
    });
    if (problems.length > 0) {
      return fail(
        `role ${role.name} does not trust system:serviceaccount:${identity.namespace}:${identity.serviceAccount}: ${problems.map((p) => p.message).join('; ')}`,
        reinstall,
      );
    }
  } else {
    const association = identity.association!;
    const findings = verifyPodIdentityTrust(
      role.assumeRolePolicyDocument,
      {
        clusterArn: cluster.arn,
        clusterName: cluster.name,
        namespace: identity.namespace,
        serviceAccount: identity.serviceAccount,
      },
      { roleArn: role.arn, sessionTags: !association.disableSessionTags },
    );
    if (findings.length > 0) {
      return fail(
        `role ${role.name} does not let EKS Pod Identity for ${account} assume it: ${findings.map((f) => f.message).join('; ')}`,
        reinstall,
      );
    }
  }

  const config = expandedCollectorConfig(object);
  const scope = {
    account: facts.identity.value.account,
    region: regionOfArn(cluster.arn) ?? 'us-east-1',
    clusterName: context.clusterName,
  };
  const permissions = config === undefined ? [] : requiredPermissions(config, scope);
  const denied = deniedActions(
    known.documents.map((policy) => ({ name: policy.name, document: policy.document })),
    permissions,
  );
  if (denied.length > 0) {
    return fail(
      `role ${role.name} is not allowed to ${listText([...new Set(denied.map((d) => d.action))])}: ${denied.map((d) => d.reason).join('; ')}`,
      reinstall,
    );
  }

  const workspace = addon.workspaces[collector.name];
  if (workspace !== undefined) {
    const at = `${workspace.workspaceId} in ${workspace.endpointRegion}`;
    if (workspace.workspace === undefined) {
      return fail(
        `AMP workspace ${at} does not exist: remote writes answer 404`,
        `aws amp list-workspaces --region ${workspace.endpointRegion}; then ${reinstall} --amp-workspace-id <id>`,
      );
    }
    if (workspace.signingRegion !== undefined && workspace.signingRegion !== workspace.endpointRegion) {
      return fail(`it signs remote writes for ${workspace.signingRegion} but workspace ${at}`, reinstall);
    }
    if (workspace.workspace.status !== 'ACTIVE') {
      return fail(
        `AMP workspace ${at} is ${workspace.workspace.status}, not ACTIVE`,
        `aws amp describe-workspace --region ${workspace.endpointRegion} --workspace-id ${workspace.workspaceId}`,
      );
    }
  }

  const rollout = rolloutOf(collector, facts);
  if (!rollout.complete) {
    return fail(
      rollout.message,
      `kubectl -n ${collector.namespace} describe ${rollout.kind} ${collector.name}-collector; kubectl -n ${collector.namespace} get events`,
    );
  }
  const summary = `${wiring(identity)} -> role ${role.name}, trusted, allowed ${permissions.length === 0 ? 'nothing needed' : listText([...new Set(permissions.map((p) => p.action))])}; ${rollout.message}`;
  return warnings.length > 0
    ? { status: 'warn', message: `${label}: ${warnings.join('; ')}; ${summary}`, fix: reinstall }
    : { status: 'pass', message: `${label}: ${summary}` };
}

function rolloutOf(
  collector: AddonCollector,
  facts: DoctorFacts,
): { complete: boolean; message: string; kind: 'deployment' | 'daemonset' | 'statefulset' } {
  const name = `${collector.name}-collector`;
  const at = `${collector.namespace}/${name}`;
  if (collector.mode === 'daemonset') {
    const daemonSet = facts.daemonSets.ok ? findObject(facts.daemonSets.value, name, collector.namespace) : undefined;
    if (daemonSet === undefined) {
      return {
        complete: false,
        message: `DaemonSet ${at} does not exist: the operator has not reconciled the collector`,
        kind: 'daemonset',
      };
    }
    const readiness = daemonSetReadiness(daemonSet);
    return { complete: readiness.ready, message: `DaemonSet ${at} ${readiness.message}`, kind: 'daemonset' };
  }
  if (collector.mode === 'deployment') {
    const deployment = facts.deployments.ok
      ? findObject(facts.deployments.value, name, collector.namespace)
      : undefined;
    if (deployment === undefined) {
      return {
        complete: false,
        message: `Deployment ${at} does not exist: the operator has not reconciled the collector`,
        kind: 'deployment',
      };
    }
    const status = rolloutStatusOf(name, deployment as Parameters<typeof rolloutStatusOf>[1]);
    return {
      complete: status.complete,
      message: status.complete ? `Deployment ${at} ${status.available}/${status.desired} available` : status.message,
      kind: 'deployment',
    };
  }
  return { complete: true, message: `${collector.mode} mode: its pods are not judged here`, kind: 'statefulset' };
}
