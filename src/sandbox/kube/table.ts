import type { KubeObject } from '../types.js';
import type { PrinterColumn, ResourceType } from './registry.js';

/**
 * meta.k8s.io/v1 Table answers, which `kubectl get` asks for (Accept: application/json;as=Table;…) to print
 * its columns. Columns follow what Kubernetes prints for the common kinds; other kinds get NAME and AGE, and
 * custom resources their CRD's additionalPrinterColumns.
 */

interface Column {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  cell(object: KubeObject, now: number): unknown;
}

function age(object: KubeObject, now: number): string {
  const created = Date.parse(object.metadata.creationTimestamp ?? '');
  if (Number.isNaN(created)) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now - created) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

function read(object: unknown, path: string): unknown {
  let node = object;
  for (const segment of path.split('.').filter((part) => part !== '')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

function count(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/** kubectl's ENDPOINTS column: address:port pairs of every subset, the first three and a count of the rest */
function endpointsText(object: KubeObject): string {
  const subsets = read(object, 'subsets');
  const pairs = (Array.isArray(subsets) ? subsets : []).flatMap((subset: Record<string, unknown>) => {
    const addresses = Array.isArray(subset.addresses) ? (subset.addresses as Record<string, unknown>[]) : [];
    const ports = Array.isArray(subset.ports) ? (subset.ports as Record<string, unknown>[]) : [];
    return addresses.flatMap((address) => ports.map((port) => `${String(address.ip)}:${String(port.port)}`));
  });
  if (pairs.length === 0) return '<none>';
  const shown = pairs.slice(0, 3).join(',');
  return pairs.length > 3 ? `${shown} + ${pairs.length - 3} more...` : shown;
}

/** kubectl's STATUS of a node: its Ready condition, and SchedulingDisabled when cordoned */
function nodeStatus(object: KubeObject): string {
  const conditions = read(object, 'status.conditions');
  const ready = (Array.isArray(conditions) ? (conditions as Record<string, unknown>[]) : []).find(
    (condition) => condition.type === 'Ready',
  );
  const status = ready === undefined ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady';
  return read(object, 'spec.unschedulable') === true ? `${status},SchedulingDisabled` : status;
}

/** kubectl's ROLES: the node-role.kubernetes.io/<role> labels */
function nodeRoles(object: KubeObject): string {
  const roles = Object.keys(object.metadata.labels ?? {})
    .filter((key) => key.startsWith('node-role.kubernetes.io/'))
    .map((key) => key.slice('node-role.kubernetes.io/'.length));
  return roles.length === 0 ? '<none>' : roles.sort().join(',');
}

function nodeAddress(object: KubeObject, type: string): string {
  const addresses = read(object, 'status.addresses');
  const found = (Array.isArray(addresses) ? (addresses as Record<string, unknown>[]) : []).find(
    (address) => address.type === type,
  );
  return typeof found?.address === 'string' ? found.address : '<none>';
}

function labelsText(value: unknown): string {
  const entries = Object.entries((value as Record<string, unknown> | undefined) ?? {});
  return entries.length === 0 ? '<none>' : entries.map(([key, item]) => `${key}=${String(item)}`).join(',');
}

function containersOf(object: KubeObject): Record<string, unknown>[] {
  const containers = read(object, 'spec.template.spec.containers');
  return Array.isArray(containers) ? (containers as Record<string, unknown>[]) : [];
}

const nameColumn: Column = { name: 'Name', type: 'string', format: 'name', cell: (object) => object.metadata.name };
const ageColumn: Column = { name: 'Age', type: 'string', cell: age };

const columnsByKind: Record<string, Column[]> = {
  Namespace: [
    nameColumn,
    { name: 'Status', type: 'string', cell: (object) => read(object, 'status.phase') ?? 'Active' },
    ageColumn,
  ],
  Deployment: [
    nameColumn,
    {
      name: 'Ready',
      type: 'string',
      cell: (object) => `${count(read(object, 'status.readyReplicas'))}/${count(read(object, 'spec.replicas'))}`,
    },
    { name: 'Up-to-date', type: 'integer', cell: (object) => count(read(object, 'status.updatedReplicas')) },
    { name: 'Available', type: 'integer', cell: (object) => count(read(object, 'status.availableReplicas')) },
    ageColumn,
  ],
  Service: [
    nameColumn,
    { name: 'Type', type: 'string', cell: (object) => read(object, 'spec.type') ?? 'ClusterIP' },
    { name: 'Cluster-IP', type: 'string', cell: (object) => read(object, 'spec.clusterIP') ?? '<none>' },
    { name: 'External-IP', type: 'string', cell: () => '<none>' },
    {
      name: 'Port(s)',
      type: 'string',
      cell: (object) => {
        const ports = read(object, 'spec.ports');
        if (!Array.isArray(ports) || ports.length === 0) return '<none>';
        return ports
          .map((port: Record<string, unknown>) => `${String(port.port)}/${String(port.protocol ?? 'TCP')}`)
          .join(',');
      },
    },
    ageColumn,
  ],
  // the columns and wide columns (priority 1) of kubectl's node and daemon set printers (pkg/printers/internalversion)
  Node: [
    nameColumn,
    { name: 'Status', type: 'string', cell: nodeStatus },
    { name: 'Roles', type: 'string', cell: nodeRoles },
    ageColumn,
    { name: 'Version', type: 'string', cell: (object) => read(object, 'status.nodeInfo.kubeletVersion') ?? '' },
    { name: 'Internal-IP', type: 'string', priority: 1, cell: (object) => nodeAddress(object, 'InternalIP') },
    { name: 'External-IP', type: 'string', priority: 1, cell: (object) => nodeAddress(object, 'ExternalIP') },
    {
      name: 'OS-Image',
      type: 'string',
      priority: 1,
      cell: (object) => read(object, 'status.nodeInfo.osImage') ?? '<unknown>',
    },
    {
      name: 'Kernel-Version',
      type: 'string',
      priority: 1,
      cell: (object) => read(object, 'status.nodeInfo.kernelVersion') ?? '<unknown>',
    },
    {
      name: 'Container-Runtime',
      type: 'string',
      priority: 1,
      cell: (object) => read(object, 'status.nodeInfo.containerRuntimeVersion') ?? '<unknown>',
    },
  ],
  DaemonSet: [
    nameColumn,
    { name: 'Desired', type: 'integer', cell: (object) => count(read(object, 'status.desiredNumberScheduled')) },
    { name: 'Current', type: 'integer', cell: (object) => count(read(object, 'status.currentNumberScheduled')) },
    { name: 'Ready', type: 'integer', cell: (object) => count(read(object, 'status.numberReady')) },
    { name: 'Up-to-date', type: 'integer', cell: (object) => count(read(object, 'status.updatedNumberScheduled')) },
    { name: 'Available', type: 'integer', cell: (object) => count(read(object, 'status.numberAvailable')) },
    {
      name: 'Node Selector',
      type: 'string',
      cell: (object) => labelsText(read(object, 'spec.template.spec.nodeSelector')),
    },
    ageColumn,
    {
      name: 'Containers',
      type: 'string',
      priority: 1,
      cell: (object) =>
        containersOf(object)
          .map((container) => String(container.name))
          .join(','),
    },
    {
      name: 'Images',
      type: 'string',
      priority: 1,
      cell: (object) =>
        containersOf(object)
          .map((container) => String(container.image))
          .join(','),
    },
    {
      name: 'Selector',
      type: 'string',
      priority: 1,
      cell: (object) => labelsText(read(object, 'spec.selector.matchLabels')),
    },
  ],
  Endpoints: [nameColumn, { name: 'Endpoints', type: 'string', cell: (object) => endpointsText(object) }, ageColumn],
  ConfigMap: [
    nameColumn,
    { name: 'Data', type: 'integer', cell: (object) => Object.keys((object.data as object | undefined) ?? {}).length },
    ageColumn,
  ],
  Pod: [
    nameColumn,
    { name: 'Status', type: 'string', cell: (object) => read(object, 'status.phase') ?? 'Pending' },
    ageColumn,
  ],
  CustomResourceDefinition: [
    nameColumn,
    { name: 'Created At', type: 'date', cell: (object) => object.metadata.creationTimestamp },
  ],
};

function printerColumn(column: PrinterColumn): Column {
  return {
    name: column.name,
    type: column.type,
    description: column.description ?? '',
    priority: column.priority ?? 0,
    cell: (object, now) =>
      column.type === 'date'
        ? age(
            {
              ...object,
              metadata: {
                ...object.metadata,
                creationTimestamp: String(read(object, column.jsonPath.replace(/^\./, '')) ?? ''),
              },
            },
            now,
          )
        : read(object, column.jsonPath.replace(/^\./, '')),
  };
}

function columnsOf(type: ResourceType): Column[] {
  if (type.printerColumns !== undefined && type.printerColumns.length > 0) {
    return [
      nameColumn,
      ...type.printerColumns.map(printerColumn),
      ...(type.printerColumns.some((column) => column.name === 'Age') ? [] : [ageColumn]),
    ];
  }
  return columnsByKind[type.kind] ?? [nameColumn, ageColumn];
}

export function wantsTable(accept: string | undefined): boolean {
  return accept !== undefined && /as=Table/.test(accept);
}

export function toTable(
  type: ResourceType,
  objects: KubeObject[],
  resourceVersion: string,
  now: number,
): Record<string, unknown> {
  const columns = columnsOf(type);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map((column) => ({
      name: column.name,
      type: column.type,
      format: column.format ?? '',
      description: column.description ?? '',
      priority: column.priority ?? 0,
    })),
    rows: objects.map((object) => ({
      cells: columns.map((column) => column.cell(object, now) ?? ''),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata },
    })),
  };
}
