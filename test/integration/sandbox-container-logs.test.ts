/**
 * The ADOT add-on's containerLogs collector ships real pod logs: the sandbox's nodes have their own filesystems, the
 * demo workload and the collectors write their logs there as the kubelet does, a DaemonSet collector tails them
 * through its hostPath mount and sends them to CloudWatch Logs with its pod's EKS Pod Identity credentials, and
 * `kubectl logs` reads the same files. A sandbox collector never reads the machine's own files.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateAddonCommand, DescribeAddonCommand } from '@aws-sdk/client-eks';
import { AttachRolePolicyCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { scenarioSeed } from '../../src/sandbox/seed/scenarios.js';
import { eventually, present } from '../helpers/eventually.js';
import { identityWorld, type IdentityWorld } from '../helpers/identity-world.js';

const NS = 'opentelemetry-operator-system';
const COLLECTOR = 'adot-col-container-logs';
const DAEMONSET = `${COLLECTOR}-collector`;
const CLOUDWATCH_POLICY = 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy';
const FAST = {
  addonCreateSeconds: 0.2,
  addonDeleteSeconds: 0.1,
  addonUpdateSeconds: 0.2,
  rolloutSeconds: 0.2,
  addonCollectorBatchSeconds: 1,
};
const WAIT_MS = 20_000;

let world: IdentityWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function start(): Promise<IdentityWorld> {
  const fresh = scenarioSeed('fresh');
  world = await identityWorld({ ...fresh, behaviour: { ...fresh.behaviour, ...FAST } });
  return world;
}

async function active(sandbox: IdentityWorld, addonName: string): Promise<void> {
  await eventually(
    async () => {
      const { addon } = await sandbox.eks.send(new DescribeAddonCommand({ clusterName: 'demo', addonName }));
      return addon?.status === 'ACTIVE';
    },
    present,
    WAIT_MS,
  );
}

/** the EKS Pod Identity agent, then the adot add-on with containerLogs on and an association for its collector */
async function installContainerLogs(sandbox: IdentityWorld, withPolicy: boolean): Promise<void> {
  const account = sandbox.sandbox.account;
  await sandbox.iam.send(
    new CreateRoleCommand({
      RoleName: 'container-logs',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'pods.eks.amazonaws.com' },
            Action: ['sts:AssumeRole', 'sts:TagSession'],
          },
        ],
      }),
    }),
  );
  if (withPolicy) {
    await sandbox.iam.send(new AttachRolePolicyCommand({ RoleName: 'container-logs', PolicyArn: CLOUDWATCH_POLICY }));
  }
  await sandbox.eks.send(new CreateAddonCommand({ clusterName: 'demo', addonName: 'eks-pod-identity-agent' }));
  await active(sandbox, 'eks-pod-identity-agent');
  await sandbox.eks.send(
    new CreateAddonCommand({
      clusterName: 'demo',
      addonName: 'adot',
      configurationValues: JSON.stringify({
        collector: { containerLogs: { pipelines: { logs: { cloudwatchLogs: { enabled: true } } } } },
      }),
      podIdentityAssociations: [{ serviceAccount: COLLECTOR, roleArn: `arn:aws:iam::${account}:role/container-logs` }],
    }),
  );
  await active(sandbox, 'adot');
  const ready = await sandbox.kubectl.run(['rollout', 'status', `daemonset/${DAEMONSET}`, '-n', NS, '--timeout=20s']);
  expect(ready.stderr).toBe('');
}

/** the demo workload's Pod and the node it runs on; `requests` GETs of its /metrics */
async function demoRequests(sandbox: IdentityWorld, requests: number): Promise<{ node: string; uid: string }> {
  const pod = sandbox.sandbox.store('demo').get('v1', 'Pod', 'metrics-demo-0', 'demo-workload');
  const port = pod?.metadata.annotations?.['prometheus.io/port'] ?? '';
  for (let index = 0; index < requests; index++) {
    const answer = await fetch(`http://127.0.0.1:${port}/metrics?request=${index}`, {
      headers: { 'user-agent': 'container-logs-test' },
    });
    await answer.arrayBuffer();
  }
  return { node: String((pod?.spec as { nodeName?: string }).nodeName), uid: pod?.metadata.uid ?? '' };
}

function shipped(sandbox: IdentityWorld): { message: string; logStreamName: string }[] {
  try {
    return sandbox.sandbox.logs.filterLogEvents('demo/container/logs', {});
  } catch {
    return [];
  }
}

describe("the add-on's containerLogs collector and the nodes' pod logs (real SDK clients and kubectl)", () => {
  it("ships the demo workload's access log to CloudWatch Logs with the pod's credentials; kubectl logs reads the same files", async () => {
    const sandbox = await start();
    await installContainerLogs(sandbox, true);
    const { node, uid } = await demoRequests(sandbox, 3);
    const events = await eventually(
      async () => {
        const found = shipped(sandbox).filter((event) => event.message.includes('request=2'));
        return found.length > 0 ? shipped(sandbox) : undefined;
      },
      present,
      WAIT_MS,
    );
    // the group and stream the preset names: ${env:CLUSTER_NAME}/container/logs and ${env:NODE_NAME}
    expect(new Set(events.map((event) => event.logStreamName))).toEqual(new Set([node]));
    const record = JSON.parse(events.find((event) => event.message.includes('request=2'))?.message ?? '{}') as {
      body: string;
      attributes: Record<string, string>;
      resource: Record<string, string>;
    };
    expect(record.body).toMatch(
      /^127\.0\.0\.1 - - \[[^\]]+\] "GET \/metrics\?request=2 HTTP\/1\.1" 200 \d+ "-" "container-logs-test"$/,
    );
    expect(record.attributes).toEqual({
      'log.file.path': `/var/log/pods/demo-workload_metrics-demo-0_${uid}/app/0.log`,
      'log.iostream': 'stdout',
      logtag: 'F',
    });
    expect(record.resource).toMatchObject({
      'k8s.namespace.name': 'demo-workload',
      'k8s.pod.name': 'metrics-demo-0',
      'k8s.pod.uid': uid,
      'k8s.container.name': 'app',
    });
    // through the association's role: the agent got the pod a session of it from EKS Auth, and its calls were allowed
    // (a first PutLogEvents finds no group and stream yet, and the exporter creates them, as upstream's does)
    const requests = sandbox.sandbox.awsRequests();
    expect(requests).toContainEqual({ service: 'eks-auth', operation: 'AssumeRoleForPodIdentity', status: 200 });
    expect(requests).toContainEqual({ service: 'logs', operation: 'CreateLogGroup', status: 200 });
    expect(requests).toContainEqual({ service: 'logs', operation: 'PutLogEvents', status: 200 });
    // the collector's own pod log is not shipped (the preset excludes it), but kubectl logs shows it
    expect(events.every((event) => !event.message.includes(COLLECTOR))).toBe(true);

    const demo = await sandbox.kubectl.run(['logs', '-n', 'demo-workload', 'metrics-demo-0']);
    expect(demo.stderr).toBe('');
    expect(demo.stdout).toMatch(/^metrics-demo listening on http:\/\/127\.0\.0\.1:\d+\/metrics\n/);
    expect(demo.stdout).toContain('"GET /metrics?request=2 HTTP/1.1" 200');
    const tail = await sandbox.kubectl.run([
      'logs',
      '-n',
      'demo-workload',
      'metrics-demo-0',
      '--tail=1',
      '--timestamps',
    ]);
    expect(tail.stdout).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z 127\.0\.0\.1 - - .*\n$/);
    const collector = await sandbox.kubectl.run(['logs', '-n', NS, `daemonset/${DAEMONSET}`]);
    expect(collector.stdout).toContain('collector started: 1 pipeline(s)');
    const wrong = await sandbox.kubectl.run(['logs', '-n', 'demo-workload', 'metrics-demo-0', '-c', 'web']);
    expect(wrong.stderr).toContain('container web is not valid for pod metrics-demo-0');
  }, 60_000);

  it('without CloudWatchAgentServerPolicy the calls are refused and nothing is stored', async () => {
    const sandbox = await start();
    await installContainerLogs(sandbox, false);
    await demoRequests(sandbox, 2);
    const refused = await eventually(
      async () => sandbox.sandbox.awsRequests().find((request) => request.service === 'logs' && request.status === 400),
      present,
      WAIT_MS,
    );
    expect(refused).toMatchObject({ service: 'logs', status: 400 });
    await eventually(async () => sandbox.log.some((line) => /AccessDeniedException/.test(line)), present, WAIT_MS);
    expect(shipped(sandbox)).toEqual([]);
    expect(
      sandbox.sandbox.awsRequests().filter((request) => request.service === 'logs' && request.status === 200),
    ).toEqual([]);
  }, 60_000);

  it("a collector the sandbox runs reads its node's files through its hostPath mounts, never the machine's", async () => {
    const sandbox = await start();
    // files of this machine: one at the path the collector mounts from its node, one at a path it does not mount
    const machineDir = mkdtempSync(join(tmpdir(), 'adot-machine-'));
    const mounted = join(machineDir, 'app');
    const unmounted = join(machineDir, 'unmounted');
    try {
      mkdirSync(mounted);
      mkdirSync(unmounted);
      writeFileSync(join(mounted, 'app.log'), 'MACHINE-SECRET\n');
      writeFileSync(join(unmounted, 'other.log'), 'MACHINE-OTHER\n');
      // the node's file at the mounted path
      const node = sandbox.sandbox.store('demo').list('v1', 'Node')[0]?.metadata.name ?? '';
      const onNode = sandbox.sandbox.nodePath('demo', node, `${mounted}/app.log`);
      mkdirSync(dirname(onNode), { recursive: true });
      writeFileSync(onNode, 'NODE-LINE\n');
      // the operator comes with the add-on
      await sandbox.eks.send(new CreateAddonCommand({ clusterName: 'demo', addonName: 'adot' }));
      await active(sandbox, 'adot');
      const account = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'tail', namespace: 'default' } };
      const manifest = {
        apiVersion: 'opentelemetry.io/v1beta1',
        kind: 'OpenTelemetryCollector',
        metadata: { name: 'tail', namespace: 'default' },
        spec: {
          mode: 'daemonset',
          serviceAccount: 'tail',
          volumes: [{ name: 'logs', hostPath: { path: mounted } }],
          volumeMounts: [{ name: 'logs', mountPath: mounted, readOnly: true }],
          config: {
            receivers: {
              filelog: { include: [`${mounted}/*.log`, `${unmounted}/*.log`], start_at: 'beginning' },
            },
            exporters: { debug: { verbosity: 'detailed' } },
            service: { pipelines: { logs: { receivers: ['filelog'], exporters: ['debug'] } } },
          },
        },
      };
      const file = await sandbox.kubectl.writeFile('tail.yaml', `${stringify(account)}---\n${stringify(manifest)}`);
      const applied = await sandbox.kubectl.run(['apply', '-f', file]);
      expect(applied.stderr).toBe('');
      // one collector per node: each reads its own node's file (the first node has one)
      const line = await eventually(
        async () => sandbox.log.find((entry) => entry.includes('NODE-LINE')),
        present,
        WAIT_MS,
      );
      expect(line).toContain('collector default/tail');
      const refusal = await eventually(
        async () => sandbox.log.find((entry) => entry.includes(`include ${unmounted}/*.log`)),
        present,
        WAIT_MS,
      );
      expect(refusal).toContain(
        `receiver filelog: include ${unmounted}/*.log: open ${unmounted}: no such file or directory ` +
          `(the sandbox's collectors see only their pod's volume mounts: ${mounted})`,
      );
      expect(sandbox.log.filter((entry) => /MACHINE-(SECRET|OTHER)/.test(entry))).toEqual([]);
      // the collector's pod log has the same lines
      const pods = await sandbox.kubectl.run(['logs', '-n', 'default', 'daemonset/tail-collector']);
      expect(pods.stdout).toContain('collector started');
    } finally {
      rmSync(machineDir, { recursive: true, force: true });
    }
  }, 60_000);
});
