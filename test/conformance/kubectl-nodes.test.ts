import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/sandbox.js';
import { scenarioSeed } from '../../src/sandbox/seed/scenarios.js';
import { Kubectl } from '../helpers/kube-kubectl.js';

/** The real kubectl against the nodes and the EKS Pod Identity Agent DaemonSet of the pod-identity-ready scenario. */
describe('kubectl: nodes and the pod identity agent DaemonSet', () => {
  let sandbox: RunningSandbox;
  let kubectl: Kubectl;

  beforeAll(async () => {
    const seed = scenarioSeed('pod-identity-ready');
    sandbox = await startSandbox({ seed: { ...seed, behaviour: { ...seed.behaviour, rolloutSeconds: 0.3 } } });
    kubectl = await Kubectl.create(sandbox.kubeconfig(), process.env.PATH);
  });

  afterAll(async () => {
    await kubectl?.dispose();
    await sandbox?.stop();
  });

  it('kubectl get nodes prints NAME STATUS ROLES AGE VERSION, and -o wide the addresses and OS', async () => {
    const result = await kubectl.run(['get', 'nodes']);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    expect(lines).toHaveLength(3);
    for (const line of lines.slice(1)) {
      expect(line).toMatch(/^ip-192-168-\d+-\d+\.ec2\.internal\s+Ready\s+<none>\s+\d+s\s+v1\.36\.0-eks-[0-9a-f]{7}$/);
    }
    const wide = await kubectl.run(['get', 'nodes', '-o', 'wide']);
    expect(wide.stdout.split('\n')[0]).toMatch(
      /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME$/,
    );
    expect(wide.stdout).toMatch(/\s192\.168\.\d+\.\d+\s+<none>\s+Amazon Linux 2023[^\n]*containerd:\/\/1\.7\.25/);
    const labels = await kubectl.run(['get', 'nodes', '-l', 'topology.kubernetes.io/zone=us-east-1a', '-o', 'name']);
    expect(labels.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('kubectl -n kube-system get daemonset eks-pod-identity-agent prints the rolled-out counts', async () => {
    const result = await kubectl.run(['-n', 'kube-system', 'get', 'daemonset', 'eks-pod-identity-agent']);
    expect(result.stderr).toBe('');
    const [header, row] = result.stdout.trim().split('\n');
    expect(header).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE$/);
    expect(row).toMatch(/^eks-pod-identity-agent\s+2\s+2\s+2\s+2\s+2\s+<none>\s+\d+s$/);
    const wide = await kubectl.run(['-n', 'kube-system', 'get', 'ds', '-o', 'wide']);
    expect(wide.stdout).toContain('eks-pod-identity-agent:v0.1.37');
  });

  it('kubectl rollout status daemonset/eks-pod-identity-agent reports it rolled out', async () => {
    const result = await kubectl.run([
      'rollout',
      'status',
      'daemonset/eks-pod-identity-agent',
      '-n',
      'kube-system',
      '--timeout=10s',
    ]);
    expect(result).toMatchObject({ code: 0, stdout: 'daemon set "eks-pod-identity-agent" successfully rolled out\n' });
  });

  it('a restarted DaemonSet rolls out again, and rollout status waits for it', async () => {
    const restarted = await kubectl.run([
      'rollout',
      'restart',
      'daemonset/eks-pod-identity-agent',
      '-n',
      'kube-system',
    ]);
    expect(restarted).toMatchObject({ code: 0, stdout: 'daemonset.apps/eks-pod-identity-agent restarted\n' });
    const result = await kubectl.run([
      'rollout',
      'status',
      'daemonset/eks-pod-identity-agent',
      '-n',
      'kube-system',
      '--timeout=10s',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n').at(-1)).toBe('daemon set "eks-pod-identity-agent" successfully rolled out');
  });
});
