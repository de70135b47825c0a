/**
 * k8s.api, k8s.version and k8s.permissions: the Kubernetes API answers, is recent enough, and lets us do what
 * `adot install` does.
 */
import type { AccessAttributes } from '../../ports.js';
import {
  isKubernetesSupported,
  kubernetesDocumentedMinimum,
  kubernetesMinimum,
  meetsDocumentedMinimum,
} from '../compat.js';
import { ADDON_RBAC_NAMESPACE } from '../compat-data.js';
import { kubernetesVersionOfServer, minorVersion, parseKubernetesVersion } from '../versions.js';
import { hintFor, listText, pass, withFact } from './helpers.js';
import type { Check, DoctorContext } from './types.js';

export const k8sApi: Check<'k8s.api'> = {
  id: 'k8s.api',
  category: 'kubernetes',
  title: 'Kubernetes API is reachable',
  appliesToPre: true,
  retryable: true,
  dependsOn: [],
  run(facts, context) {
    if (!facts.kubeVersion.ok) {
      const server = facts.kubeContext.ok ? ` at ${facts.kubeContext.value.server}` : '';
      const reason = facts.kubeVersion.error.message;
      return {
        status: 'fail',
        message: /cannot reach/i.test(reason) ? reason : `cannot reach the Kubernetes API${server}: ${reason}`,
        expected: 'an answer from /version',
        hint: hintFor(
          this.id,
          facts.kubeVersion.error.hint ?? `aws eks update-kubeconfig --name ${context.clusterName}`,
        ),
      };
    }
    // /version is readable without credentials on most clusters; an access review proves we are authenticated
    if (!facts.accessReviews.ok && !facts.accessReviews.error.forbidden) {
      return {
        status: 'fail',
        message: `the API server answers /version but refuses requests: ${facts.accessReviews.error.message}`,
        observed: facts.accessReviews.error.code,
        expected: 'authenticated requests',
        hint: hintFor(
          this.id,
          facts.accessReviews.error.hint ?? `aws eks update-kubeconfig --name ${context.clusterName}`,
        ),
      };
    }
    const where = facts.kubeContext.ok
      ? ` at ${facts.kubeContext.value.server} (context ${facts.kubeContext.value.contextName})`
      : '';
    return pass(`API server answered${where}`, { observed: facts.kubeVersion.value.gitVersion });
  },
};

/** EKS upgrades one minor at a time and cannot downgrade (https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html). */
const UPGRADE_HINT =
  'upgrade the cluster one minor at a time (one-way: EKS cannot downgrade a cluster): aws eks update-cluster-version --name <cluster> --kubernetes-version <next minor>';

export const k8sVersion: Check<'k8s.version'> = {
  id: 'k8s.version',
  category: 'kubernetes',
  title: `Kubernetes version is supported`,
  appliesToPre: true,
  retryable: false,
  dependsOn: ['k8s.api'],
  run(facts) {
    return withFact(this.id, 'the Kubernetes version', facts.kubeVersion, (server) => {
      const version = kubernetesVersionOfServer(server);
      const expected = `>= ${kubernetesMinimum()}`;
      if (!version) {
        return {
          status: 'fail',
          message: `cannot parse the server version ${server.gitVersion}`,
          observed: server.gitVersion,
          expected,
          hint: hintFor(this.id, 'kubectl version'),
        };
      }
      const observed = `${minorVersion(version)} (${server.gitVersion})`;
      if (!isKubernetesSupported(version)) {
        return {
          status: 'fail',
          message: `Kubernetes ${minorVersion(version)} is older than the ADOT add-on's minimum ${kubernetesMinimum()}`,
          observed,
          expected,
          hint: hintFor(this.id, UPGRADE_HINT),
        };
      }
      const eksVersion =
        facts.cluster.ok && facts.cluster.value ? parseKubernetesVersion(facts.cluster.value.version) : undefined;
      if (eksVersion && minorVersion(eksVersion) !== minorVersion(version)) {
        return {
          status: 'warn',
          message: `the API server reports ${minorVersion(version)} but EKS reports ${minorVersion(eksVersion)} (upgrade in progress, or the context is another cluster)`,
          observed,
          expected: minorVersion(eksVersion),
          hint: hintFor(this.id, 'aws eks describe-cluster --name <cluster> --query cluster.version'),
        };
      }
      const documented = kubernetesDocumentedMinimum();
      if (!meetsDocumentedMinimum(version)) {
        return {
          status: 'warn',
          message: `Kubernetes ${minorVersion(version)} meets the add-on's original minimum ${kubernetesMinimum()}, but the ADOT docs have asked for ${documented.version} or higher since ${documented.since}`,
          observed,
          expected: `>= ${documented.version}`,
          hint: hintFor(this.id, UPGRADE_HINT),
        };
      }
      return pass(`Kubernetes ${minorVersion(version)} is supported`, { observed, expected });
    });
  },
};

/** What `adot install` does with the Kubernetes API, as access reviews. */
export function requiredAccess(context: Pick<DoctorContext, 'namespace'>): AccessAttributes[] {
  const ns = context.namespace;
  return [
    { verb: 'create', resource: 'namespaces' },
    { verb: 'list', group: 'apps', resource: 'deployments' },
    { verb: 'list', group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' },
    { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterroles' },
    { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' },
    { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'roles', namespace: ADDON_RBAC_NAMESPACE },
    { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespace: ADDON_RBAC_NAMESPACE },
    { verb: 'create', resource: 'serviceaccounts', namespace: ns },
    { verb: 'patch', resource: 'serviceaccounts', namespace: ns },
    { verb: 'create', group: 'opentelemetry.io', resource: 'opentelemetrycollectors', namespace: ns },
    { verb: 'patch', group: 'opentelemetry.io', resource: 'opentelemetrycollectors', namespace: ns },
    { verb: 'patch', group: 'apps', resource: 'deployments', namespace: ns },
  ];
}

export function describeAccess(attributes: AccessAttributes): string {
  const resource = attributes.group ? `${attributes.resource}.${attributes.group}` : attributes.resource;
  return `${attributes.verb} ${resource}${attributes.namespace ? ` in ${attributes.namespace}` : ''}`;
}

export const k8sPermissions: Check<'k8s.permissions'> = {
  id: 'k8s.permissions',
  category: 'kubernetes',
  title: 'Kubernetes permissions suffice for adot install',
  appliesToPre: true,
  retryable: false,
  dependsOn: ['k8s.api'],
  run(facts) {
    return withFact(this.id, 'access reviews', facts.accessReviews, (reviews) => {
      const missing = reviews.filter((review) => !review.allowed).map((review) => describeAccess(review.attributes));
      if (missing.length > 0) {
        return {
          status: 'fail',
          message: `not allowed to ${listText(missing)}`,
          observed: `${reviews.length - missing.length}/${reviews.length} allowed`,
          expected: `${reviews.length}/${reviews.length} allowed`,
          hint: hintFor(
            this.id,
            `kubectl auth can-i --list; use a cluster-admin identity or map your IAM role in aws-auth (eksctl create iamidentitymapping)`,
          ),
        };
      }
      return pass(`allowed: ${reviews.length} of ${reviews.length} operations an install performs`, {
        observed: `${reviews.length}/${reviews.length} allowed`,
      });
    });
  },
};
