/**
 * Who the collector really runs as. The collector resource names its service account (the operator's default is
 * `<name>-collector`); its identity must be checked for THAT account, not the one a script or a flag assumed — the
 * public material's `adot-collector` vs `aws-otel-collector` trap. The account can get AWS credentials two ways: an
 * IRSA annotation naming a role, or an EKS Pod Identity association naming one. When both exist, the association
 * wins: EKS's pod webhook injects only the container-credentials variables into a new pod of a service account that
 * has one ("Container credentials method takes precedence", buildPodPatchConfig in pkg/handler/handler.go of
 * https://github.com/aws/amazon-eks-pod-identity-webhook), so the pod never sees AWS_ROLE_ARN and the AWS SDKs' chain
 * (https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html) finds only Pod Identity.
 */
import YAML from 'yaml';
import type { KubeObject, PodIdentityAssociationInfo } from '../../ports.js';
import {
  containerEnvironment,
  expandEnvReferences,
  parseCollectorConfig,
  targetsOfConfig,
  type CollectorConfig,
  type ConfigProblem,
} from '../collector-config.js';
import type { Target } from '../targets.js';
import { ROLE_ARN_ANNOTATION } from '../templates/manifests.js';
import { findObject, stringField } from './helpers.js';
import type { DoctorContext } from './types.js';

export { ROLE_ARN_ANNOTATION };

/** How the service account is wired to AWS: `both` behaves as EKS Pod Identity (see above). */
export type ObservedIdentity = 'irsa' | 'pod-identity' | 'both' | 'none';

export interface CollectorIdentity {
  collector: KubeObject | undefined;
  namespace: string;
  serviceAccount: string;
  /** where the service account name came from */
  serviceAccountSource: 'collector' | 'operator default' | 'option';
  serviceAccountObject: KubeObject | undefined;
  annotatedRoleArn: string | undefined;
  /** the Pod Identity association of this namespace and service account, if any */
  association: PodIdentityAssociationInfo | undefined;
  observed: ObservedIdentity;
  /** the wiring the collector's credentials really come from */
  effective: 'irsa' | 'pod-identity' | undefined;
  /** the role of the effective wiring, else --role-name */
  roleName: string;
  /** where roleName came from */
  roleSource: 'annotation' | 'association' | 'option';
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
  associations: readonly PodIdentityAssociationInfo[] | undefined,
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
  const association = associations?.find(
    (candidate) => candidate.namespace === context.namespace && candidate.serviceAccount === serviceAccount,
  );
  const observed: ObservedIdentity =
    annotatedRoleArn !== undefined
      ? association !== undefined
        ? 'both'
        : 'irsa'
      : association !== undefined
        ? 'pod-identity'
        : 'none';
  const effective = observed === 'none' ? undefined : observed === 'irsa' ? 'irsa' : 'pod-identity';
  const effectiveArn = effective === 'irsa' ? annotatedRoleArn : association?.roleArn;
  const effectiveRole = effectiveArn === undefined ? undefined : roleNameOfArn(effectiveArn);
  return {
    collector,
    namespace: context.namespace,
    serviceAccount,
    serviceAccountSource,
    serviceAccountObject,
    annotatedRoleArn,
    association,
    observed,
    effective,
    roleName: effectiveRole ?? context.roleName,
    roleSource: effectiveRole === undefined ? 'option' : effective === 'irsa' ? 'annotation' : 'association',
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

/**
 * The collector's configuration with its environment references expanded from `spec.env` as its container gets them
 * (values doctor cannot know — pod fields, Secrets — keep their reference text); undefined when it does not parse.
 */
export function expandedCollectorConfig(collector: KubeObject): CollectorConfig | undefined {
  const { config } = collectorConfigOf(collector);
  if (config === undefined) return undefined;
  const spec = (collector.spec ?? {}) as Record<string, unknown>;
  const serviceAccountName = typeof spec['serviceAccount'] === 'string' ? spec['serviceAccount'] : undefined;
  const environment = containerEnvironment(spec['env'], {
    ...(collector.metadata.namespace === undefined ? {} : { namespace: collector.metadata.namespace }),
    ...(serviceAccountName === undefined ? {} : { serviceAccountName }),
  });
  return expandEnvReferences(config, environment.values).value;
}
