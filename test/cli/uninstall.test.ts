import { describe, expect, it } from 'vitest';
import {
  attachedPolicies,
  cliSandboxes,
  dump,
  fastSeed,
  planOutput,
  rolesOf,
  settled,
} from '../helpers/install-sandbox.js';

const XRAY = 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess';
const CLOUDWATCH = 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy';
const ROLE = 'EKS-ADOT-ServiceAccount-Role';

const start = cliSandboxes('adot-uninstall-');

describe('adot uninstall against the sandbox', () => {
  it('removes the collector, its RBAC and the add-on (waiting until gone); a second run changes nothing', async () => {
    const { cli, sandbox } = await start(fastSeed('fresh'));
    const install = await cli(['install', '--target', 'xray,cloudwatch', '-o', 'json']);
    expect(install.code, install.stderr).toBe(0);
    const before = await settled(sandbox);
    const plan = await cli(['uninstall', '--dry-run', '-o', 'json']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(planOutput(plan).dryRun).toBe(true);
    expect(planOutput(plan).changes).toBeGreaterThan(0);
    expect(dump(sandbox)).toBe(before);

    const run = await cli(['uninstall', '--yes', '-o', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const actions = Object.fromEntries(planOutput(run).steps.map((s) => [s.id, s.action]));
    expect(actions).toMatchObject({
      collector: 'delete',
      'pod-identity.association': 'delete',
      'service-account': 'delete',
      addon: 'delete',
      'pod-identity.agent-addon': 'delete',
      'iam.role': 'skipped',
    });
    const store = sandbox.store(sandbox.defaultCluster);
    expect(store.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition').map((c) => c.metadata.name)).not.toContain(
      'opentelemetrycollectors.opentelemetry.io',
    );
    expect(store.get('rbac.authorization.k8s.io/v1', 'ClusterRole', 'otel-prometheus-role')).toBeUndefined();
    expect(store.get('rbac.authorization.k8s.io/v1', 'ClusterRole', 'eks:addon-manager-otel')).toBeUndefined();
    // install created the pod identity agent and nothing else uses it: it goes too
    expect(sandbox.eks.listAddons(sandbox.defaultCluster, {}).addons).toEqual([]);
    expect(sandbox.eks.listPodIdentityAssociations(sandbox.defaultCluster, {}).associations).toEqual([]);
    expect(attachedPolicies(sandbox, ROLE)).toEqual([CLOUDWATCH, XRAY].sort());

    const again = await cli(['uninstall', '--yes', '-o', 'json']);
    expect(again.code, again.stderr).toBe(0);
    expect(planOutput(again).steps.filter((s) => s.action !== 'none' && s.action !== 'skipped')).toEqual([]);
  });

  it('keeps a pod identity agent adot did not create, or one that another association uses, and says why', async () => {
    const ready = await start(fastSeed('pod-identity-ready'));
    expect((await ready.cli(['install', '--target', 'xray', '--identity', 'pod-identity', '-o', 'json'])).code).toBe(0);
    const kept = await ready.cli(['uninstall', '--yes', '-o', 'json']);
    expect(kept.code, kept.stderr).toBe(0);
    expect(planOutput(kept).steps.find((s) => s.id === 'pod-identity.agent-addon')).toMatchObject({
      action: 'skipped',
      detail: 'kept: adot did not create it',
    });
    expect(ready.sandbox.eks.listAddons(ready.sandbox.defaultCluster, {}).addons).toEqual(['eks-pod-identity-agent']);

    const { cli, sandbox } = await start(fastSeed('fresh'));
    expect((await cli(['install', '--target', 'xray', '--identity', 'pod-identity', '-o', 'json'])).code).toBe(0);
    const role = sandbox.eks.listPodIdentityAssociations(sandbox.defaultCluster, {}).associations[0];
    const ownRole = sandbox.eks.describePodIdentityAssociation(
      sandbox.defaultCluster,
      role?.associationId ?? '',
    ).roleArn;
    sandbox.eks.createPodIdentityAssociation(sandbox.defaultCluster, {
      namespace: 'shop',
      serviceAccount: 'checkout',
      roleArn: ownRole,
    });
    const used = await cli(['uninstall', '--yes', '-o', 'json']);
    expect(used.code, used.stderr).toBe(0);
    expect(planOutput(used).steps.find((s) => s.id === 'pod-identity.agent-addon')).toMatchObject({
      action: 'skipped',
      detail: expect.stringMatching(/^kept: 1 other Pod Identity association uses it \(shop\/checkout/),
    });
    expect(sandbox.eks.listAddons(sandbox.defaultCluster, {}).addons).toEqual(['eks-pod-identity-agent']);
  });

  it('--delete-role detaches our policies and deletes the role, but refuses a role with foreign policies', async () => {
    const { cli, sandbox } = await start(fastSeed('installed-healthy'));
    sandbox.iam.attachRolePolicy(ROLE, 'arn:aws:iam::aws:policy/ReadOnlyAccess');
    const before = await settled(sandbox);
    const refused = await cli(['uninstall', '--yes', '--delete-role']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/ReadOnlyAccess/);
    expect(dump(sandbox)).toBe(before);

    sandbox.iam.detachRolePolicy(ROLE, 'arn:aws:iam::aws:policy/ReadOnlyAccess');
    const run = await cli(['uninstall', '--yes', '--delete-role', '-o', 'json']);
    expect(run.code, run.stderr).toBe(0);
    expect(planOutput(run).steps.find((s) => s.id === 'iam.role')?.action).toBe('delete');
    expect(rolesOf(sandbox).map((r) => r.RoleName)).not.toContain(ROLE);
  });

  it('asks for confirmation: not interactive and no --yes exits 2 naming --yes, nothing changed', async () => {
    const { cli, sandbox } = await start(fastSeed('installed-healthy'));
    const before = await settled(sandbox);
    const run = await cli(['uninstall']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--yes/);
    expect(dump(sandbox)).toBe(before);
  });
});
