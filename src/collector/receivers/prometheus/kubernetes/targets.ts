/**
 * Kubernetes objects to Prometheus target label sets, with the `__meta_kubernetes_*` labels Prometheus'
 * kubernetes_sd_configs sets for the roles node, pod, service and endpoints. Pure: the discovery feeds it objects.
 * Objects are plain Kubernetes JSON (what the API returns), read defensively.
 */
export type LabelSet = Record<string, string>;

type Json = Record<string, unknown>;

function record(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(record) : [];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/** Prometheus' strutil.SanitizeLabelName: every character outside [a-zA-Z0-9_] becomes `_`. */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** `<prefix>_label_<name>`, `_labelpresent_`, `_annotation_`, `_annotationpresent_` of an object's metadata. */
function metadataLabels(prefix: string, metadata: Json): LabelSet {
  const labels: LabelSet = {};
  for (const [kind, source] of [
    ['label', record(metadata.labels)],
    ['annotation', record(metadata.annotations)],
  ] as const) {
    for (const [name, value] of Object.entries(source)) {
      const key = sanitizeLabelName(name);
      labels[`${prefix}_${kind}_${key}`] = text(value);
      labels[`${prefix}_${kind}present_${key}`] = 'true';
    }
  }
  return labels;
}

const NODE_ADDRESS_ORDER = ['InternalIP', 'InternalDNS', 'ExternalIP', 'ExternalDNS', 'LegacyHostIP', 'Hostname'];

export function nodeTargets(node: Json): LabelSet[] {
  const metadata = record(node.metadata);
  const status = record(node.status);
  const addresses = list(status.addresses);
  const byType = new Map<string, string>();
  for (const address of addresses) {
    const type = text(address.type);
    if (!byType.has(type)) byType.set(type, text(address.address));
  }
  const host = NODE_ADDRESS_ORDER.map((type) => byType.get(type)).find(
    (address) => address !== undefined && address !== '',
  );
  if (host === undefined) return [];
  const port = Number(record(record(status.daemonEndpoints).kubeletEndpoint).Port) || 10250;
  const labels: LabelSet = {
    __address__: joinHostPort(host, port),
    instance: text(metadata.name),
    __meta_kubernetes_node_name: text(metadata.name),
    __meta_kubernetes_node_provider_id: text(record(node.spec).providerID),
    ...metadataLabels('__meta_kubernetes_node', metadata),
  };
  for (const [type, address] of byType) labels[`__meta_kubernetes_node_address_${type}`] = address;
  return [labels];
}

function podReady(status: Json): string {
  const ready = list(status.conditions).find((condition) => condition.type === 'Ready');
  return ready === undefined ? 'unknown' : text(ready.status).toLowerCase();
}

export function podTargets(pod: Json): LabelSet[] {
  const metadata = record(pod.metadata);
  const spec = record(pod.spec);
  const status = record(pod.status);
  const podIp = text(status.podIP);
  if (podIp === '') return [];
  const controller = list(metadata.ownerReferences).find((owner) => owner.controller === true);
  const common: LabelSet = {
    __meta_kubernetes_namespace: text(metadata.namespace),
    __meta_kubernetes_pod_name: text(metadata.name),
    __meta_kubernetes_pod_ip: podIp,
    __meta_kubernetes_pod_ready: podReady(status),
    __meta_kubernetes_pod_phase: text(status.phase),
    __meta_kubernetes_pod_node_name: text(spec.nodeName),
    __meta_kubernetes_pod_host_ip: text(status.hostIP),
    __meta_kubernetes_pod_uid: text(metadata.uid),
    ...(controller === undefined
      ? {}
      : {
          __meta_kubernetes_pod_controller_kind: text(controller.kind),
          __meta_kubernetes_pod_controller_name: text(controller.name),
        }),
    ...metadataLabels('__meta_kubernetes_pod', metadata),
  };
  const targets: LabelSet[] = [];
  const containers = [
    ...list(spec.containers).map((container) => ({ container, init: 'false' })),
    ...list(spec.initContainers).map((container) => ({ container, init: 'true' })),
  ];
  for (const { container, init } of containers) {
    const base: LabelSet = {
      ...common,
      __meta_kubernetes_pod_container_name: text(container.name),
      __meta_kubernetes_pod_container_image: text(container.image),
      __meta_kubernetes_pod_container_init: init,
    };
    const ports = list(container.ports);
    if (ports.length === 0) {
      // init containers without ports are not targets; regular ones are, at the pod's IP alone
      if (init === 'false') targets.push({ ...base, __address__: podIp });
      continue;
    }
    for (const port of ports) {
      const number = text(port.containerPort);
      targets.push({
        ...base,
        __address__: joinHostPort(podIp, number),
        __meta_kubernetes_pod_container_port_name: text(port.name),
        __meta_kubernetes_pod_container_port_number: number,
        __meta_kubernetes_pod_container_port_protocol: text(port.protocol) || 'TCP',
      });
    }
  }
  return targets;
}

function serviceLabels(service: Json): LabelSet {
  const metadata = record(service.metadata);
  const spec = record(service.spec);
  return {
    __meta_kubernetes_namespace: text(metadata.namespace),
    __meta_kubernetes_service_name: text(metadata.name),
    __meta_kubernetes_service_type: text(spec.type) || 'ClusterIP',
    ...(spec.type === 'ExternalName'
      ? { __meta_kubernetes_service_external_name: text(spec.externalName) }
      : { __meta_kubernetes_service_cluster_ip: text(spec.clusterIP) }),
    ...metadataLabels('__meta_kubernetes_service', metadata),
  };
}

export function serviceTargets(service: Json): LabelSet[] {
  const metadata = record(service.metadata);
  const spec = record(service.spec);
  const host = `${text(metadata.name)}.${text(metadata.namespace)}.svc`;
  return list(spec.ports).map((port) => ({
    ...serviceLabels(service),
    __address__: joinHostPort(host, text(port.port)),
    __meta_kubernetes_service_port_name: text(port.name),
    __meta_kubernetes_service_port_number: text(port.port),
    __meta_kubernetes_service_port_protocol: text(port.protocol) || 'TCP',
  }));
}

/**
 * One target per address and port of each subset (ready and not-ready addresses), with the service's labels
 * when a service of that name exists and the pod's when the address targets a pod.
 */
export function endpointsTargets(
  endpoints: Json,
  serviceNamed: (namespace: string, name: string) => Json | undefined,
  podNamed: (namespace: string, name: string) => Json | undefined,
): LabelSet[] {
  const metadata = record(endpoints.metadata);
  const namespace = text(metadata.namespace);
  const service = serviceNamed(namespace, text(metadata.name));
  const common: LabelSet = {
    __meta_kubernetes_namespace: namespace,
    __meta_kubernetes_endpoints_name: text(metadata.name),
    ...metadataLabels('__meta_kubernetes_endpoints', metadata),
    ...(service === undefined ? {} : serviceLabels(service)),
  };
  const targets: LabelSet[] = [];
  for (const subset of list(endpoints.subsets)) {
    const addresses = [
      ...list(subset.addresses).map((address) => ({ address, ready: 'true' })),
      ...list(subset.notReadyAddresses).map((address) => ({ address, ready: 'false' })),
    ];
    for (const { address, ready } of addresses) {
      const targetRef = record(address.targetRef);
      const pod =
        targetRef.kind === 'Pod' ? podNamed(text(targetRef.namespace) || namespace, text(targetRef.name)) : undefined;
      for (const port of list(subset.ports)) {
        targets.push({
          ...common,
          __address__: joinHostPort(text(address.ip), text(port.port)),
          __meta_kubernetes_endpoint_ready: ready,
          __meta_kubernetes_endpoint_port_name: text(port.name),
          __meta_kubernetes_endpoint_port_protocol: text(port.protocol) || 'TCP',
          ...(address.nodeName === undefined ? {} : { __meta_kubernetes_endpoint_node_name: text(address.nodeName) }),
          ...(address.hostname === undefined ? {} : { __meta_kubernetes_endpoint_hostname: text(address.hostname) }),
          ...(targetRef.kind === undefined
            ? {}
            : {
                __meta_kubernetes_endpoint_address_target_kind: text(targetRef.kind),
                __meta_kubernetes_endpoint_address_target_name: text(targetRef.name),
              }),
          ...(pod === undefined ? {} : podLabelsOnly(pod)),
        });
      }
    }
  }
  return targets;
}

function podLabelsOnly(pod: Json): LabelSet {
  const metadata = record(pod.metadata);
  const status = record(pod.status);
  return {
    __meta_kubernetes_pod_name: text(metadata.name),
    __meta_kubernetes_pod_ip: text(status.podIP),
    __meta_kubernetes_pod_ready: podReady(status),
    __meta_kubernetes_pod_phase: text(status.phase),
    __meta_kubernetes_pod_node_name: text(record(pod.spec).nodeName),
    __meta_kubernetes_pod_host_ip: text(status.hostIP),
    __meta_kubernetes_pod_uid: text(metadata.uid),
    ...metadataLabels('__meta_kubernetes_pod', metadata),
  };
}
