import type { KubeObject } from '../types.js';
import { availableDeploymentStatus } from './deployment-status.js';
import { fakeCaBundle } from './identity.js';

/**
 * What `kubectl apply -f cert-manager.yaml` of a cert-manager release leaves in a cluster, already rolled out:
 * namespace, CRDs, service accounts, the three Deployments, the webhook Service and its webhook configurations,
 * with the labels the release manifests carry (the doctor reads the version from labels and image tags).
 */
const NAMESPACE = 'cert-manager';

interface Component {
  /** Deployment / ServiceAccount name */
  name: string;
  /** value of app and app.kubernetes.io/name */
  app: string;
  /** value of app.kubernetes.io/component */
  component: string;
  image: string;
  args: string[];
  ports: { containerPort: number; name: string; protocol: string }[];
}

function components(version: string): Component[] {
  return [
    {
      name: 'cert-manager',
      app: 'cert-manager',
      component: 'controller',
      image: `quay.io/jetstack/cert-manager-controller:${version}`,
      args: ['--v=2', '--cluster-resource-namespace=$(POD_NAMESPACE)', '--leader-election-namespace=kube-system'],
      ports: [{ containerPort: 9402, name: 'http-metrics', protocol: 'TCP' }],
    },
    {
      name: 'cert-manager-cainjector',
      app: 'cainjector',
      component: 'cainjector',
      image: `quay.io/jetstack/cert-manager-cainjector:${version}`,
      args: ['--v=2', '--leader-election-namespace=kube-system'],
      ports: [],
    },
    {
      name: 'cert-manager-webhook',
      app: 'webhook',
      component: 'webhook',
      image: `quay.io/jetstack/cert-manager-webhook:${version}`,
      args: ['--v=2', '--secure-port=10250', '--dynamic-serving-ca-secret-namespace=$(POD_NAMESPACE)'],
      ports: [{ containerPort: 10250, name: 'https', protocol: 'TCP' }],
    },
  ];
}

function labels(version: string, app: string, component: string): Record<string, string> {
  return {
    app,
    'app.kubernetes.io/name': app,
    'app.kubernetes.io/instance': 'cert-manager',
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/version': version,
    'app.kubernetes.io/managed-by': 'Helm',
    'helm.sh/chart': `cert-manager-${version}`,
  };
}

function selectorLabels(app: string, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': app,
    'app.kubernetes.io/instance': 'cert-manager',
    'app.kubernetes.io/component': component,
  };
}

/** CRD versions served by the release: v1 only from 1.6.0, the alpha/beta versions before */
function crdVersions(version: string): { name: string; served: boolean; storage: boolean }[] {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const onlyV1 = major > 1 || (major === 1 && minor >= 6);
  const names = onlyV1 ? ['v1'] : ['v1alpha2', 'v1alpha3', 'v1beta1', 'v1'];
  return names.map((name) => ({
    name,
    served: true,
    storage: name === 'v1',
    schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
  }));
}

export const CRDS: { plural: string; kind: string; group: string; scope: 'Namespaced' | 'Cluster' }[] = [
  { plural: 'certificates', kind: 'Certificate', group: 'cert-manager.io', scope: 'Namespaced' },
  { plural: 'certificaterequests', kind: 'CertificateRequest', group: 'cert-manager.io', scope: 'Namespaced' },
  { plural: 'issuers', kind: 'Issuer', group: 'cert-manager.io', scope: 'Namespaced' },
  { plural: 'clusterissuers', kind: 'ClusterIssuer', group: 'cert-manager.io', scope: 'Cluster' },
  { plural: 'orders', kind: 'Order', group: 'acme.cert-manager.io', scope: 'Namespaced' },
  { plural: 'challenges', kind: 'Challenge', group: 'acme.cert-manager.io', scope: 'Namespaced' },
];

export function certManagerObjects(version: string): KubeObject[] {
  const objects: KubeObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: NAMESPACE, labels: { 'kubernetes.io/metadata.name': NAMESPACE } },
    },
  ];
  for (const crd of CRDS) {
    objects.push({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {
        name: `${crd.plural}.${crd.group}`,
        labels: labels(version, 'cert-manager', 'crds'),
        annotations: { 'cert-manager.io/inject-ca-from-secret': 'cert-manager/cert-manager-webhook-ca' },
      },
      spec: {
        group: crd.group,
        names: {
          kind: crd.kind,
          listKind: `${crd.kind}List`,
          plural: crd.plural,
          singular: crd.kind.toLowerCase(),
          categories: ['cert-manager'],
        },
        scope: crd.scope,
        versions: crdVersions(version),
      },
    });
  }
  for (const component of components(version)) {
    const componentLabels = labels(version, component.app, component.component);
    objects.push({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: component.name, namespace: NAMESPACE, labels: componentLabels },
    });
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: component.name, namespace: NAMESPACE, labels: componentLabels, generation: 1 },
      spec: {
        replicas: 1,
        selector: { matchLabels: selectorLabels(component.app, component.component) },
        template: {
          metadata: { labels: componentLabels },
          spec: {
            serviceAccountName: component.name,
            containers: [
              {
                name: component.name,
                image: component.image,
                imagePullPolicy: 'IfNotPresent',
                args: component.args,
                ports: component.ports,
                env: [{ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
              },
            ],
          },
        },
      },
      status: availableDeploymentStatus(component.name, 1, 1),
    });
  }
  const webhookLabels = labels(version, 'webhook', 'webhook');
  objects.push(
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'cert-manager-webhook', namespace: NAMESPACE, labels: webhookLabels },
      spec: {
        type: 'ClusterIP',
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 10250 }],
        selector: selectorLabels('webhook', 'webhook'),
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'cert-manager', namespace: NAMESPACE, labels: labels(version, 'cert-manager', 'controller') },
      spec: {
        type: 'ClusterIP',
        ports: [{ name: 'tcp-prometheus-servicemonitor', port: 9402, protocol: 'TCP', targetPort: 9402 }],
        selector: selectorLabels('cert-manager', 'controller'),
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'cert-manager-webhook', namespace: NAMESPACE, labels: webhookLabels },
      subsets: [{ addresses: [{ ip: '127.0.0.10' }], ports: [{ name: 'https', port: 10250, protocol: 'TCP' }] }],
    },
  );
  const clientConfig = {
    service: { name: 'cert-manager-webhook', namespace: NAMESPACE, path: '' },
    caBundle: fakeCaBundle('cert-manager-webhook'),
  };
  const webhookBase = {
    admissionReviewVersions: ['v1', 'v1beta1'],
    sideEffects: 'None',
    timeoutSeconds: 10,
    failurePolicy: 'Fail',
    matchPolicy: 'Equivalent',
    rules: [
      {
        apiGroups: ['cert-manager.io', 'acme.cert-manager.io'],
        apiVersions: ['v1'],
        operations: ['CREATE', 'UPDATE'],
        resources: ['*/*'],
      },
    ],
  };
  objects.push(
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: {
        name: 'cert-manager-webhook',
        labels: webhookLabels,
        annotations: { 'cert-manager.io/inject-ca-from-secret': 'cert-manager/cert-manager-webhook-ca' },
      },
      webhooks: [
        {
          ...webhookBase,
          name: 'webhook.cert-manager.io',
          clientConfig: { ...clientConfig, service: { ...clientConfig.service, path: '/mutate' } },
        },
      ],
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: {
        name: 'cert-manager-webhook',
        labels: webhookLabels,
        annotations: { 'cert-manager.io/inject-ca-from-secret': 'cert-manager/cert-manager-webhook-ca' },
      },
      webhooks: [
        {
          ...webhookBase,
          name: 'webhook.cert-manager.io',
          namespaceSelector: {
            matchExpressions: [{ key: 'cert-manager.io/disable-validation', operator: 'NotIn', values: ['true'] }],
          },
          clientConfig: { ...clientConfig, service: { ...clientConfig.service, path: '/validate' } },
        },
      ],
    },
  );
  return objects;
}
