import { afterEach, describe, expect, it } from 'vitest';
import { cliSandboxes, fastSeed } from '../helpers/install-sandbox.js';
import { Kubectl } from '../helpers/kube-kubectl.js';

/**
 * The kubectl commands the README, install's next steps and the rollout hints suggest after `adot install --target
 * xray`, run with the real kubectl against the sandbox: each answers what it would on EKS (addresses, a Running pod,
 * the collector's own log lines, a finished rollout).
 */
const start = cliSandboxes('adot-kubectl-hints-');
const NS = 'aws-otel-eks';

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
});
