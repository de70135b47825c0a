/** The Kubernetes objects around the collector: namespace, service account, Prometheus RBAC, add-on RBAC. */
import { stringify } from 'yaml';
import type { KubeObject } from '../../ports.js';
import { failure } from '../errors.js';
import { MANAGED_BY_ADOT, MANAGED_BY_LABEL } from '../plan/ownership.js';
import { loadTemplateDocuments } from './files.js';
import { assertNoTokens, substituteTokens } from './tokens.js';
import { assertRoleArn, type TemplateValues } from './values.js';

export const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';
const MANAGED_BY = { [MANAGED_BY_LABEL]: MANAGED_BY_ADOT };

function kubeObjects(documents: unknown[], source: string): KubeObject[] {
  return documents.map((document) => {
    const object = document as Partial<KubeObject>;
    if (
      typeof object.apiVersion !== 'string' ||
      typeof object.kind !== 'string' ||
      typeof object.metadata?.name !== 'string'
    ) {
      throw failure('TemplateInvalid', `Template ${source} holds a document that is not a Kubernetes object`);
    }
    return object as KubeObject;
  });
}

/** The names in TemplateValues were checked where they were given (src/cli/parsers.ts). */
export function renderNamespace(namespace: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } };
}

/** The collector's service account, annotated with the IAM role it assumes (IRSA). */
/** The collector's service account; annotated with the role for IRSA, plain for EKS Pod Identity (roleArn absent). */
export function renderServiceAccount(values: TemplateValues, roleArn: string | undefined): KubeObject {
  if (roleArn !== undefined) assertRoleArn(roleArn);
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: values.serviceAccount,
      namespace: values.namespace,
      labels: { ...MANAGED_BY },
      ...(roleArn === undefined ? {} : { annotations: { [ROLE_ARN_ANNOTATION]: roleArn } }),
    },
  };
}

/** ClusterRole otel-prometheus-role and its binding to the collector's service account. */
export function renderPrometheusRbac(values: TemplateValues): KubeObject[] {
  const source = 'prometheus-rbac.yaml';
  const tokens = {
    namespace: values.namespace,
    serviceAccount: values.serviceAccount,
  };
  const objects = kubeObjects(loadTemplateDocuments(source), source).map(
    (object) => substituteTokens(object, tokens, source) as KubeObject,
  );
  assertNoTokens(objects, 'Prometheus RBAC');
  return objects;
}

/** The RBAC the EKS add-on manager needs to install ADOT add-on versions up to v0.62.1. */
export function renderAddonRbac(): KubeObject[] {
  const source = 'addon-rbac.yaml';
  return kubeObjects(loadTemplateDocuments(source), source);
}

/**
 * Manifests as one multi-document YAML stream (for --dry-run): multi-line strings such as spec.config are written
 * as literal blocks and long strings are never folded, so the output reads like the files users know.
 */
export function manifestsToYaml(objects: readonly KubeObject[]): string {
  return objects.map((object) => stringify(object, { lineWidth: 0, blockQuote: 'literal' })).join('---\n');
}
