import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../../types.js';
import { addonOperatorObjects, OPERATOR_DEPLOYMENT } from '../addon-objects.js';
import { asRecord, pick, stringsOf } from './objects.js';

/**
 * The operator's objects with the operator keys of configurationValues applied, as the docs describe each
 * (https://aws-otel.github.io/docs/getting-started/adot-eks-add-on/add-on-configuration-operator): replicaCount
 * ("Number of replicated pods"), manager.resources and manager.env (the ADOT Operator pod's container), affinity,
 * tolerations and nodeSelector (the operator pod), admissionWebhooks.namespaceSelector and objectSelector (the
 * webhook configurations). kubeRBACProxy.resources are taken but change nothing: the sandbox's operator Deployment
 * has no kube-rbac-proxy container.
 */
export function addonOperatorObjectsWith(version: string, configurationValues: string | undefined): KubeObject[] {
  const objects = addonOperatorObjects(version);
  if (configurationValues === undefined || configurationValues.trim() === '') return objects;
  const values = parseYaml(configurationValues) as unknown;
  return objects.map((object) => {
    if (object.kind === 'Deployment' && object.metadata.name === OPERATOR_DEPLOYMENT)
      return withPodValues(object, values);
    if (object.kind.endsWith('WebhookConfiguration')) return withWebhookSelectors(object, values);
    return object;
  });
}

function withPodValues(deployment: KubeObject, values: unknown): KubeObject {
  const spec = structuredClone(asRecord(deployment.spec));
  const replicas = pick(values, 'replicaCount');
  if (typeof replicas === 'number') spec.replicas = replicas;
  const template = asRecord(spec.template);
  const pod = asRecord(template.spec);
  for (const key of ['affinity', 'tolerations', 'nodeSelector']) {
    const value = pick(values, key);
    if (value !== undefined) pod[key] = value;
  }
  const resources = pick(values, 'manager.resources');
  const env = Object.entries(stringsOf(pick(values, 'manager.env'))).map(([name, value]) => ({ name, value }));
  pod.containers = (Array.isArray(pod.containers) ? pod.containers : []).map((container: unknown) => {
    const manager = asRecord(container);
    if (manager.name !== 'manager') return container;
    return {
      ...manager,
      ...(resources === undefined ? {} : { resources }),
      ...(env.length === 0 ? {} : { env }),
    };
  });
  return { ...deployment, spec: { ...spec, template: { ...template, spec: pod } } };
}

function withWebhookSelectors(configuration: KubeObject, values: unknown): KubeObject {
  const selectors: Record<string, unknown> = {};
  for (const key of ['namespaceSelector', 'objectSelector']) {
    const value = pick(values, `admissionWebhooks.${key}`);
    if (value !== undefined) selectors[key] = value;
  }
  if (Object.keys(selectors).length === 0) return configuration;
  const webhooks = Array.isArray(configuration.webhooks) ? configuration.webhooks : [];
  return { ...configuration, webhooks: webhooks.map((webhook: unknown) => ({ ...asRecord(webhook), ...selectors })) };
}
