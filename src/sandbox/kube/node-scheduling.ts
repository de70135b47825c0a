import type { KubeObject } from '../types.js';

/**
 * Which nodes a DaemonSet's pods land on, as the DaemonSet controller and the scheduler decide it
 * (https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/#how-daemon-pods-are-scheduled): the pod
 * template's nodeSelector and required node affinity must match the node's labels, and every NoSchedule/NoExecute
 * taint must be tolerated. Nodes that are not Ready or are cordoned get none. Fargate nodes never do: "Daemonsets
 * aren't supported on Fargate" (https://docs.aws.amazon.com/eks/latest/userguide/fargate.html).
 */
type Json = Record<string, unknown>;

const FARGATE_LABEL = 'eks.amazonaws.com/compute-type';

export function daemonSetNodes(daemonSet: KubeObject, nodes: readonly KubeObject[]): KubeObject[] {
  const podSpec = json(json(json(daemonSet.spec).template).spec);
  return nodes.filter((node) => runsDaemonPods(node) && podFits(podSpec, node));
}

function runsDaemonPods(node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  if (labels[FARGATE_LABEL] === 'fargate') return false;
  if (json(node.spec).unschedulable === true) return false;
  const ready = list(json(node.status).conditions).find((condition) => condition.type === 'Ready');
  return ready?.status === 'True';
}

function podFits(podSpec: Json, node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  const nodeSelector = json(podSpec.nodeSelector);
  if (!Object.entries(nodeSelector).every(([key, value]) => labels[key] === value)) return false;
  const required = json(json(json(podSpec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution);
  const terms = list(required.nodeSelectorTerms);
  if (terms.length > 0 && !terms.some((term) => termMatches(term, labels))) return false;
  const tolerations = list(podSpec.tolerations);
  return list(json(node.spec).taints)
    .filter((taint) => taint.effect === 'NoSchedule' || taint.effect === 'NoExecute')
    .every((taint) => tolerations.some((toleration) => tolerates(toleration, taint)));
}

/** a node selector term: every expression holds (matchFields are not modelled) */
function termMatches(term: Json, labels: Record<string, string>): boolean {
  return list(term.matchExpressions).every((expression) => {
    const key = String(expression.key ?? '');
    const values = Array.isArray(expression.values) ? expression.values.map(String) : [];
    const value = labels[key];
    switch (expression.operator) {
      case 'In':
        return value !== undefined && values.includes(value);
      case 'NotIn':
        return value === undefined || !values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      case 'Gt':
        return value !== undefined && Number(value) > Number(values[0]);
      case 'Lt':
        return value !== undefined && Number(value) < Number(values[0]);
      default:
        return false;
    }
  });
}

function tolerates(toleration: Json, taint: Json): boolean {
  if (toleration.effect !== undefined && toleration.effect !== '' && toleration.effect !== taint.effect) return false;
  if (toleration.operator === 'Exists')
    return toleration.key === undefined || toleration.key === '' || toleration.key === taint.key;
  return toleration.key === taint.key && (toleration.value ?? '') === (taint.value ?? '');
}

function json(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(json) : [];
}
