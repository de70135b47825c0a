/**
 * The collector configurations the ADOT documentation publishes for the EKS add-on, run as a user runs them, in a
 * fresh sandbox each: `adot install` wires the identity (EKS Pod Identity or IRSA) for the resource's namespace,
 * service account and name; `kubectl apply -f` of the page's resource (test/fixtures/addon-docs/, filled in: the
 * workspace the install created) replaces adot's collector of that name; once `kubectl rollout status` says its
 * workload rolled out, `adot doctor` for that collector passes (or says exactly what the page gets wrong, and the
 * sandbox agrees); and its telemetry reaches X-Ray, AMP or CloudWatch Logs with the credentials its pods get.
 * Component behaviour of the same configurations on the supervisor alone: test/integration/collector-addon-docs.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.js';
import {
  doctorFor,
  FIXTURE_WORKSPACE,
  fixtureText,
  installFor,
  kubectlApply,
  notPassing,
  podsOf,
  postGauge,
  replacedPods,
  rolledOut,
  served,
  workspaceIdOf,
  type DocsCollector,
} from '../helpers/docs-collector.js';
import { identityWorld, type DoctorOutcome, type IdentityWorld } from '../helpers/identity-world.js';
import { fastSeed } from '../helpers/install-sandbox.js';
import { postSpan } from '../helpers/otlp-span.js';

const WAIT_MS = 20_000;
/** the sandbox's demo workload (preset demo-workload), which the pages' kubernetes-pods jobs scrape */
const DEMO = { namespace: 'demo-workload', pod: 'metrics-demo-0' };
/** fresh has two Ready EC2 nodes: a DaemonSet runs two pods */
const NODES = 2;

const worlds: IdentityWorld[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

async function freshWorld(): Promise<IdentityWorld> {
  const world = await identityWorld(fastSeed('fresh'));
  worlds.push(world);
  return world;
}

function docs(page: string, name: string): DocsCollector {
  // every page's resource names service account adot-collector, applied in the default namespace (the pages'
  // ClusterRoleBinding binds default/adot-collector)
  return { page, name, namespace: 'default', serviceAccount: 'adot-collector' };
}

function check(outcome: DoctorOutcome, id: string) {
  const found = outcome.checks.find((entry) => entry.id === id);
  if (found === undefined) throw new Error(`no check ${id}`);
  return found;
}

/** the running collector of one of these pods (a replaced one may still be stopping) */
async function runningStatus(world: IdentityWorld, collector: DocsCollector, pods: readonly string[]) {
  const { sandbox } = world;
  const status = await eventually(
    async () => sandbox.collectorStatus(sandbox.defaultCluster, collector.name, collector.namespace),
    (found) => found?.running === true && pods.includes(found.instance ?? ''),
    WAIT_MS,
  );
  if (status === undefined) throw new Error(`${collector.name} does not run`);
  return status;
}

/** samples of the workspace newer than `sinceMs`, as label sets */
function samplesSince(world: IdentityWorld, workspaceId: string, sinceMs: number): Record<string, string>[] {
  return world.sandbox.aps
    .series(workspaceId)
    .filter((series) => series.samples.some((sample) => sample.timestampMs >= sinceMs))
    .map((series) => series.labels);
}

/** EMF events of the log group newer than `sinceMs` */
function emfSince(world: IdentityWorld, group: string, sinceMs: number): Record<string, unknown>[] {
  try {
    return world.sandbox.logs
      .filterLogEvents(group, {})
      .filter((event) => event.timestamp >= sinceMs)
      .map((event) => JSON.parse(event.message) as Record<string, unknown>)
      .filter((event) => event['_aws'] !== undefined);
  } catch {
    return [];
  }
}

/** a replaced pod's collector stops with its credentials still in place, as a kubelet unmounts only after exit */
function credentialFileErrors(world: IdentityWorld): string[] {
  return world.log.filter((line) => /ENOENT[^']*'[^']*\/pods\/[^']*\/token'/.test(line));
}

describe('the ADOT docs add-on collector configurations, installed, applied with kubectl and checked by doctor', () => {
  it('config-xray (EKS Pod Identity): doctor passes; a span reaches X-Ray through EKS Auth', async () => {
    const world = await freshWorld();
    const collector = docs('config-xray', 'my-collector-xray');
    await installFor(world, collector, { targets: 'xray', identity: 'pod-identity' });
    const before = await podsOf(world, collector);
    await kubectlApply(world, collector.page, await fixtureText(collector.page));
    const pods = await replacedPods(world, collector, before, 1);
    await rolledOut(world, collector);

    const outcome = await doctorFor(world, collector);
    expect(outcome.failing, notPassing(outcome)).toEqual([]);
    expect(outcome.warning, notPassing(outcome)).toEqual([]);
    expect(check(outcome, 'collector.resource').message).toBe(
      'default/my-collector-xray is valid (receivers otlp; exporters awsxray)',
    );

    const status = await runningStatus(world, collector, pods);
    const traceId = await postSpan(status.protocols['otlp']?.['http'] ?? '', { 'service.name': 'cart' });
    const trace = await eventually(
      async () => world.sandbox.xray.trace(traceId),
      (found) => found !== undefined,
      WAIT_MS,
    );
    expect(JSON.parse(trace?.Segments[0]?.Document ?? '{}')).toMatchObject({ name: 'cart' });
    expect(served(world, 'eks-auth', 'AssumeRoleForPodIdentity')).toBe(true);
    expect(credentialFileErrors(world)).toEqual([]);
  });

  it("config-amp (IRSA): doctor warns exactly about the page's `__param_$1`; samples reach AMP through web identity", async () => {
    const world = await freshWorld();
    const collector = docs('config-amp', 'my-collector-amp');
    await installFor(world, collector, { targets: 'amp', identity: 'irsa', workspaceAlias: 'docs-amp' });
    const workspace = await workspaceIdOf(world, 'docs-amp');
    const before = await podsOf(world, collector);
    await kubectlApply(
      world,
      collector.page,
      (await fixtureText(collector.page)).replaceAll(FIXTURE_WORKSPACE, workspace),
    );
    const pods = await replacedPods(world, collector, before, 1);
    await runningStatus(world, collector, pods);
    await rolledOut(world, collector);
    const since = Date.now();

    const outcome = await doctorFor(world, collector);
    expect(outcome.failing, notPassing(outcome)).toEqual([]);
    expect(outcome.warning).toEqual(['collector.resource']);
    expect(check(outcome, 'collector.resource').message).toBe(
      'default/my-collector-amp is valid but 1 value(s) are probably not what was meant: ' +
        'receivers.prometheus.config.scrape_configs[5].relabel_configs[1].replacement: "$1" in "__param_$1" was ' +
        'probably meant as "$$1" (the regex group): ADOT Collector v0.41.0 and later leave "$1" as it is, so it still ' +
        'works there, but ADOT Collector v0.40.x and earlier (add-on before v0.109.0) refuse the configuration ' +
        '(environment variable "1" has invalid name)',
    );
    expect(check(outcome, 'amp.workspace').status).toBe('pass');
    expect(check(outcome, 'collector.rbac').status).toBe('pass');

    const scraped = await eventually(
      async () => samplesSince(world, workspace, since).filter((labels) => labels['job'] === 'kubernetes-pods'),
      (found) => found.some((labels) => labels['kubernetes_pod_name'] === DEMO.pod),
      WAIT_MS,
    );
    expect(scraped.find((labels) => labels['kubernetes_pod_name'] === DEMO.pod)).toMatchObject({
      kubernetes_namespace: DEMO.namespace,
    });
    expect(served(world, 'sts', 'AssumeRoleWithWebIdentity')).toBe(true);
    expect(credentialFileErrors(world)).toEqual([]);
  });

  it('config-cloudwatch (EKS Pod Identity): ${CLUSTER_NAME} from spec.env; doctor passes; EMF events reach CloudWatch Logs', async () => {
    const world = await freshWorld();
    const collector = docs('config-cloudwatch', 'my-collector-cloudwatch');
    await installFor(world, collector, { targets: 'cloudwatch', identity: 'pod-identity' });
    const before = await podsOf(world, collector);
    await kubectlApply(world, collector.page, await fixtureText(collector.page));
    const pods = await replacedPods(world, collector, before, 1);
    await runningStatus(world, collector, pods);
    await rolledOut(world, collector);
    const since = Date.now();

    const outcome = await doctorFor(world, collector);
    expect(outcome.failing, notPassing(outcome)).toEqual([]);
    expect(outcome.warning, notPassing(outcome)).toEqual([]);
    expect(check(outcome, 'collector.resource').message).toBe(
      'default/my-collector-cloudwatch is valid (receivers prometheus; exporters awsemf)',
    );

    const events = await eventually(
      async () => emfSince(world, '/aws/containerinsights/demo/prometheus', since),
      (found) => found.some((event) => event['EKS_PodName'] === DEMO.pod),
      WAIT_MS,
    );
    const event = events.find((found) => found['EKS_PodName'] === DEMO.pod);
    expect(event).toMatchObject({ EKS_Cluster: 'demo', EKS_Namespace: DEMO.namespace });
    expect(JSON.stringify(event?.['_aws'])).toContain('"Dimensions":[["EKS_Cluster","EKS_Namespace","EKS_PodName"]]');
    expect(served(world, 'eks-auth', 'AssumeRoleForPodIdentity')).toBe(true);
  });

  it('config-advanced (IRSA, a DaemonSet): doctor warns that `regex: $K8S_NODE_NAME` matches nothing and each pod scrapes nothing; written ${env:K8S_NODE_NAME}, doctor passes and samples arrive', async () => {
    const world = await freshWorld();
    const collector = docs('config-advanced', 'my-collector-advanced');
    await installFor(world, collector, { targets: 'amp', identity: 'irsa', workspaceAlias: 'docs-advanced' });
    const workspace = await workspaceIdOf(world, 'docs-advanced');
    const published = (await fixtureText(collector.page)).replaceAll(FIXTURE_WORKSPACE, workspace);
    const deployed = await podsOf(world, collector);
    await kubectlApply(world, collector.page, published);
    const daemonPods = await replacedPods(world, collector, deployed, NODES);
    await rolledOut(world, collector, 'daemonset');

    const asPublished = await doctorFor(world, collector);
    expect(asPublished.failing, notPassing(asPublished)).toEqual([]);
    expect(asPublished.warning).toEqual(['collector.resource']);
    const unexpanded = (index: number) =>
      `receivers.prometheus.config.scrape_configs[${index}].relabel_configs[3].regex: "$K8S_NODE_NAME" is not ` +
      'expanded: the collector stopped expanding the bare $NAME form in v0.107.0 (ADOT Collector v0.41.0, add-on ' +
      'v0.109.0), so it stays the literal text "$K8S_NODE_NAME" although K8S_NODE_NAME is set; as a regular ' +
      'expression "$" matches only at the end, so this matches nothing';
    expect(check(asPublished, 'collector.resource').message).toBe(
      `default/my-collector-advanced is valid but 2 value(s) are probably not what was meant: ${unexpanded(0)}; ${unexpanded(1)}`,
    );
    expect(check(asPublished, 'collector.deployment').message).toBe(
      'DaemonSet default/my-collector-advanced-collector is rolled out',
    );
    // the sandbox agrees: the keep rules drop every target of every pod
    for (const pod of daemonPods) {
      await eventually(
        async () => world.log.some((line) => line.includes(`(pod ${pod}): receiver prometheus: scraping 0 target(s)`)),
        (seen) => seen,
        WAIT_MS,
      );
    }

    await kubectlApply(
      world,
      collector.page,
      published.replaceAll('regex: $K8S_NODE_NAME', 'regex: ${env:K8S_NODE_NAME}'),
    );
    await replacedPods(world, collector, daemonPods, NODES);
    await rolledOut(world, collector, 'daemonset');
    const since = Date.now();
    const fixed = await doctorFor(world, collector);
    expect(fixed.failing, notPassing(fixed)).toEqual([]);
    expect(fixed.warning, notPassing(fixed)).toEqual([]);
    await eventually(
      async () => samplesSince(world, workspace, since),
      (found) =>
        found.some((labels) => labels['job'] === 'kubernetes-pods' && labels['kubernetes_pod_name'] === DEMO.pod),
      WAIT_MS,
    );
    expect(served(world, 'sts', 'AssumeRoleWithWebIdentity')).toBe(true);
  });

  it('target-allocator (EKS Pod Identity, a StatefulSet): refused as published by doctor and by the collector alike; with sigv4auth listed, doctor passes and samples arrive', async () => {
    const world = await freshWorld();
    const collector = docs('target-allocator', 'collector-with-ta');
    await installFor(world, collector, { targets: 'amp', identity: 'pod-identity', workspaceAlias: 'docs-ta' });
    const workspace = await workspaceIdOf(world, 'docs-ta');
    const published = (await fixtureText(collector.page))
      .replaceAll(FIXTURE_WORKSPACE, workspace)
      .replace('DEMO_APP_ADDRESS', '0.0.0.0:8888');
    const deployed = await podsOf(world, collector);
    await kubectlApply(world, collector.page, published);
    await replacedPods(world, collector, deployed, 0);

    const refused = await doctorFor(world, collector);
    expect(refused.failing).toEqual(['collector.resource']);
    expect(check(refused, 'collector.resource').message).toBe(
      'configuration of default/collector-with-ta has 1 problem(s): exporters.prometheusremotewrite.auth.authenticator: ' +
        'Authenticator "sigv4auth" is not listed in service.extensions',
    );
    const { sandbox } = world;
    const failure = await eventually(
      async () => sandbox.collectorStatus(sandbox.defaultCluster, collector.name, collector.namespace),
      (found) => found?.error !== undefined,
      WAIT_MS,
    );
    expect(failure?.error).toContain('sigv4auth');

    await kubectlApply(
      world,
      collector.page,
      published.replace('    service:\n', '    service:\n      extensions: [sigv4auth]\n'),
    );
    const pods = await replacedPods(world, collector, [], 1);
    await rolledOut(world, collector, 'statefulset');
    expect(pods).toEqual(['collector-with-ta-collector-0']);
    const since = Date.now();
    const fixed = await doctorFor(world, collector);
    expect(fixed.failing, notPassing(fixed)).toEqual([]);
    // install --target amp bound the Prometheus receiver's discovery reads; with a target allocator the collector
    // discovers nothing itself, so least privilege says those reads are more than it needs
    expect(fixed.warning, notPassing(fixed)).toEqual(['collector.rbac']);
    expect(check(fixed, 'collector.rbac').message).toMatch(
      /may read nodes, .* which no component of the collector needs/,
    );
    expect(check(fixed, 'collector.deployment').message).toBe(
      'StatefulSet default/collector-with-ta-collector is rolled out',
    );
    await eventually(
      async () => samplesSince(world, workspace, since),
      (found) => found.some((labels) => labels['job'] === 'otel-collector' && labels['__name__'] === 'up'),
      WAIT_MS,
    );
    expect(served(world, 'eks-auth', 'AssumeRoleForPodIdentity')).toBe(true);
  });

  it('k8s-attr-processor (IRSA, the gateway): doctor passes; a span gets its pod from k8sattributes in X-Ray, a gauge reaches AMP; without the pods RBAC doctor fails collector.rbac and spans lose their pod', async () => {
    const world = await freshWorld();
    const collector = docs('k8s-attr-processor', 'gateway');
    await installFor(world, collector, { targets: 'amp,xray', identity: 'irsa', workspaceAlias: 'docs-gateway' });
    const workspace = await workspaceIdOf(world, 'docs-gateway');
    const before = await podsOf(world, collector);
    await kubectlApply(
      world,
      collector.page,
      (await fixtureText(collector.page)).replaceAll(FIXTURE_WORKSPACE, workspace),
    );
    const pods = await replacedPods(world, collector, before, 1);
    await rolledOut(world, collector);

    const outcome = await doctorFor(world, collector);
    expect(outcome.failing, notPassing(outcome)).toEqual([]);
    // k8sattributes needs only pods; the discovery reads install --target amp bound are named as more than needed
    expect(outcome.warning, notPassing(outcome)).toEqual(['collector.rbac']);
    expect(check(outcome, 'collector.rbac').message).toMatch(
      /may read nodes, nodes\/proxy, services, endpoints cluster-wide .* which no component of the collector needs/,
    );

    const status = await runningStatus(world, collector, pods);
    const address = status.protocols['otlp']?.['http'] ?? '';
    const demoUid = await world.kubectl.run([
      'get',
      'pod',
      '-n',
      DEMO.namespace,
      DEMO.pod,
      '-o',
      'jsonpath={.metadata.uid}',
    ]);
    const traceId = await postSpan(address, {
      'service.name': 'cart',
      'cloud.platform': 'aws_eks',
      'k8s.pod.uid': demoUid.stdout,
      'k8s.namespace.name': DEMO.namespace,
    });
    const trace = await eventually(
      async () => world.sandbox.xray.trace(traceId),
      (found) => found !== undefined,
      WAIT_MS,
    );
    const document = JSON.parse(trace?.Segments[0]?.Document ?? '{}') as { aws?: { eks?: unknown } };
    expect(document.aws?.eks).toMatchObject({ pod: DEMO.pod });
    await postGauge(address, 'docs_gateway_requests', { 'service.name': 'cart' });
    await eventually(
      async () => world.sandbox.aps.series(workspace).map((series) => series.labels),
      (found) => found.some((labels) => labels['__name__'] === 'docs_gateway_requests' && labels['job'] === 'cart'),
      WAIT_MS,
    );
    expect(served(world, 'sts', 'AssumeRoleWithWebIdentity')).toBe(true);

    // without the binding k8sattributes cannot watch pods: doctor fails collector.rbac, and a restarted pod's span
    // arrives without its pod
    const unbound = await world.kubectl.run(['delete', 'clusterrolebinding', 'otel-prometheus-role-binding']);
    expect(unbound.code, unbound.stderr).toBe(0);
    const denied = await doctorFor(world, collector);
    expect(denied.failing).toEqual(['collector.rbac']);
    expect(check(denied, 'collector.rbac').message).toBe(
      'service account default/adot-collector may not get pods, list pods, watch pods (the k8sattributes processor needs them)',
    );
    const deleted = await world.kubectl.run(['delete', 'pod', '-n', collector.namespace, ...pods]);
    expect(deleted.code, deleted.stderr).toBe(0);
    const restarted = await replacedPods(world, collector, pods, 1);
    const restartedStatus = await runningStatus(world, collector, restarted);
    const unassociated = await postSpan(restartedStatus.protocols['otlp']?.['http'] ?? '', {
      'service.name': 'cart',
      'cloud.platform': 'aws_eks',
      'k8s.pod.uid': demoUid.stdout,
      'k8s.namespace.name': DEMO.namespace,
    });
    const plain = await eventually(
      async () => world.sandbox.xray.trace(unassociated),
      (found) => found !== undefined,
      WAIT_MS,
    );
    const plainDocument = JSON.parse(plain?.Segments[0]?.Document ?? '{}') as { aws?: { eks?: { pod?: string } } };
    expect(plainDocument.aws?.eks?.pod).toBeUndefined();
    expect(
      world.log.some((line) =>
        line.includes(
          `(pod ${restarted[0] ?? ''}): processor k8sattributes: watch of /api/v1/pods failed: HTTP-Code: 403`,
        ),
      ),
    ).toBe(true);
  });
  it("k8s-attr-processor, third configuration (IRSA, the gateway; `tail_sampling` and the filter's match_type fixed): doctor passes; the page's policy keeps only the named node's spans, the filter drops that node's metrics", async () => {
    const world = await freshWorld();
    const collector = docs('k8s-attr-processor-sampling', 'gateway');
    await installFor(world, collector, { targets: 'amp,xray', identity: 'irsa', workspaceAlias: 'docs-sampling' });
    const workspace = await workspaceIdOf(world, 'docs-sampling');
    // the demo pod's node stands for the page's badnode-1234; a pod put on the other node stays unmatched
    type Pod = { metadata: { name: string; namespace: string; uid: string }; spec: { nodeName?: string } };
    const podJson = async (namespace: string, name: string) =>
      JSON.parse((await world.kubectl.run(['get', 'pod', '-n', namespace, name, '-o', 'json'])).stdout) as Pod;
    const demo = await podJson(DEMO.namespace, DEMO.pod);
    const namedNode = demo.spec.nodeName ?? '';
    const nodes = JSON.parse((await world.kubectl.run(['get', 'nodes', '-o', 'json'])).stdout) as {
      items: { metadata: { name: string } }[];
    };
    const otherNode = nodes.items.map((node) => node.metadata.name).find((name) => name !== namedNode) ?? '';
    expect([namedNode, otherNode]).not.toContain('');
    await kubectlApply(
      world,
      'other-node-pod',
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata: {name: other-node-app, namespace: demo-workload}',
        `spec: {nodeName: ${otherNode}, containers: [{name: app, image: public.ecr.aws/docker/library/busybox:1.36}]}`,
      ].join('\n'),
    );
    const other = await podJson(DEMO.namespace, 'other-node-app');
    expect(other.spec.nodeName).toBe(otherNode);
    const before = await podsOf(world, collector);
    await kubectlApply(
      world,
      collector.page,
      (await fixtureText(collector.page))
        .replaceAll(FIXTURE_WORKSPACE, workspace)
        .replaceAll('badnode-1234', namedNode)
        // decision_wait shortened from the fixture's default (30s) so that arrival is seen within WAIT_MS
        .replace('      tail_sampling:\n', '      tail_sampling:\n        decision_wait: 1s\n'),
    );
    const collectorPods = await replacedPods(world, collector, before, 1);
    await rolledOut(world, collector);

    const outcome = await doctorFor(world, collector);
    expect(outcome.failing, notPassing(outcome)).toEqual([]);
    expect(check(outcome, 'collector.resource').status).toBe('pass');
    expect(check(outcome, 'collector.resource').message).toBe(
      'default/gateway is valid (receivers otlp; exporters prometheusremotewrite, awsxray)',
    );

    const status = await runningStatus(world, collector, collectorPods);
    const address = status.protocols['otlp']?.['http'] ?? '';
    const fromPod = (pod: { metadata: { uid: string; namespace: string } }) => ({
      'service.name': 'cart',
      'cloud.platform': 'aws_eks',
      'k8s.pod.uid': pod.metadata.uid,
      'k8s.namespace.name': pod.metadata.namespace,
    });
    // the other node's span first: it is decided no later than the named node's
    const otherTrace = await postSpan(address, fromPod(other));
    const namedTrace = await postSpan(address, fromPod(demo));
    const trace = await eventually(
      async () => world.sandbox.xray.trace(namedTrace),
      (found) => found !== undefined,
      WAIT_MS,
    );
    const document = JSON.parse(trace?.Segments[0]?.Document ?? '{}') as { aws?: { eks?: unknown } };
    expect(document.aws?.eks).toMatchObject({ pod: DEMO.pod });
    // upstream's string_attribute policy without invert_match samples the named node's traces and no other
    expect(world.sandbox.xray.trace(otherTrace)).toBeUndefined();

    await postGauge(address, 'docs_sampling_named_node', fromPod(demo));
    await postGauge(address, 'docs_sampling_other_node', fromPod(other));
    await eventually(
      async () => world.sandbox.aps.series(workspace).map((series) => series.labels),
      (found) => found.some((labels) => labels['__name__'] === 'docs_sampling_other_node'),
      WAIT_MS,
    );
    expect(
      world.sandbox.aps.series(workspace).filter((series) => series.labels['__name__'] === 'docs_sampling_named_node'),
    ).toEqual([]);
  });
});
