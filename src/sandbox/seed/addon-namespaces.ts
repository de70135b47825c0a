import { ADDON_NAMESPACE } from './addon-rbac.js';

/** The EKS Pod Identity Agent add-on (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html). */
export const POD_IDENTITY_AGENT_ADDON = 'eks-pod-identity-agent';

/**
 * The namespace EKS installs each add-on the sandbox knows into, which is also where the pod identity associations
 * the add-on owns live (UpdateAddon answers them with `"namespace":"kube-system"` for kube-system add-ons,
 * https://github.com/hashicorp/terraform-provider-aws/issues/30645). ADOT: opentelemetry-operator-system
 * (https://aws-otel.github.io/docs/getting-started/adot-eks-add-on); the agent: kube-system
 * (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html, "kubectl get pods -n kube-system").
 */
const ADDON_NAMESPACES: Readonly<Record<string, string>> = {
  adot: ADDON_NAMESPACE,
  [POD_IDENTITY_AGENT_ADDON]: 'kube-system',
};

export function addonNamespace(addonName: string): string | undefined {
  return ADDON_NAMESPACES[addonName];
}
