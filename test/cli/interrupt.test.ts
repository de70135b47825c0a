import { describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../src/sandbox/sandbox.js';
import type { SeedFault } from '../../src/sandbox/types.js';
import { cliSandboxes, fastSeed, planOutput, rolesOf } from '../helpers/install-sandbox.js';

/**
 * Ctrl-C at each kind of step of an install: no change starts after it, the change in flight stops at its next call
 * or retry (the SDK's retry wait included), the run says what changed and exits 130, and a re-run converges.
 */
const start = cliSandboxes('adot-interrupt-');
const NAMESPACE = 'aws-otel-eks';

function kubeObject(sandbox: RunningSandbox, apiVersion: string, kind: string, name: string): unknown {
  return sandbox.store(sandbox.defaultCluster).get(apiVersion, kind, name, NAMESPACE);
}

function collectorExists(sandbox: RunningSandbox): boolean {
  const store = sandbox.store(sandbox.defaultCluster);
  return (
    store.get('opentelemetry.io/v1beta1', 'OpenTelemetryCollector', 'observability', NAMESPACE) !== undefined ||
    store.get('opentelemetry.io/v1alpha1', 'OpenTelemetryCollector', 'observability', NAMESPACE) !== undefined
  );
}

function requestsOf(sandbox: RunningSandbox, operation: string): { status: number }[] {
  return sandbox.awsRequests().filter((request) => request.operation === operation);
}

/** aborts as soon as `happened` holds, polling the sandbox between its answers */
async function abortWhen(controller: AbortController, happened: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !happened(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  controller.abort();
}

describe('Ctrl-C during install', () => {
  it('right after a change: the steps after it do not start, the changes so far are listed, exit 130', async () => {
    const { cli, sandbox } = await start(fastSeed('fresh'));
    const controller = new AbortController();
    // aborts inside the API server's handling of the namespace's creation: the step itself completes
    const stop = sandbox.store(sandbox.defaultCluster).watch((event) => {
      const object = event.object as { kind?: string; metadata?: { name?: string } };
      if (event.type === 'ADDED' && object.kind === 'Namespace' && object.metadata?.name === NAMESPACE) {
        controller.abort();
      }
    });
    const run = await cli(['install', '--target', 'xray', '--identity', 'irsa'], controller.signal);
    stop();
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toMatch(/did not start/);
    expect(run.stderr).toMatch(/Changed before the failure[\s\S]*namespace aws-otel-eks/i);
    expect(kubeObject(sandbox, 'v1', 'ServiceAccount', 'aws-otel-collector')).toBeUndefined();
    expect(collectorExists(sandbox)).toBe(false);

    const rerun = await cli(['install', '--target', 'xray', '--identity', 'irsa', '-o', 'json']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(collectorExists(sandbox)).toBe(true);
  });

  const throttled: {
    operation: string;
    service: SeedFault['service'];
    notAfter: string[];
    args?: string[];
    /** the namespace is created before this step */
    namespaceBefore?: boolean;
  }[] = [
    { operation: 'CreateAddon', service: 'eks', notAfter: ['CreateRole', 'AttachRolePolicy'] },
    { operation: 'CreateRole', service: 'iam', notAfter: ['AttachRolePolicy'] },
    { operation: 'AttachRolePolicy', service: 'iam', notAfter: [] },
    {
      // after the add-on and the role, before anything in the cluster
      operation: 'CreateWorkspace',
      service: 'aps',
      notAfter: [],
      args: ['--target', 'amp', '--identity', 'irsa', '--amp-workspace-alias', 'adot', '--yes'],
    },
    {
      operation: 'CreatePodIdentityAssociation',
      service: 'eks',
      notAfter: [],
      args: ['--target', 'xray', '--identity', 'pod-identity'],
      namespaceBefore: true,
    },
  ];
  it.each(throttled)(
    'while $operation is throttled: the SDK stops retrying, nothing after it starts, exit 130 (not a throttling error)',
    async ({ operation, service, notAfter, args, namespaceBefore }) => {
      const faults: SeedFault[] = [{ service, operation, status: 429, rate: 1 }];
      const { cli, sandbox } = await start(fastSeed('fresh', { faults }));
      const controller = new AbortController();
      const running = cli(
        ['install', ...(args ?? ['--target', 'xray', '--identity', 'irsa']), '-o', 'json'],
        controller.signal,
      );
      await abortWhen(controller, () => requestsOf(sandbox, operation).length > 0);
      const run = await running;
      expect(run.code, run.stderr).toBe(130);
      expect(planOutput(run)).toMatchObject({ ok: false, error: { code: 'Interrupted' } });
      // the SDK would make 5 attempts in all; Ctrl-C ends its wait before the next one
      expect(requestsOf(sandbox, operation).length).toBeLessThan(5);
      expect(requestsOf(sandbox, operation).every((request) => request.status >= 400)).toBe(true);
      for (const later of notAfter) expect(requestsOf(sandbox, later)).toEqual([]);
      if (namespaceBefore !== true) {
        expect(sandbox.store(sandbox.defaultCluster).get('v1', 'Namespace', NAMESPACE)).toBeUndefined();
      }
      expect(collectorExists(sandbox)).toBe(false);
    },
  );

  it('while a Kubernetes apply is refused and retried: the collector is not created, exit 130', async () => {
    const faults: SeedFault[] = [
      { service: 'kubernetes', verb: 'patch', resource: 'serviceaccounts', status: 429, rate: 1 },
    ];
    const { cli, sandbox } = await start(fastSeed('fresh', { faults }));
    const controller = new AbortController();
    const running = cli(['install', '--target', 'xray', '--identity', 'irsa', '-o', 'json'], controller.signal);
    await abortWhen(
      controller,
      () => sandbox.store(sandbox.defaultCluster).get('v1', 'Namespace', NAMESPACE) !== undefined,
    );
    const run = await running;
    expect(run.code, run.stderr).toBe(130);
    expect(planOutput(run)).toMatchObject({ ok: false, error: { code: 'Interrupted' } });
    expect(rolesOf(sandbox).map((role) => role.RoleName)).toContain('EKS-ADOT-ServiceAccount-Role');
    expect(kubeObject(sandbox, 'v1', 'ServiceAccount', 'aws-otel-collector')).toBeUndefined();
    expect(collectorExists(sandbox)).toBe(false);
  });
});

describe('Ctrl-C during uninstall', () => {
  it('while DeleteAddon is throttled: the add-on stays, the steps after it do not start, exit 130', async () => {
    const faults: SeedFault[] = [{ service: 'eks', operation: 'DeleteAddon', status: 429, rate: 1 }];
    const { cli, sandbox } = await start(fastSeed('installed-healthy', { faults }));
    const controller = new AbortController();
    const running = cli(['uninstall', '--yes', '-o', 'json'], controller.signal);
    await abortWhen(controller, () => requestsOf(sandbox, 'DeleteAddon').length > 0);
    const run = await running;
    expect(run.code, run.stderr).toBe(130);
    expect(planOutput(run)).toMatchObject({ ok: false, error: { code: 'Interrupted' } });
    expect(requestsOf(sandbox, 'DeleteAddon').length).toBeLessThan(5);
    expect(sandbox.eks.listAddons(sandbox.defaultCluster, {}).addons).toContain('adot');
    // the collector went before the add-on; the add-on's RBAC, after it, is still there
    expect(collectorExists(sandbox)).toBe(false);
    expect(
      sandbox
        .store(sandbox.defaultCluster)
        .get('rbac.authorization.k8s.io/v1', 'ClusterRole', 'eks:addon-manager-otel'),
    ).toBeDefined();
  });
});

describe('Ctrl-C during doctor', () => {
  it('while a call is throttled: exit 130, not failing checks', async () => {
    const faults: SeedFault[] = [{ service: 'eks', operation: 'DescribeAddon', status: 429, rate: 1 }];
    const { cli, sandbox } = await start(fastSeed('installed-healthy', { faults }));
    const controller = new AbortController();
    const running = cli(['doctor', '-o', 'json'], controller.signal);
    await abortWhen(controller, () => requestsOf(sandbox, 'DescribeAddon').length > 0);
    const run = await running;
    expect(run.code, run.stdout).toBe(130);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'Interrupted' } });
    expect(requestsOf(sandbox, 'DescribeAddon').length).toBeLessThan(5);
  });
});
