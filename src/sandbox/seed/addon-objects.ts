import type { KubeObject } from '../types.js';
import { ADDON_NAMESPACE } from './addon-rbac.js';
import { fakeCaBundle } from './identity.js';

/**
 * What EKS installs in a cluster when the ADOT add-on becomes ACTIVE: the OpenTelemetry operator (namespace,
 * CRDs, service account, Deployment, webhook Service and webhook configurations).
 */
export const OPERATOR_DEPLOYMENT = 'opentelemetry-operator';
export const OPERATOR_WEBHOOK_SERVICE = 'opentelemetry-operator-webhook';
export const COLLECTOR_CRD = 'opentelemetrycollectors.opentelemetry.io';
export const INSTRUMENTATION_CRD = 'instrumentations.opentelemetry.io';
/** label on every object the add-on installs, so removal finds exactly those */
export const ADDON_MANAGED_LABEL = 'eks.amazonaws.com/addon';
const REGISTRY = '602401143452.dkr.ecr.us-west-2.amazonaws.com/eks';

const scaleSubresource = {
  specReplicasPath: '.spec.replicas',
  statusReplicasPath: '.status.scale.replicas',
  labelSelectorPath: '.status.scale.selector',
};

/** v0.45.0-eksbuild.1 -> v0.45.0 */
function imageTag(addonVersion: string): string {
  return addonVersion.replace(/-eksbuild\.\d+$/, '');
}

function minorOf(addonVersion: string): number {
  return Number(/^v?\d+\.(\d+)\./.exec(addonVersion)?.[1] ?? 0);
}

export function addonOperatorImage(addonVersion: string): string {
  return `${REGISTRY}/adot-operator:${imageTag(addonVersion)}`;
}

/** the collector image the operator uses when an OpenTelemetryCollector names none */
export function addonCollectorImage(addonVersion: string): string {
  return `${REGISTRY}/aws-otel-collector:${imageTag(addonVersion)}`;
}

export function addonOperatorObjects(version: string): KubeObject[] {
  const labels = {
    'app.kubernetes.io/name': 'opentelemetry-operator',
    'app.kubernetes.io/version': version,
    'app.kubernetes.io/managed-by': 'EKS',
    [ADDON_MANAGED_LABEL]: 'adot',
  };
  const selector = { 'app.kubernetes.io/name': 'opentelemetry-operator', 'control-plane': 'controller-manager' };
  const servesV1beta1 = minorOf(version) >= 102;
  const schema = { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } };
  const subresources = { status: {}, scale: scaleSubresource };
  const caBundle = fakeCaBundle(OPERATOR_WEBHOOK_SERVICE);
  // from v0.102 the operator serves v1beta1 (the storage version) and converts v1alpha1 with its webhook; columns,
  // deprecation and conversion as its bundle declares them:
  // https://github.com/open-telemetry/opentelemetry-operator/blob/v0.102.0/bundle/manifests/opentelemetry.io_opentelemetrycollectors.yaml
  const printerColumns = [
    { description: 'Deployment Mode', jsonPath: '.spec.mode', name: 'Mode', type: 'string' },
    { description: 'OpenTelemetry Version', jsonPath: '.status.version', name: 'Version', type: 'string' },
    { jsonPath: '.status.scale.statusReplicas', name: 'Ready', type: 'string' },
    { jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' },
    { jsonPath: '.status.image', name: 'Image', type: 'string' },
    { description: 'Management State', jsonPath: '.spec.managementState', name: 'Management', type: 'string' },
  ];
  const collectorVersions = servesV1beta1
    ? [
        {
          additionalPrinterColumns: printerColumns,
          deprecated: true,
          deprecationWarning: 'OpenTelemetryCollector v1alpha1 is deprecated. Migrate to v1beta1.',
          name: 'v1alpha1',
          served: true,
          storage: false,
          schema,
          subresources,
        },
        {
          additionalPrinterColumns: printerColumns,
          name: 'v1beta1',
          served: true,
          storage: true,
          schema,
          subresources,
        },
      ]
    : [{ name: 'v1alpha1', served: true, storage: true, schema, subresources }];
  const conversion = servesV1beta1
    ? {
        strategy: 'Webhook',
        webhook: {
          clientConfig: {
            service: { name: OPERATOR_WEBHOOK_SERVICE, namespace: ADDON_NAMESPACE, path: '/convert', port: 443 },
            caBundle,
          },
          conversionReviewVersions: ['v1alpha1', 'v1beta1'],
        },
      }
    : undefined;
  const webhookService = (path: string) => ({
    service: { name: OPERATOR_WEBHOOK_SERVICE, namespace: ADDON_NAMESPACE, path, port: 443 },
    caBundle,
  });
  const collectorRule = {
    apiGroups: ['opentelemetry.io'],
    apiVersions: servesV1beta1 ? ['v1alpha1', 'v1beta1'] : ['v1alpha1'],
    operations: ['CREATE', 'UPDATE'],
    resources: ['opentelemetrycollectors'],
  };
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ADDON_NAMESPACE,
        labels: { 'kubernetes.io/metadata.name': ADDON_NAMESPACE, [ADDON_MANAGED_LABEL]: 'adot' },
      },
    },
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {
        name: COLLECTOR_CRD,
        labels,
        annotations: { 'cert-manager.io/inject-ca-from': `${ADDON_NAMESPACE}/opentelemetry-operator-serving-cert` },
      },
      spec: {
        group: 'opentelemetry.io',
        names: {
          kind: 'OpenTelemetryCollector',
          listKind: 'OpenTelemetryCollectorList',
          plural: 'opentelemetrycollectors',
          singular: 'opentelemetrycollector',
          shortNames: ['otelcol', 'otelcols'],
        },
        scope: 'Namespaced',
        versions: collectorVersions,
        ...(conversion === undefined ? {} : { conversion }),
      },
    },
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: INSTRUMENTATION_CRD, labels },
      spec: {
        group: 'opentelemetry.io',
        names: {
          kind: 'Instrumentation',
          listKind: 'InstrumentationList',
          plural: 'instrumentations',
          singular: 'instrumentation',
          shortNames: ['otelinst', 'otelinsts'],
        },
        scope: 'Namespaced',
        versions: [{ name: 'v1alpha1', served: true, storage: true, schema }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: OPERATOR_DEPLOYMENT, namespace: ADDON_NAMESPACE, labels },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: OPERATOR_DEPLOYMENT, namespace: ADDON_NAMESPACE, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...selector, 'app.kubernetes.io/version': version } },
          spec: {
            serviceAccountName: OPERATOR_DEPLOYMENT,
            containers: [
              {
                name: 'manager',
                image: addonOperatorImage(version),
                args: [
                  '--metrics-addr=127.0.0.1:8080',
                  '--enable-leader-election',
                  `--collector-image=${addonCollectorImage(version)}`,
                ],
                ports: [{ containerPort: 9443, name: 'webhook-server', protocol: 'TCP' }],
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: OPERATOR_WEBHOOK_SERVICE, namespace: ADDON_NAMESPACE, labels },
      spec: { type: 'ClusterIP', ports: [{ port: 443, protocol: 'TCP', targetPort: 9443 }], selector },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'opentelemetry-operator-mutating-webhook-configuration', labels },
      webhooks: [
        {
          name: 'mopentelemetrycollector.kb.io',
          admissionReviewVersions: ['v1'],
          sideEffects: 'None',
          failurePolicy: 'Fail',
          clientConfig: webhookService('/mutate-opentelemetry-io-v1alpha1-opentelemetrycollector'),
          rules: [collectorRule],
        },
      ],
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'opentelemetry-operator-validating-webhook-configuration', labels },
      webhooks: [
        {
          name: 'vopentelemetrycollectorcreateupdate.kb.io',
          admissionReviewVersions: ['v1'],
          sideEffects: 'None',
          failurePolicy: 'Fail',
          clientConfig: webhookService('/validate-opentelemetry-io-v1alpha1-opentelemetrycollector'),
          rules: [collectorRule],
        },
      ],
    },
  ];
}
