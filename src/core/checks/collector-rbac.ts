/**
 * collector.rbac: the Kubernetes API reads the collector's components make with its pods' service-account token are
 * allowed by a ClusterRole bound to that service account. Which components read the API, and what:
 * - the prometheus receiver's `kubernetes_sd_configs` (service discovery) and scrapes through the API server's node
 *   proxy: nodes, nodes/proxy, services, endpoints and pods — the docs' `otel-prometheus-role`
 *   (https://aws-otel.github.io/docs/getting-started/adot-eks-add-on/config-amp); a receiver with only
 *   `static_configs` reads nothing;
 * - the k8sattributes processor watches pods to associate telemetry with them: get, watch and list on pods, as its
 *   README's ClusterRole grants (https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/processor/k8sattributesprocessor#role-based-access-control);
 *   without them nothing is associated and no attribute is added.
 */
import type { KubeObject } from '../../ports.js';
import { componentType, pipelineComponents, type CollectorConfig } from '../collector-config.js';
import { collectorConfigOf } from './collector-identity.js';
import { arrayField, findObject, hintFor, listText, pass, stringField, unreadable } from './helpers.js';
import { identityOf } from './iam.js';
import type { Check } from './types.js';

const READ_VERBS = ['get', 'list', 'watch'] as const;

interface ApiReader {
  /** who reads, as the message names it */
  component: string;
  resources: readonly string[];
}

const PROMETHEUS_DISCOVERY: ApiReader = {
  component: "the prometheus receiver's service discovery",
  resources: ['nodes', 'nodes/proxy', 'services', 'endpoints', 'pods'],
};
const K8S_ATTRIBUTES: ApiReader = { component: 'the k8sattributes processor', resources: ['pods'] };

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function discoversKubernetes(receiver: unknown): boolean {
  const scrapeConfigs = record(record(receiver)['config'])['scrape_configs'];
  return (
    Array.isArray(scrapeConfigs) &&
    scrapeConfigs.some((scrape) => {
      const discovery = record(scrape)['kubernetes_sd_configs'];
      return Array.isArray(discovery) && discovery.length > 0;
    })
  );
}

/** the components of the pipelines that read the Kubernetes API */
export function kubernetesApiReaders(config: CollectorConfig): ApiReader[] {
  const used = pipelineComponents(config);
  const readers: ApiReader[] = [];
  if (used.receivers.some((id) => componentType(id) === 'prometheus' && discoversKubernetes(config.receivers[id]))) {
    readers.push(PROMETHEUS_DISCOVERY);
  }
  if (used.processors.some((id) => componentType(id) === 'k8sattributes')) readers.push(K8S_ATTRIBUTES);
  return readers;
}

function grants(rules: unknown[], resource: string, verb: string): boolean {
  return rules.some((rule) => {
    const groups = arrayField(rule, 'apiGroups');
    const resources = arrayField(rule, 'resources');
    const verbs = arrayField(rule, 'verbs');
    return (
      (groups.includes('') || groups.includes('*')) &&
      (resources.includes(resource) || resources.includes('*')) &&
      (verbs.includes(verb) || verbs.includes('*'))
    );
  });
}

function bindsServiceAccount(binding: KubeObject, namespace: string, name: string): boolean {
  return arrayField(binding, 'subjects').some(
    (s) =>
      stringField(s, 'kind') === 'ServiceAccount' &&
      stringField(s, 'name') === name &&
      stringField(s, 'namespace') === namespace,
  );
}

export const collectorRbac: Check<'collector.rbac'> = {
  id: 'collector.rbac',
  category: 'collector',
  title:
    "the Kubernetes API reads of the collector's components (prometheus service discovery, k8sattributes) are allowed to its service account",
  appliesToPre: false,
  retryable: false,
  dependsOn: ['collector.resource'],
  run(facts, context) {
    const identity = identityOf(facts, context);
    const config = identity.collector ? collectorConfigOf(identity.collector).config : undefined;
    if (!config) return { status: 'skip', message: 'skipped: no collector configuration' };
    const readers = kubernetesApiReaders(config);
    if (!facts.clusterRoleBindings.ok)
      return unreadable(this.id, 'cluster role bindings', facts.clusterRoleBindings.error);
    if (!facts.clusterRoles.ok) return unreadable(this.id, 'cluster roles', facts.clusterRoles.error);
    const account = `${identity.namespace}/${identity.serviceAccount}`;
    const bindings = facts.clusterRoleBindings.value.filter((b) =>
      bindsServiceAccount(b, identity.namespace, identity.serviceAccount),
    );
    const clusterRoles = facts.clusterRoles.value;
    const rulesOf = (binding: KubeObject): unknown[] => {
      const roleName = stringField(binding, 'roleRef', 'name');
      const role = roleName === undefined ? undefined : findObject(clusterRoles, roleName);
      return role ? arrayField(role, 'rules') : [];
    };
    const rules = bindings.flatMap(rulesOf);
    const missing = readers.flatMap((reader) => {
      const denied = reader.resources.flatMap((resource) =>
        READ_VERBS.filter((verb) => !grants(rules, resource, verb)).map((verb) => `${verb} ${resource}`),
      );
      return denied.length === 0 ? [] : [{ reader, denied }];
    });
    if (missing.length > 0) {
      return {
        status: 'fail',
        message: `service account ${account} may not ${missing.map(({ reader, denied }) => `${listText(denied)} (${reader.component} needs them)`).join('; nor ')}`,
        observed: bindings.length === 0 ? 'no cluster role binding' : bindings.map((b) => b.metadata.name).join(', '),
        expected: 'ClusterRole otel-prometheus-role bound to the service account',
        hint: hintFor(
          this.id,
          `adot install --cluster ${context.clusterName} --target amp --namespace ${identity.namespace} --service-account ${identity.serviceAccount} (applies otel-prometheus-role, which grants both)`,
        ),
      };
    }
    // least privilege: cluster-wide reads that no component of the collector makes are a finding, not "not needed"
    const needed = new Set(readers.flatMap((reader) => reader.resources));
    const unneeded = PROMETHEUS_DISCOVERY.resources.filter(
      (resource) => !needed.has(resource) && READ_VERBS.some((verb) => grants(rules, resource, verb)),
    );
    if (unneeded.length > 0) {
      const names = bindings
        .filter((binding) =>
          unneeded.some((resource) => READ_VERBS.some((verb) => grants(rulesOf(binding), resource, verb))),
        )
        .map((binding) => binding.metadata.name);
      return {
        status: 'warn',
        message: `service account ${account} may read ${listText(unneeded)} cluster-wide through ${listText(names)}, which no component of the collector needs`,
        observed: listText(names),
        expected: `no cluster-wide read beyond what the collector's components make (${needed.size === 0 ? 'none' : listText([...needed])})`,
        hint: hintFor(
          this.id,
          `adot install --cluster ${context.clusterName} --target <every installed target> --prune (removes the Prometheus receiver RBAC adot applied once no target needs it; destructive: --prune also removes an installed target --target does not name); or (destructive: whatever else the binding serves loses it) kubectl delete clusterrolebinding ${names.join(' ')}`,
        ),
      };
    }
    if (readers.length === 0) {
      return pass(
        'not needed (no prometheus receiver with kubernetes_sd_configs, no k8sattributes processor), and none granted',
      );
    }
    return pass(`${account} may read ${listText([...needed])} via ${bindings.map((b) => b.metadata.name).join(', ')}`);
  },
};
