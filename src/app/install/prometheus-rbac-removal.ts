/**
 * Least privilege kept: without a metrics target the collector needs no cluster-wide read of nodes, pods, services
 * and endpoints, so the Prometheus receiver's RBAC adot applied for an earlier metrics target is removed — the
 * binding when it binds only this service account, the ClusterRole when no other binding uses it. What adot did not
 * create (no managed-by label) is left alone.
 */
import type { Kube } from '../../ports.js';
import { labelledByAdot } from '../../core/plan/ownership.js';
import { arrayField, stringField } from '../../core/checks/helpers.js';
import { renderPrometheusRbac } from '../../core/templates/manifests.js';
import type { TemplateValues } from '../../core/templates/values.js';
import { refOf } from '../../core/plan/kube-diff.js';
import { deleteObjectStep } from './kube-steps.js';
import type { StepDefinition } from './runner.js';

export function prometheusRbacRemovalSteps(kube: () => Kube, values: TemplateValues): StepDefinition[] {
  const [role, binding] = renderPrometheusRbac(values);
  if (role === undefined || binding === undefined) return [];
  const notOurs = (live: Parameters<typeof labelledByAdot>[0]) =>
    Promise.resolve(labelledByAdot(live) ? undefined : 'not created by adot');
  return [
    deleteObjectStep(kube, 'prometheus-rbac.clusterrolebinding', refOf(binding), {
      async keep(live) {
        const others = arrayField(live, 'subjects').filter(
          (subject) =>
            !(
              stringField(subject, 'name') === values.serviceAccount &&
              stringField(subject, 'namespace') === values.namespace
            ),
        );
        return others.length > 0 ? 'it binds other service accounts too' : notOurs(live);
      },
    }),
    deleteObjectStep(kube, 'prometheus-rbac.clusterrole', refOf(role), {
      async keep(live) {
        const bindings = await kube().list('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding');
        const users = bindings.filter(
          (other) =>
            other.metadata.name !== binding.metadata.name &&
            stringField(other, 'roleRef', 'name') === role.metadata.name,
        );
        return users.length > 0 ? `bound by ${users.map((other) => other.metadata.name).join(', ')}` : notOurs(live);
      },
    }),
  ];
}
