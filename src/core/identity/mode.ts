/**
 * Which identity the collector's pods get: IAM roles for service accounts (IRSA: an annotated service account, an
 * OIDC provider, a web-identity trust) or EKS Pod Identity (an association, the pod identity agent, a trust for
 * pods.eks.amazonaws.com). `auto` picks Pod Identity where it can work.
 */
import type { KubeObject } from '../../ports.js';
import { usageError } from '../errors.js';
import { compareAddonVersions } from '../versions.js';

export type IdentityMode = 'irsa' | 'pod-identity';
export type IdentityChoice = IdentityMode | 'auto';
export const IDENTITY_CHOICES: readonly IdentityChoice[] = ['auto', 'pod-identity', 'irsa'];

/**
 * The first ADOT add-on build that supports EKS Pod Identity, per the EKS User Guide's table of add-ons that support
 * it: https://docs.aws.amazon.com/eks/latest/userguide/add-ons-iam.html ("AWS Distro for OpenTelemetry: v0.94.1-eksbuild.1").
 */
export const POD_IDENTITY_MIN_ADDON_VERSION = 'v0.94.1-eksbuild.1';

export function parseIdentityChoice(text: string): IdentityChoice {
  const value = text.trim().toLowerCase();
  if ((IDENTITY_CHOICES as readonly string[]).includes(value)) return value as IdentityChoice;
  throw usageError('UnknownIdentityMode', `--identity: "${text}" is not one of ${IDENTITY_CHOICES.join(', ')}`, {
    hint: 'pass --identity pod-identity (EKS Pod Identity), --identity irsa (IAM roles for service accounts) or --identity auto',
    details: { identity: text, validModes: [...IDENTITY_CHOICES] },
  });
}

export function addonSupportsPodIdentity(addonVersion: string): boolean {
  return compareAddonVersions(addonVersion, POD_IDENTITY_MIN_ADDON_VERSION) >= 0;
}

/** What runs the cluster's pods, as far as its Node objects tell. */
export type ComputeKind = 'ec2' | 'fargate-only' | 'unknown';

const COMPUTE_TYPE_LABEL = 'eks.amazonaws.com/compute-type';

/**
 * Fargate-only when every node is a Fargate node (label eks.amazonaws.com/compute-type=fargate). No nodes at all
 * (a cluster still scaling up, or nodes the caller may not list) says nothing.
 */
export function computeKindOfNodes(nodes: readonly KubeObject[] | undefined): ComputeKind {
  if (nodes === undefined || nodes.length === 0) return 'unknown';
  return nodes.every((node) => node.metadata.labels?.[COMPUTE_TYPE_LABEL] === 'fargate') ? 'fargate-only' : 'ec2';
}

export interface IdentityDecision {
  mode: IdentityMode;
  /** one line for the plan: why this mode */
  reason: string;
}

/**
 * `auto`: Pod Identity when the add-on version supports it and the cluster is not Fargate-only (Pod Identity is not
 * available on Fargate: https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html, "Considerations"),
 * else IRSA. An explicit `pod-identity` that cannot work is bad input (exit 2), not a silent fallback.
 */
export function decideIdentity(input: {
  choice: IdentityChoice;
  addonVersion: string;
  compute: ComputeKind;
}): IdentityDecision {
  const { choice, addonVersion, compute } = input;
  const supported = addonSupportsPodIdentity(addonVersion);
  if (choice === 'irsa') return { mode: 'irsa', reason: 'asked for (--identity irsa)' };
  if (choice === 'pod-identity') {
    if (!supported) {
      throw usageError(
        'PodIdentityUnsupported',
        `EKS Pod Identity needs ADOT add-on ${POD_IDENTITY_MIN_ADDON_VERSION} or later; the chosen version is ${addonVersion}`,
        {
          hint: 'pass --addon-version latest (or a version from: adot versions --cluster <name>), or --identity irsa',
          details: { addonVersion, minimum: POD_IDENTITY_MIN_ADDON_VERSION },
        },
      );
    }
    if (compute === 'fargate-only') {
      throw usageError(
        'PodIdentityOnFargate',
        'EKS Pod Identity is not available for pods on AWS Fargate, and every node of this cluster is a Fargate node',
        {
          hint: 'pass --identity irsa',
        },
      );
    }
    return { mode: 'pod-identity', reason: 'asked for (--identity pod-identity)' };
  }
  if (!supported) {
    return {
      mode: 'irsa',
      reason: `add-on ${addonVersion} predates EKS Pod Identity support (${POD_IDENTITY_MIN_ADDON_VERSION})`,
    };
  }
  if (compute === 'fargate-only')
    return { mode: 'irsa', reason: 'every node is a Fargate node, where Pod Identity is not available' };
  return { mode: 'pod-identity', reason: `add-on ${addonVersion} supports it and AWS recommends it over IRSA` };
}
