import { createHash } from 'node:crypto';
import type { KubeObject, SeedCluster, SeedNode } from '../types.js';
import { SEED_DEFAULTS } from './defaults.js';

/**
 * The Node objects of a seeded cluster, as EKS registers them: EC2 nodes of one managed node group (eksctl's
 * default: m5.large in the VPC 192.168.0.0/16, https://eksctl.io/usage/creating-and-managing-clusters/), or, for a
 * Fargate-only cluster, one Fargate node per pod (https://docs.aws.amazon.com/eks/latest/userguide/fargate.html).
 * Names follow EC2's private DNS names: ip-a-b-c-d.ec2.internal in us-east-1, ip-a-b-c-d.REGION.compute.internal
 * elsewhere (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-naming.html); Fargate nodes add the
 * prefix `fargate-` (https://docs.aws.amazon.com/eks/latest/userguide/getting-started-eksctl.html, `kubectl get
 * nodes`). Addresses and IDs are derived from the cluster name, so a seed always yields the same nodes.
 */
export const COMPUTE_TYPE_LABEL = 'eks.amazonaws.com/compute-type';
const INSTANCE_TYPE = 'm5.large';
/** representative values of an EKS-optimized Amazon Linux 2023 node and of a Fargate node (Amazon Linux 2) */
const EC2_OS = { osImage: 'Amazon Linux 2023.6.20250203', kernelVersion: '6.1.127-135.201.amzn2023.x86_64' };
const FARGATE_OS = { osImage: 'Amazon Linux 2', kernelVersion: '5.10.233-224.894.amzn2.x86_64' };
const CONTAINER_RUNTIME = 'containerd://1.7.25';

export interface NodeContext {
  region: string;
  /** the cluster's gitVersion, which its kubelets report */
  kubeletVersion: string;
}

export function clusterNodes(cluster: SeedCluster, context: NodeContext): KubeObject[] {
  const requested = cluster.nodes ?? SEED_DEFAULTS.nodeCount;
  const entries: SeedNode[] = typeof requested === 'number' ? Array.from({ length: requested }, () => ({})) : requested;
  const fargate = (cluster.computeType ?? SEED_DEFAULTS.computeType) === 'fargate';
  return entries.map((entry, index) => nodeObject(cluster.name, index, entry, fargate, context));
}

function nodeObject(
  clusterName: string,
  index: number,
  entry: SeedNode,
  fargate: boolean,
  context: NodeContext,
): KubeObject {
  const hash = createHash('sha256').update(`${clusterName}/node/${index}`).digest();
  const base = createHash('sha256').update(clusterName).digest();
  // one subnet per zone, distinct host numbers for up to 250 nodes
  const ip = `192.168.${((base[0] ?? 0) + (index % 2) * 32) % 256}.${(((base[1] ?? 0) + index * 7) % 250) + 2}`;
  const dnsSuffix = context.region === 'us-east-1' ? 'ec2.internal' : `${context.region}.compute.internal`;
  const privateDns = `ip-${ip.replaceAll('.', '-')}.${dnsSuffix}`;
  const name = entry.name ?? (fargate ? `fargate-${privateDns}` : privateDns);
  const zone = `${context.region}${index % 2 === 0 ? 'a' : 'b'}`;
  const instanceId = `i-${hash.toString('hex').slice(4, 21)}`;
  const common = {
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/os': 'linux',
    'kubernetes.io/hostname': name,
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'topology.kubernetes.io/region': context.region,
    'topology.kubernetes.io/zone': zone,
    'failure-domain.beta.kubernetes.io/region': context.region,
    'failure-domain.beta.kubernetes.io/zone': zone,
  };
  const labels = fargate
    ? { ...common, [COMPUTE_TYPE_LABEL]: 'fargate', 'eks.amazonaws.com/fargate-profile': 'fp-default' }
    : {
        ...common,
        'node.kubernetes.io/instance-type': INSTANCE_TYPE,
        'beta.kubernetes.io/instance-type': INSTANCE_TYPE,
        'eks.amazonaws.com/capacityType': 'ON_DEMAND',
        'eks.amazonaws.com/nodegroup': `ng-${base.toString('hex').slice(0, 8)}`,
      };
  const os = fargate ? FARGATE_OS : EC2_OS;
  const now = new Date().toISOString();
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { ...labels, ...entry.labels },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: fargate
      ? {
          providerID: `aws:///${zone}/${hash.toString('hex').slice(0, 10)}/${name}`,
          // a Fargate node runs only the pod it was started for
          // (https://docs.aws.amazon.com/eks/latest/userguide/fargate-pod-configuration.html)
          taints: [{ key: COMPUTE_TYPE_LABEL, value: 'fargate', effect: 'NoSchedule' }],
        }
      : { providerID: `aws:///${zone}/${instanceId}` },
    status: {
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'InternalDNS', address: privateDns },
        { type: 'Hostname', address: privateDns },
      ],
      capacity: { cpu: '2', memory: '7910408Ki', pods: fargate ? '1' : '29', 'ephemeral-storage': '20959212Ki' },
      allocatable: {
        cpu: '1930m',
        memory: '7220232Ki',
        pods: fargate ? '1' : '29',
        'ephemeral-storage': '18242267924',
      },
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: uuidOf(hash, 0),
        containerRuntimeVersion: CONTAINER_RUNTIME,
        kernelVersion: os.kernelVersion,
        kubeProxyVersion: context.kubeletVersion,
        kubeletVersion: context.kubeletVersion,
        machineID: hash.toString('hex').slice(0, 32),
        operatingSystem: 'linux',
        osImage: os.osImage,
        systemUUID: uuidOf(hash, 16),
      },
    },
  };
}

function uuidOf(hash: Buffer, offset: number): string {
  const hex = hash
    .toString('hex')
    .slice(offset, offset + 32)
    .padEnd(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
