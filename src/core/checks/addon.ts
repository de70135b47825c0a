/**
 * addon.version, addon.rbac, addon.status and operator.ready: an ADOT version exists for the cluster, the add-on
 * RBAC manifest is there when the version needs it, the add-on is ACTIVE, and its operator serves.
 */
import { addonRbacLastVersion, needsAddonRbac } from '../compat.js';
import { ADDON_RBAC_CLUSTER_ROLE, ADDON_RBAC_NAMESPACE, ADDON_RBAC_ROLE, COLLECTOR_CRD } from '../compat-data.js';
import { ADDON_NAME } from '../defaults.js';
import { resolveAddonVersion, sourceText } from './addon-version.js';
import {
  deploymentAvailable,
  findObject,
  hintFor,
  labelOf,
  listText,
  pass,
  qualifiedName,
  serviceHasEndpoints,
  unreadable,
  withFact,
} from './helpers.js';
import type { Check, CheckOutcome } from './types.js';

export const addonVersion: Check<'addon.version'> = {
  id: 'addon.version',
  category: 'addon',
  title: "an ADOT add-on version supports the cluster's Kubernetes version",
  appliesToPre: true,
  retryable: false,
  dependsOn: ['k8s.version'],
  run(facts, context) {
    const resolution = resolveAddonVersion(facts, context);
    switch (resolution.kind) {
      case 'unreadable':
        return unreadable(this.id, 'the add-on versions (DescribeAddonVersions)', resolution.error);
      case 'unknown-cluster-version':
        return { status: 'skip', message: "skipped: the cluster's Kubernetes version is unknown" };
      case 'none-for-cluster':
        return {
          status: 'fail',
          message: `no ADOT add-on version supports Kubernetes ${resolution.clusterMinor} yet`,
          observed: `0 versions for ${resolution.clusterMinor}`,
          expected: 'at least one version',
          hint: hintFor(
            this.id,
            `adot versions --kubernetes-version ${resolution.clusterMinor}; wait for a release, or run a Kubernetes version that adot versions lists`,
          ),
        };
      case 'resolved': {
        const observed = `${resolution.version} (${sourceText(resolution.source)})`;
        const listed = resolution.compatible.map((v) => v.addonVersion);
        if (!resolution.known) {
          return {
            status: 'fail',
            message: `add-on version ${resolution.version} does not exist`,
            observed,
            expected: `one of ${listText(listed)}`,
            hint: hintFor(this.id, `adot versions --cluster ${context.clusterName}`),
          };
        }
        if (!resolution.compatibleWithCluster) {
          return {
            status: 'fail',
            message: `add-on version ${resolution.version} does not support Kubernetes ${resolution.clusterMinor}`,
            observed,
            expected:
              listed.length > 0 ? `one of ${listText(listed)}` : `a version for Kubernetes ${resolution.clusterMinor}`,
            hint: hintFor(
              this.id,
              resolution.source === 'installed'
                ? `aws eks update-addon --cluster-name ${context.clusterName} --addon-name ${ADDON_NAME} --addon-version ${listed[0] ?? '<version>'}`
                : `adot versions --cluster ${context.clusterName}, then --addon-version default`,
            ),
          };
        }
        return pass(
          `add-on ${resolution.version} (${sourceText(resolution.source)}) supports Kubernetes ${resolution.clusterMinor}; ${listed.length} version(s) available`,
          {
            observed,
            expected: `a version listing ${resolution.clusterMinor}`,
          },
        );
      }
    }
  },
};

export const addonRbac: Check<'addon.rbac'> = {
  id: 'addon.rbac',
  category: 'addon',
  title: `add-on RBAC manifest (versions ≤ ${addonRbacLastVersion()})`,
  appliesToPre: true,
  retryable: false,
  dependsOn: ['addon.version'],
  run(facts, context) {
    const resolution = resolveAddonVersion(facts, context);
    if (resolution.kind !== 'resolved') return { status: 'skip', message: 'skipped: the add-on version is unknown' };
    if (!needsAddonRbac(resolution.version)) {
      return pass(`not needed for ${resolution.version} (only up to ${addonRbacLastVersion()})`);
    }
    const sources = [
      ['cluster roles', facts.clusterRoles],
      ['cluster role bindings', facts.clusterRoleBindings],
      [`roles in ${ADDON_RBAC_NAMESPACE}`, facts.addonRbacRoles],
      [`role bindings in ${ADDON_RBAC_NAMESPACE}`, facts.addonRbacRoleBindings],
    ] as const;
    for (const [what, fact] of sources) if (!fact.ok) return unreadable(this.id, what, fact.error);
    const missing: string[] = [];
    const has = (fact: (typeof sources)[number][1], name: string): boolean =>
      fact.ok && findObject(fact.value, name) !== undefined;
    if (!has(facts.clusterRoles, ADDON_RBAC_CLUSTER_ROLE)) missing.push(`ClusterRole ${ADDON_RBAC_CLUSTER_ROLE}`);
    if (!has(facts.clusterRoleBindings, ADDON_RBAC_CLUSTER_ROLE))
      missing.push(`ClusterRoleBinding ${ADDON_RBAC_CLUSTER_ROLE}`);
    if (!has(facts.addonRbacRoles, ADDON_RBAC_ROLE)) missing.push(`Role ${ADDON_RBAC_NAMESPACE}/${ADDON_RBAC_ROLE}`);
    if (!has(facts.addonRbacRoleBindings, ADDON_RBAC_ROLE))
      missing.push(`RoleBinding ${ADDON_RBAC_NAMESPACE}/${ADDON_RBAC_ROLE}`);
    if (missing.length === 0) return pass(`present, as ${resolution.version} needs`, { observed: 'all 4 objects' });
    const outcome: CheckOutcome = {
      status: 'fail',
      message: `${resolution.version} needs the add-on RBAC manifest; missing ${listText(missing)} (EKS fails with AccessDenied for eks:addon-manager)`,
      observed: `${4 - missing.length}/4 objects`,
      expected: '4/4 objects',
      hint: hintFor(this.id, 'adot install applies it (or kubectl apply -f templates/addon-rbac.yaml)'),
    };
    // before an install, adot install applies it itself: worth knowing, not a failure
    if (context.pre && !(facts.addon.ok && facts.addon.value))
      return { ...outcome, status: 'warn', message: `not applied yet: ${outcome.message}` };
    return outcome;
  },
};

const settling = new Set(['CREATING', 'UPDATING', 'DELETING']);

export const addonStatus: Check<'addon.status'> = {
  id: 'addon.status',
  category: 'addon',
  title: 'ADOT add-on is ACTIVE',
  appliesToPre: false,
  retryable: true,
  dependsOn: ['eks.cluster'],
  run(facts, context) {
    return withFact(this.id, 'the add-on (DescribeAddon)', facts.addon, (addon) => {
      if (addon === undefined) {
        return {
          status: 'fail',
          message: `the ${ADDON_NAME} add-on is not installed on ${context.clusterName}`,
          observed: 'not installed',
          expected: 'ACTIVE',
          hint: hintFor(this.id, `adot install --cluster ${context.clusterName}`),
        };
      }
      const observed = `${addon.status} (${addon.addonVersion})`;
      if (addon.status === 'ACTIVE') {
        return pass(`${addon.addonVersion} is ACTIVE`, { observed, expected: 'ACTIVE' });
      }
      const issues = addon.health.map(
        (issue) =>
          `${issue.code}: ${issue.message}${issue.resourceIds.length ? ` [${issue.resourceIds.join(', ')}]` : ''}`,
      );
      if (settling.has(addon.status)) {
        return {
          status: 'warn',
          message: `${addon.addonVersion} is ${addon.status}${issues.length ? `; ${issues.join('; ')}` : ''}`,
          observed,
          expected: 'ACTIVE',
          hint: hintFor(
            this.id,
            `adot doctor --wait 5m (or aws eks wait addon-active --cluster-name ${context.clusterName} --addon-name ${ADDON_NAME})`,
          ),
        };
      }
      const conflict = addon.health.some((issue) => issue.code === 'ConfigurationConflict');
      const accessDenied = addon.health.some((issue) => issue.code === 'AccessDenied');
      // least destructive first: PRESERVE keeps the values you changed, OVERWRITE resets them to EKS's (the
      // resolveConflicts documentation of UpdateAddon in the EKS API reference)
      const update = `aws eks update-addon --cluster-name ${context.clusterName} --addon-name ${ADDON_NAME}`;
      const fix = conflict
        ? `${update} --resolve-conflicts PRESERVE (keeps the fields you changed); or ${update} --resolve-conflicts OVERWRITE (destructive: resets the fields you changed to EKS's values)`
        : accessDenied
          ? `adot install --cluster ${context.clusterName} (applies the add-on RBAC manifest, then re-creates the failed add-on)`
          : `aws eks describe-addon --cluster-name ${context.clusterName} --addon-name ${ADDON_NAME}; kubectl -n ${ADDON_RBAC_NAMESPACE} get pods`;
      return {
        status: 'fail',
        message: `${addon.addonVersion} is ${addon.status}${issues.length ? `: ${issues.join('; ')}` : ' (no health issues reported)'}`,
        observed,
        expected: 'ACTIVE',
        hint: hintFor(this.id, fix),
      };
    });
  },
};

export const operatorReady: Check<'operator.ready'> = {
  id: 'operator.ready',
  category: 'addon',
  title: 'OpenTelemetry operator is ready (deployment, CRD, webhook endpoints)',
  appliesToPre: false,
  retryable: true,
  dependsOn: ['k8s.api', 'addon.status'],
  run(facts) {
    if (!facts.deployments.ok) return unreadable(this.id, 'deployments', facts.deployments.error);
    if (!facts.crds.ok) return unreadable(this.id, 'custom resource definitions', facts.crds.error);
    if (!facts.services.ok) return unreadable(this.id, 'services', facts.services.error);
    if (!facts.endpoints.ok) return unreadable(this.id, 'endpoints', facts.endpoints.error);
    const problems: string[] = [];
    const operator = facts.deployments.value.find(
      (d) =>
        labelOf(d, 'app.kubernetes.io/name') === 'opentelemetry-operator' ||
        d.metadata.name === 'opentelemetry-operator',
    );
    if (!operator) problems.push('operator deployment opentelemetry-operator is missing');
    else if (!deploymentAvailable(operator)) problems.push(`deployment ${qualifiedName(operator)} is not available`);
    if (!findObject(facts.crds.value, COLLECTOR_CRD))
      problems.push(`CRD ${COLLECTOR_CRD} is missing (kubectl reports: no matches for kind "OpenTelemetryCollector")`);
    const namespace = operator?.metadata.namespace ?? ADDON_RBAC_NAMESPACE;
    const webhook = facts.services.value.find(
      (s) =>
        s.metadata.namespace === namespace &&
        s.metadata.name.startsWith('opentelemetry-operator') &&
        s.metadata.name.includes('webhook'),
    );
    if (!webhook) problems.push(`operator webhook service in ${namespace} is missing`);
    else if (!serviceHasEndpoints(facts.endpoints.value, namespace, webhook.metadata.name)) {
      problems.push(`service ${qualifiedName(webhook)} has no ready endpoints`);
    }
    if (problems.length > 0) {
      return {
        status: 'fail',
        message: listText(problems),
        observed: `${problems.length} problem(s)`,
        expected: 'deployment available, CRD present, webhook endpoints ready',
        hint: hintFor(
          this.id,
          `kubectl -n ${namespace} get deploy,svc,endpoints,pods; kubectl -n ${namespace} logs deploy/opentelemetry-operator`,
        ),
      };
    }
    return pass(
      `operator ${qualifiedName(operator!)} available, CRD ${COLLECTOR_CRD} present, webhook ${qualifiedName(webhook!)} has endpoints`,
      {
        observed: labelOf(operator!, 'app.kubernetes.io/version') ?? qualifiedName(operator!),
      },
    );
  },
};
