import { sandboxAdminBindingName } from '../kube/bootstrap.js';
import { daemonSetNodes } from '../kube/node-scheduling.js';
import type { KubeObject, SeedAddon, SeedCluster } from '../types.js';
import { eksCreated } from '../controllers/eks-apply.js';
import { addonCollectorObjects, addonOperatorObjectsWith } from './addon-collectors/index.js';
import { POD_IDENTITY_AGENT_ADDON } from './addon-namespaces.js';
import { daemonSetStatus, rolledOutDaemonSetStatus } from './daemonset-status.js';
import { SEED_DEFAULTS } from './defaults.js';
import { availableDeploymentStatus, unavailableDeploymentStatus } from './deployment-status.js';
import { clusterNodes } from './nodes.js';
import { podIdentityAgentObjects } from './pod-identity-agent-objects.js';
import { NO_ADMIN_PRESET, presetObjects, type PresetContext } from './presets.js';

/** add-on states in which EKS has already installed the operator into the cluster */
const INSTALLED_ADDON_STATES = new Set([
  'ACTIVE',
  'DEGRADED',
  'UPDATING',
  'UPDATE_FAILED',
  'DELETING',
  'DELETE_FAILED',
]);

/**
 * Every object a seeded cluster holds at start, in the order they override one another: the base objects
 * (namespaces, admin binding), the nodes, presets, the objects of add-ons seeded as installed (rolled out, or not
 * when the add-on is DEGRADED), then the seed's own objects. Namespaces that namespaced objects need are added.
 */
export function clusterStartObjects(
  cluster: SeedCluster,
  baseObjects: KubeObject[],
  region: string,
  presetContext: PresetContext = {},
): KubeObject[] {
  const presets = cluster.presets ?? [];
  const base = presets.includes(NO_ADMIN_PRESET)
    ? baseObjects.filter(
        (object) => !(object.kind === 'ClusterRoleBinding' && object.metadata.name === sandboxAdminBindingName),
      )
    : baseObjects;
  const nodes = clusterNodes(cluster, {
    region,
    kubeletVersion: cluster.gitVersion ?? `v${cluster.version ?? SEED_DEFAULTS.clusterVersion}.0`,
  });
  const installed = (addon: SeedAddon): KubeObject[] =>
    addon.name === POD_IDENTITY_AGENT_ADDON
      ? installedAgentObjects(addon, { clusterName: cluster.name, region }, nodes)
      : installedAdotObjects(addon, { clusterName: cluster.name, region });
  const objects = [
    ...base,
    ...nodes,
    ...presets.flatMap((preset) =>
      presetObjects(preset, undefined, {
        ...presetContext,
        nodeName: presetContext.nodeName ?? nodes[0]?.metadata.name,
      }),
    ),
    ...(cluster.addons ?? []).flatMap(installed),
    ...(cluster.objects ?? []).map((object) => structuredClone(object)),
  ];
  const namespaces = new Set(
    objects.filter((object) => object.kind === 'Namespace').map((object) => object.metadata.name),
  );
  const missing = new Set(
    objects
      .map((object) => object.metadata.namespace)
      .filter((namespace): namespace is string => namespace !== undefined && !namespaces.has(namespace)),
  );
  return [
    ...[...missing].map((name): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
    ...objects,
  ];
}

function installedAgentObjects(
  addon: SeedAddon,
  context: { clusterName: string; region: string },
  nodes: KubeObject[],
): KubeObject[] {
  if (!INSTALLED_ADDON_STATES.has(addon.status ?? 'ACTIVE')) return [];
  return podIdentityAgentObjects(addon.version, context).map((daemonSet) => {
    const desired = daemonSetNodes(daemonSet, nodes).length;
    const status =
      addon.status === 'DEGRADED'
        ? daemonSetStatus({ desired, updated: desired, ready: 0 }, 1)
        : rolledOutDaemonSetStatus(desired, 1);
    return { ...daemonSet, status };
  });
}

/** the operator, rolled out (or not when DEGRADED), and the collectors its configurationValues ask for, as EKS applied them */
function installedAdotObjects(addon: SeedAddon, context: { clusterName: string; region: string }): KubeObject[] {
  if (addon.name !== 'adot' || !INSTALLED_ADDON_STATES.has(addon.status ?? 'ACTIVE')) return [];
  const operator = addonOperatorObjectsWith(addon.version, addon.configurationValues).map((object) => {
    if (object.kind !== 'Deployment') return object;
    const replicas = (object.spec as { replicas?: number } | undefined)?.replicas ?? 1;
    const status =
      addon.status === 'DEGRADED'
        ? unavailableDeploymentStatus(object.metadata.name, replicas, 1)
        : availableDeploymentStatus(object.metadata.name, replicas, 1);
    return { ...object, status };
  });
  const settings = {
    configurationValues: addon.configurationValues,
    serviceAccountRoleArn: addon.serviceAccountRoleArn,
  };
  const now = new Date();
  return [
    ...operator,
    ...addonCollectorObjects(addon.version, settings, context).map((object) => eksCreated(object, now)),
  ];
}
