import { afterEach, describe, expect, it } from 'vitest';
import { cliSandboxes, fastSeed } from '../helpers/install-sandbox.js';
import { Kubectl } from '../helpers/kube-kubectl.js';

/**
 * The kubectl commands the README, install's next steps and the rollout hints suggest after `adot install --target
 * xray`, run with the real kubectl against the sandbox: each answers what it would on EKS (addresses, a Running pod,
 * the collector's own log lines, a finished rollout). The doctor's hints name the emulated workloads too (the
 * operator, cert-manager): their pods are listed and described as on EKS, and `kubectl logs` of one answers at once
 * with one line saying the sandbox does not run it (it invents no log lines). `kubectl auth can-i --list` lists what
 * RBAC grants the sandbox user.
 */
const start = cliSandboxes('adot-kubectl-hints-');
const NS = 'aws-otel-eks';
const OPERATOR_NS = 'opentelemetry-operator-system';
const NO_LOG =
  /^adot sandbox: container "[^"]+" of pod \S+ is emulated, not run: the sandbox has no log of it \(.*\)\n$/;

describe('kubectl commands the hints suggest, against the sandbox', () => {
  let kubectl: Kubectl | undefined;
  afterEach(async () => {
    await kubectl?.dispose();
    kubectl = undefined;
  });

  it("after install --target xray: the collector Service's endpoints, its pod, its logs, its rollout", async () => {
    const { cli, sandbox } = await start(fastSeed('fresh'));
    const install = await cli(['install', '--target', 'xray', '--yes']);
    expect(install.code, install.stderr).toBe(0);
    kubectl = await Kubectl.create(sandbox.kubeconfig(), process.env.PATH);

    // README: "published in the collector Service's Endpoints (kubectl get endpoints -n aws-otel-eks observability-collector)"
    const endpoints = await kubectl.run(['get', 'endpoints', '-n', NS, 'observability-collector']);
    expect(endpoints.code, endpoints.stderr).toBe(0);
    expect(endpoints.stdout).toMatch(/^NAME\s+ENDPOINTS\s+AGE\n/);
    expect(endpoints.stdout).toMatch(/^observability-collector\s+127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+)+\s+\d+s$/m);

    const pods = await kubectl.run(['get', 'pods', '-n', NS]);
    expect(pods.code, pods.stderr).toBe(0);
    expect(pods.stdout).toMatch(/^observability-collector-\S+\s+Running\s+/m);

    const logs = await kubectl.run(['logs', '-n', NS, 'deploy/observability-collector']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/receiver awsxray listening/);
    expect(logs.stdout).toMatch(/collector started: 1 pipeline/);

    const rollout = await kubectl.run(['rollout', 'status', '-n', NS, 'deployment/observability-collector']);
    expect(rollout.code, rollout.stderr).toBe(0);
    expect(rollout.stdout).toContain('deployment "observability-collector" successfully rolled out');
  });

  it("the doctor's hints about the operator and cert-manager: their pods, endpoints, and logs the sandbox cannot know", async () => {
    const { cli, sandbox } = await start(fastSeed('fresh'));
    const install = await cli(['install', '--target', 'xray', '--yes']);
    expect(install.code, install.stderr).toBe(0);
    kubectl = await Kubectl.create(sandbox.kubeconfig(), process.env.PATH);

    // addon.ts / addon-collector-chain.ts / collector.ts: kubectl -n <ns> get deploy,svc,endpoints,pods; logs deploy/opentelemetry-operator
    const operator = await kubectl.run(['-n', OPERATOR_NS, 'get', 'deploy,svc,endpoints,pods']);
    expect(operator.code, operator.stderr).toBe(0);
    expect(operator.stdout).toMatch(/^deployment\.apps\/opentelemetry-operator\s+1\/1\s+1\s+1\s+/m);
    expect(operator.stdout).toMatch(/^endpoints\/opentelemetry-operator-webhook\s+127\.0\.\d+\.\d+:9443\s+/m);
    expect(operator.stdout).toMatch(/^pod\/opentelemetry-operator-[a-z0-9]{10}-[a-z0-9]{5}\s+Running\s+/m);
    const operatorLogs = await kubectl.run(['-n', OPERATOR_NS, 'logs', 'deploy/opentelemetry-operator']);
    expect(operatorLogs.code, operatorLogs.stderr).toBe(0);
    expect(operatorLogs.stdout).toMatch(NO_LOG);
    expect(operatorLogs.stdout).toContain(`container "manager" of pod ${OPERATOR_NS}/opentelemetry-operator-`);

    const described = await kubectl.run([
      '-n',
      OPERATOR_NS,
      'describe',
      'pod',
      '-l',
      'control-plane=controller-manager',
    ]);
    expect(described.code, described.stderr).toBe(0);
    expect(described.stdout).toMatch(/^Status:\s+Running$/m);
    expect(described.stdout).toMatch(/^Controlled By:\s+Deployment\/opentelemetry-operator$/m);
    expect(described.stdout).toMatch(/^Node:\s+ip-\S+\.ec2\.internal\/\d+\.\d+\.\d+\.\d+$/m);
    expect(described.stdout).toMatch(/^\s+manager:\n\s+Container ID:/m);

    // cert-manager.ts: kubectl -n cert-manager get pods,endpoints; kubectl -n cert-manager logs deploy/cert-manager-cainjector
    const certManager = await kubectl.run(['-n', 'cert-manager', 'get', 'pods,endpoints']);
    expect(certManager.code, certManager.stderr).toBe(0);
    for (const deployment of ['cert-manager', 'cert-manager-cainjector', 'cert-manager-webhook']) {
      expect(certManager.stdout).toMatch(new RegExp(`^pod/${deployment}-[a-z0-9]{10}-[a-z0-9]{5}\\s+Running\\s+`, 'm'));
    }
    expect(certManager.stdout).toMatch(/^endpoints\/cert-manager-webhook\s+127\.0\.\d+\.\d+:10250\s+/m);
    const cainjector = await kubectl.run(['-n', 'cert-manager', 'logs', 'deploy/cert-manager-cainjector']);
    expect(cainjector.code, cainjector.stderr).toBe(0);
    expect(cainjector.stdout).toMatch(NO_LOG);

    // every workload has its pods: the Pod Identity agent's one per node, the collector's
    const all = await kubectl.run(['get', 'pods', '-A']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.match(/^kube-system\s+eks-pod-identity-agent-[a-z0-9]{5}\s+Running\s+/gm)).toHaveLength(
      (await kubectl.run(['get', 'nodes', '-o', 'name'])).stdout.trim().split('\n').length,
    );
    expect(all.stdout).toMatch(/^aws-otel-eks\s+observability-collector-\S+\s+Running\s+/m);
  });

  it('kubectl auth can-i --list (the k8s.permissions hint): what RBAC grants the sandbox user, per namespace', async () => {
    const admin = await start(fastSeed('fresh'));
    kubectl = await Kubectl.create(admin.sandbox.kubeconfig(), process.env.PATH);
    const everything = await kubectl.run(['auth', 'can-i', '--list']);
    expect(everything.code, everything.stderr).toBe(0);
    expect(everything.stdout).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs\n/);
    expect(everything.stdout).toMatch(/^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
    // --as: the admin may impersonate; a user nothing is bound to has the default discovery rules only
    const nobody = await kubectl.run(['auth', 'can-i', '--list', '--as', 'nobody']);
    expect(nobody.code, nobody.stderr).toBe(0);
    expect(nobody.stdout).not.toMatch(/^\*\.\*\s/m);
    expect(nobody.stdout).toMatch(/^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
    const nobodyPods = await kubectl.run(['get', 'pods', '-n', 'kube-system', '--as', 'nobody']);
    expect(nobodyPods.code).toBe(1);
    expect(nobodyPods.stderr).toContain(
      'Error from server (Forbidden): pods is forbidden: User "nobody" cannot list resource "pods" in API group "" in the namespace "kube-system"',
    );
    await kubectl.dispose();

    const { cli, sandbox } = await start(fastSeed('no-permissions'));
    const doctor = await cli(['doctor', '--pre']);
    expect(doctor.stdout + doctor.stderr).toContain('kubectl auth can-i --list');
    kubectl = await Kubectl.create(sandbox.kubeconfig(), process.env.PATH);
    const readOnly = await kubectl.run(['auth', 'can-i', '--list']);
    expect(readOnly.code, readOnly.stderr).toBe(0);
    expect(readOnly.stdout).not.toMatch(/^\*\.\*\s/m);
    expect(readOnly.stdout).toMatch(/^deployments\.apps\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
    expect(readOnly.stdout).toMatch(/^selfsubjectrulesreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
    expect(readOnly.stdout).toMatch(/^\s+\[\/version\]\s+\[\]\s+\[get\]$/m);
    const inNamespace = await kubectl.run(['auth', 'can-i', '--list', '-n', 'kube-system']);
    expect(inNamespace.code, inNamespace.stderr).toBe(0);
    expect(inNamespace.stdout).toMatch(/^deployments\.apps\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
    // a single question agrees with the list
    const create = await kubectl.run(['auth', 'can-i', 'create', 'deployments', '-n', 'kube-system']);
    expect(create.stdout.trim()).toBe('no');
    // a read-only user may not impersonate
    const impersonating = await kubectl.run(['auth', 'can-i', '--list', '--as', 'nobody']);
    expect(impersonating.code).toBe(1);
    expect(impersonating.stderr).toMatch(
      /Error from server \(Forbidden\): users "nobody" is forbidden: User "[^"]+" cannot impersonate resource "users" in API group "" at the cluster scope/,
    );
  });
});
