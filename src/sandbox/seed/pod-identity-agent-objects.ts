import type { KubeObject } from '../types.js';
import { ADDON_MANAGED_LABEL } from './addon-objects.js';
import { POD_IDENTITY_AGENT_ADDON } from './addon-namespaces.js';
import { eksAddonRegistry } from './eks-registries.js';
import { podIdentityAgentImageTag } from './pod-identity-agent-catalog.js';

/**
 * Where the agent serves credentials on every node: the link-local addresses and port of its server, which are
 * the agent's defaults rather than part of its manifest (configuration/config.go and cmd/server.go of
 * https://github.com/aws/eks-pod-identity-agent; https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
 * "EKS Pod Identity considerations"). Pods reach it at AWS_CONTAINER_CREDENTIALS_FULL_URI
 * http://169.254.170.23/v1/credentials (pod-id-how-it-works.html).
 */
export const POD_IDENTITY_AGENT_IPV4 = '169.254.170.23';
export const POD_IDENTITY_AGENT_IPV6 = 'fd00:ec2::23';
export const POD_IDENTITY_AGENT_PORT = 80;
export const POD_IDENTITY_AGENT_PROBE_PORT = 2703;
export const POD_IDENTITY_AGENT_NAMESPACE = 'kube-system';
export const POD_IDENTITY_AGENT_DAEMONSET = 'eks-pod-identity-agent';

export interface PodIdentityAgentContext {
  clusterName: string;
  region: string;
}

/**
 * What EKS installs for the eks-pod-identity-agent add-on: one DaemonSet in kube-system, shaped as the agent's
 * chart renders it for EKS (charts/eks-pod-identity-agent/templates/daemonset.yaml and values.yaml of
 * https://github.com/aws/eks-pod-identity-agent): host network, every taint tolerated, not on Fargate, hybrid or
 * Auto Mode nodes, an init container that sets up the link-local address, the server on port 80 with probes on
 * 2703. The image comes from the Region's EKS registry.
 */
export function podIdentityAgentObjects(version: string, context: PodIdentityAgentContext): KubeObject[] {
  const tag = podIdentityAgentImageTag(version);
  const image = `${eksAddonRegistry(context.region)}/eks/eks-pod-identity-agent:${tag}`;
  const selector = {
    'app.kubernetes.io/name': POD_IDENTITY_AGENT_DAEMONSET,
    'app.kubernetes.io/instance': POD_IDENTITY_AGENT_DAEMONSET,
  };
  const probe = (path: string) => ({
    httpGet: { host: 'localhost', path, port: 'probes-port', scheme: 'HTTP' },
    timeoutSeconds: 10,
  });
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: {
        name: POD_IDENTITY_AGENT_DAEMONSET,
        namespace: POD_IDENTITY_AGENT_NAMESPACE,
        labels: {
          ...selector,
          'app.kubernetes.io/version': tag,
          'app.kubernetes.io/managed-by': 'EKS',
          app: POD_IDENTITY_AGENT_DAEMONSET,
          [ADDON_MANAGED_LABEL]: POD_IDENTITY_AGENT_ADDON,
        },
      },
      spec: {
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } },
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: selector },
          spec: {
            automountServiceAccountToken: false,
            priorityClassName: 'system-node-critical',
            hostNetwork: true,
            terminationGracePeriodSeconds: 30,
            tolerations: [{ operator: 'Exists' }],
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [
                    {
                      matchExpressions: [
                        { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
                        { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] },
                        {
                          key: 'eks.amazonaws.com/compute-type',
                          operator: 'NotIn',
                          values: ['fargate', 'hybrid', 'auto'],
                        },
                      ],
                    },
                  ],
                },
              },
            },
            initContainers: [
              {
                name: 'eks-pod-identity-agent-init',
                image,
                imagePullPolicy: 'Always',
                command: ['/go-runner', '/eks-pod-identity-agent', 'initialize'],
                securityContext: { privileged: true },
              },
            ],
            containers: [
              {
                name: 'eks-pod-identity-agent',
                image,
                imagePullPolicy: 'Always',
                command: ['/go-runner', '/eks-pod-identity-agent', 'server'],
                args: [
                  '--port',
                  String(POD_IDENTITY_AGENT_PORT),
                  '--cluster-name',
                  context.clusterName,
                  '--probe-port',
                  String(POD_IDENTITY_AGENT_PROBE_PORT),
                ],
                ports: [
                  { containerPort: POD_IDENTITY_AGENT_PORT, protocol: 'TCP', name: 'proxy' },
                  { containerPort: POD_IDENTITY_AGENT_PROBE_PORT, protocol: 'TCP', name: 'probes-port' },
                ],
                env: [{ name: 'AWS_REGION', value: context.region }],
                securityContext: { capabilities: { add: ['CAP_NET_BIND_SERVICE'] } },
                resources: {},
                livenessProbe: { ...probe('/healthz'), failureThreshold: 3, initialDelaySeconds: 30 },
                readinessProbe: { ...probe('/readyz'), failureThreshold: 30, initialDelaySeconds: 1 },
              },
            ],
          },
        },
      },
    },
  ];
}
