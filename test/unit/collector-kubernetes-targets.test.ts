import { describe, expect, it } from 'vitest';
import {
  endpointsTargets,
  nodeTargets,
  podTargets,
  serviceTargets,
} from '../../src/collector/receivers/prometheus/kubernetes/targets.js';

const pod = {
  metadata: {
    name: 'cart-7d9',
    namespace: 'shop',
    uid: 'u-1',
    labels: { app: 'cart', 'app.kubernetes.io/name': 'cart' },
    annotations: { 'prometheus.io/scrape': 'true' },
    ownerReferences: [{ kind: 'ReplicaSet', name: 'cart-7d9f', controller: true }],
  },
  spec: {
    nodeName: 'node-a',
    initContainers: [{ name: 'migrate', image: 'migrate:1' }],
    containers: [
      {
        name: 'app',
        image: 'cart:2',
        ports: [
          { name: 'http', containerPort: 8080 },
          { name: 'metrics', containerPort: 9102, protocol: 'TCP' },
        ],
      },
      { name: 'sidecar', image: 'envoy:1' },
    ],
  },
  status: {
    podIP: '10.0.0.7',
    hostIP: '192.168.1.10',
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }],
  },
};

describe('Kubernetes discovery: objects to target label sets (Prometheus meta labels)', () => {
  it('role pod: one target per container port, a portless container at the pod IP, init containers without ports skipped', () => {
    const targets = podTargets(pod);
    expect(targets.map((target) => target.__address__)).toEqual(['10.0.0.7:8080', '10.0.0.7:9102', '10.0.0.7']);
    expect(targets[1]).toMatchObject({
      __meta_kubernetes_namespace: 'shop',
      __meta_kubernetes_pod_name: 'cart-7d9',
      __meta_kubernetes_pod_ip: '10.0.0.7',
      __meta_kubernetes_pod_ready: 'true',
      __meta_kubernetes_pod_phase: 'Running',
      __meta_kubernetes_pod_node_name: 'node-a',
      __meta_kubernetes_pod_host_ip: '192.168.1.10',
      __meta_kubernetes_pod_controller_kind: 'ReplicaSet',
      __meta_kubernetes_pod_controller_name: 'cart-7d9f',
      __meta_kubernetes_pod_container_name: 'app',
      __meta_kubernetes_pod_container_init: 'false',
      __meta_kubernetes_pod_container_port_name: 'metrics',
      __meta_kubernetes_pod_container_port_number: '9102',
      __meta_kubernetes_pod_container_port_protocol: 'TCP',
      __meta_kubernetes_pod_label_app_kubernetes_io_name: 'cart',
      __meta_kubernetes_pod_labelpresent_app: 'true',
      __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
      __meta_kubernetes_pod_annotationpresent_prometheus_io_scrape: 'true',
    });
    expect(podTargets({ ...pod, status: { phase: 'Pending' } })).toEqual([]);
  });

  it('role node: the kubelet port at the first address in Prometheus order, instance = node name', () => {
    const node = {
      metadata: { name: 'node-a', labels: { 'topology.kubernetes.io/zone': 'us-east-1a' } },
      spec: { providerID: 'aws:///us-east-1a/i-0abc' },
      status: {
        addresses: [
          { type: 'Hostname', address: 'ip-192-168-1-10' },
          { type: 'InternalIP', address: '192.168.1.10' },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      },
    };
    expect(nodeTargets(node)).toEqual([
      {
        __address__: '192.168.1.10:10250',
        instance: 'node-a',
        __meta_kubernetes_node_name: 'node-a',
        __meta_kubernetes_node_provider_id: 'aws:///us-east-1a/i-0abc',
        __meta_kubernetes_node_label_topology_kubernetes_io_zone: 'us-east-1a',
        __meta_kubernetes_node_labelpresent_topology_kubernetes_io_zone: 'true',
        __meta_kubernetes_node_address_Hostname: 'ip-192-168-1-10',
        __meta_kubernetes_node_address_InternalIP: '192.168.1.10',
      },
    ]);
  });

  const service = {
    metadata: {
      name: 'cart',
      namespace: 'shop',
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9102' },
    },
    spec: { type: 'ClusterIP', clusterIP: '172.20.0.9', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
  };

  it('role service: <name>.<namespace>.svc:<port> per port', () => {
    expect(serviceTargets(service)).toEqual([
      expect.objectContaining({
        __address__: 'cart.shop.svc:80',
        __meta_kubernetes_service_name: 'cart',
        __meta_kubernetes_service_cluster_ip: '172.20.0.9',
        __meta_kubernetes_service_port_name: 'http',
        __meta_kubernetes_service_port_number: '80',
        __meta_kubernetes_service_annotation_prometheus_io_port: '9102',
      }),
    ]);
  });

  it("role endpoints: one target per address and port, with the service's and the pod's labels", () => {
    const endpoints = {
      metadata: { name: 'cart', namespace: 'shop' },
      subsets: [
        {
          addresses: [
            { ip: '10.0.0.7', nodeName: 'node-a', targetRef: { kind: 'Pod', name: 'cart-7d9', namespace: 'shop' } },
          ],
          notReadyAddresses: [{ ip: '10.0.0.8' }],
          ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        },
      ],
    };
    const targets = endpointsTargets(
      endpoints,
      (namespace, name) => (namespace === 'shop' && name === 'cart' ? service : undefined),
      (namespace, name) => (namespace === 'shop' && name === 'cart-7d9' ? pod : undefined),
    );
    expect(targets.map((target) => [target.__address__, target.__meta_kubernetes_endpoint_ready])).toEqual([
      ['10.0.0.7:8080', 'true'],
      ['10.0.0.8:8080', 'false'],
    ]);
    expect(targets[0]).toMatchObject({
      __meta_kubernetes_endpoints_name: 'cart',
      __meta_kubernetes_endpoint_node_name: 'node-a',
      __meta_kubernetes_endpoint_address_target_kind: 'Pod',
      __meta_kubernetes_endpoint_address_target_name: 'cart-7d9',
      __meta_kubernetes_service_annotation_prometheus_io_scrape: 'true',
      __meta_kubernetes_pod_label_app: 'cart',
      __meta_kubernetes_endpoint_port_name: 'http',
    });
    expect(targets[1]?.__meta_kubernetes_pod_name).toBeUndefined();
  });
});
