/**
 * Switching the collector's identity on an installed cluster, IRSA → EKS Pod Identity → IRSA, with `adot install
 * --identity …`: the wiring adot owned for the old mode goes (the service account's role annotation, or adot's Pod
 * Identity association: the SDK's credential chain prefers web identity over container credentials, so a leftover
 * would decide), the collector's pods get the new credentials, doctor passes and X-Ray receives, and each re-run
 * changes nothing. Then an association that points at another role is pointed back at adot's (updated, not duplicated).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fastSeed, planOutput } from '../helpers/install-sandbox.js';
import {
  arrives,
  doctor,
  identityWorld,
  NAMESPACE,
  SERVICE_ACCOUNT,
  sendSegment,
  type IdentityWorld,
} from '../helpers/identity-world.js';

const ROLE_ANNOTATION = 'eks.amazonaws.com/role-arn';

const worlds: IdentityWorld[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

async function install(world: IdentityWorld, identity: string): Promise<{ changes: number }> {
  const run = await world.cli(['install', '--target', 'xray', '--identity', identity, '--yes', '-o', 'json']);
  expect(run.code, run.stderr).toBe(0);
  const plan = planOutput(run);
  return { changes: plan.changes };
}

async function roleAnnotation(world: IdentityWorld): Promise<string | undefined> {
  const run = await world.kubectl.run(['get', 'serviceaccount', SERVICE_ACCOUNT, '-n', NAMESPACE, '-o', 'json']);
  expect(run.code, run.stderr).toBe(0);
  const account = JSON.parse(run.stdout) as { metadata: { annotations?: Record<string, string> } };
  return account.metadata.annotations?.[ROLE_ANNOTATION];
}

function associations(world: IdentityWorld) {
  const { sandbox } = world;
  return sandbox.eks.listPodIdentityAssociations(sandbox.defaultCluster, {
    namespace: NAMESPACE,
    serviceAccount: SERVICE_ACCOUNT,
  }).associations;
}

/** the credential call the collector's pods made since `from` (an index into the sandbox's request log) */
function credentialCallsSince(world: IdentityWorld, from: number): string[] {
  return world.sandbox
    .awsRequests()
    .slice(from)
    .filter((r) => r.status === 200 && ['AssumeRoleWithWebIdentity', 'AssumeRoleForPodIdentity'].includes(r.operation))
    .map((r) => r.operation);
}

async function delivers(world: IdentityWorld): Promise<void> {
  const report = await doctor(world);
  expect(report.failing, JSON.stringify(report.checks.filter((c) => c.status === 'fail'))).toEqual([]);
  await arrives(world, await sendSegment(world));
}

describe('adot install --identity on a cluster installed with the other one', () => {
  it('irsa -> pod-identity -> irsa: the old wiring goes, doctor passes, X-Ray receives, re-runs change 0', async () => {
    const world = await identityWorld(fastSeed('fresh'));
    worlds.push(world);

    await install(world, 'irsa');
    expect(await roleAnnotation(world)).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(associations(world)).toEqual([]);
    await delivers(world);

    let from = world.sandbox.awsRequests().length;
    expect((await install(world, 'pod-identity')).changes).toBeGreaterThan(0);
    expect(await roleAnnotation(world)).toBeUndefined();
    expect(associations(world)).toHaveLength(1);
    await delivers(world);
    expect(credentialCallsSince(world, from)).toContain('AssumeRoleForPodIdentity');
    expect(credentialCallsSince(world, from)).not.toContain('AssumeRoleWithWebIdentity');
    expect((await install(world, 'pod-identity')).changes).toBe(0);

    from = world.sandbox.awsRequests().length;
    expect((await install(world, 'irsa')).changes).toBeGreaterThan(0);
    expect(await roleAnnotation(world)).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(associations(world)).toEqual([]);
    await delivers(world);
    expect(credentialCallsSince(world, from)).toContain('AssumeRoleWithWebIdentity');
    expect((await install(world, 'irsa')).changes).toBe(0);
  }, 120_000);

  it("an association of adot's service account that names another role is pointed at adot's, not duplicated", async () => {
    const world = await identityWorld(fastSeed('fresh'));
    worlds.push(world);
    await install(world, 'pod-identity');
    const [association] = associations(world);
    expect(association).toBeDefined();
    const { sandbox } = world;
    const ownRole = sandbox.eks.describePodIdentityAssociation(
      sandbox.defaultCluster,
      association?.associationId ?? '',
    ).roleArn;
    const otherRole = ownRole.replace(/role\/.*$/, 'role/someone-else');
    sandbox.iam.createRole({
      RoleName: 'someone-else',
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
    });
    sandbox.eks.updatePodIdentityAssociation(sandbox.defaultCluster, association?.associationId ?? '', {
      roleArn: otherRole,
    });

    expect((await install(world, 'pod-identity')).changes).toBeGreaterThan(0);
    const after = associations(world);
    expect(after).toHaveLength(1);
    expect(after[0]?.associationId).toBe(association?.associationId);
    expect(
      sandbox.eks.describePodIdentityAssociation(sandbox.defaultCluster, after[0]?.associationId ?? '').roleArn,
    ).toBe(ownRole);
    await delivers(world);
  }, 90_000);
});
