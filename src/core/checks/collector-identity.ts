/**
 * Who the collector really runs as. The collector resource names its service account (the operator's default is
 * `<name>-collector`); IRSA must be checked for THAT account, not the one a script or a flag assumed — the public
 * material's `adot-collector` vs `aws-otel-collector` trap. The role is the one that account's annotation names.
 */
import YAML from 'yaml';
import type { KubeObject } from '../../ports.js';
import {
  parseCollectorConfig,
  targetsOfConfig,
  type CollectorConfig,
  type ConfigProblem,
} from '../collector-config.js';
import type { Target } from '../targets.js';
import { findObject, stringField } from './helpers.js';
import type { DoctorContext } from './types.js';

export const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';

export interface CollectorIdentity {
  collector: KubeObject | undefined;
  namespace: string;
  serviceAccount: string;
  /** where the service account name came from */
  serviceAccountSource: 'collector' | 'operator default' | 'option';
  serviceAccountObject: KubeObject | undefined;
  annotatedRoleArn: string | undefined;
  /** the annotation's role name, else --role-name */
  roleName: string;
}

/** `arn:aws:iam::123456789012:role/some/path/Name` → `Name` */
export function roleNameOfArn(arn: string): string | undefined {
  const match = /^arn:aws[\w-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/.exec(arn.trim());
  return match?.[1];
}

export function accountOfArn(arn: string): string | undefined {
  return /^arn:aws[\w-]*:iam::(\d{12}):/.exec(arn.trim())?.[1];
}

export function collectorIdentity(
  collectors: readonly KubeObject[] | undefined,
  serviceAccounts: readonly KubeObject[] | undefined,
  context: Pick<DoctorContext, 'namespace' | 'collectorName' | 'serviceAccount' | 'roleName'>,
): CollectorIdentity {
  const collector = collectors ? findObject(collectors, context.collectorName, context.namespace) : undefined;
  const named = collector ? stringField(collector, 'spec', 'serviceAccount') : undefined;
  const serviceAccount = named ?? (collector ? `${context.collectorName}-collector` : context.serviceAccount);
  const serviceAccountSource = named ? 'collector' : collector ? 'operator default' : 'option';
  const serviceAccountObject = serviceAccounts
    ? findObject(serviceAccounts, serviceAccount, context.namespace)
    : undefined;
  const annotatedRoleArn = serviceAccountObject?.metadata.annotations?.[ROLE_ARN_ANNOTATION];
  const annotatedRole = annotatedRoleArn === undefined ? undefined : roleNameOfArn(annotatedRoleArn);
  return {
    collector,
    namespace: context.namespace,
    serviceAccount,
    serviceAccountSource,
    serviceAccountObject,
    annotatedRoleArn,
    roleName: annotatedRole ?? context.roleName,
  };
}

/** The collector's configuration: spec.config is a YAML string in v1alpha1 and an object in v1beta1. */
export function collectorConfigOf(collector: KubeObject): { config?: CollectorConfig; problems: ConfigProblem[] } {
  const raw = (collector.spec as Record<string, unknown> | undefined)?.config;
  if (raw === undefined || raw === null || raw === '') {
    return { problems: [{ path: 'spec.config', message: 'the collector has no configuration' }] };
  }
  return parseCollectorConfig(typeof raw === 'string' ? raw : YAML.stringify(raw));
}

/** The targets the collector exports to; undefined when its configuration cannot be parsed. */
export function collectorTargets(collector: KubeObject): Target[] | undefined {
  const { config } = collectorConfigOf(collector);
  return config ? targetsOfConfig(config) : undefined;
}
