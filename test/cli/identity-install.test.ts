/**
 * The two runs the identity work is done by: a fresh sandbox (today's cluster), `adot install --target
 * xray,amp,cloudwatch --identity pod-identity|irsa --yes`, then doctor passes and the sandbox's collector delivers to
 * X-Ray (a segment), CloudWatch Logs (EMF events of the demo workload) and AMP (samples) — with the credentials its
 * pod gets, which the sandbox authorizes against the role's policies. Then the AMP workspace is deleted: doctor fails
 * amp.workspace and remote writes are answered 404.
 */
import { DeleteWorkspaceCommand, AmpClient } from '@aws-sdk/client-amp';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.js';
import { fastSeed } from '../helpers/install-sandbox.js';
import { arrives, doctor, identityWorld, sendSegment, type IdentityWorld } from '../helpers/identity-world.js';
import { sandboxClientConfig } from '../helpers/sandbox.js';

const FAST = ['--set', 'prometheus.scrape_interval=1s', '--set', 'metrics.batch.timeout=1s'];
const LOG_GROUP = '/aws/containerinsights/demo/prometheus';

const worlds: IdentityWorld[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

describe('adot install --target xray,amp,cloudwatch on a fresh sandbox, then doctor and the data path', () => {
  it.each(['pod-identity', 'irsa'])(
    '--identity %s: doctor passes and X-Ray, Logs and AMP receive',
    async (identity) => {
      const world = await identityWorld(fastSeed('fresh'));
      worlds.push(world);
      const install = await world.cli([
        'install',
        '--target',
        'xray,amp,cloudwatch',
        '--identity',
        identity,
        '--amp-workspace-alias',
        'adot-identity',
        '--yes',
        '-o',
        'json',
        ...FAST,
      ]);
      expect(install.code, install.stderr).toBe(0);
      const report = await doctor(world);
      expect(
        report.failing,
        JSON.stringify(
          report.checks.filter((c) => c.status === 'fail'),
          null,
          1,
        ),
      ).toEqual([]);

      const traceId = await sendSegment(world);
      await arrives(world, traceId);
      const { sandbox } = world;
      await eventually(
        () => {
          try {
            return sandbox.logs.filterLogEvents(LOG_GROUP, {}).some((event) => event.message.includes('"_aws"'));
          } catch {
            return false;
          }
        },
        (found) => found,
        30_000,
      );
      const workspaceId = sandbox.aps.workspaces.list(undefined).find((w) => w.alias === 'adot-identity')?.workspaceId;
      expect(workspaceId).toBeDefined();
      await eventually(
        () => sandbox.aps.series(workspaceId ?? '').length,
        (count) => count > 0,
        30_000,
      );
      const served = sandbox.awsRequests().filter((request) => request.status === 200);
      const credentialCall =
        identity === 'irsa' ? ['sts', 'AssumeRoleWithWebIdentity'] : ['eks-auth', 'AssumeRoleForPodIdentity'];
      expect(served.some((r) => r.service === credentialCall[0] && r.operation === credentialCall[1])).toBe(true);

      if (identity !== 'pod-identity') return;
      // a collector writing to a workspace that does not exist: doctor fails amp.workspace, AMP answers 404
      const amp = new AmpClient(sandboxClientConfig(sandbox));
      await amp.send(new DeleteWorkspaceCommand({ workspaceId }));
      amp.destroy();
      await eventually(
        () => sandbox.aps.workspaces.list(undefined).some((w) => w.workspaceId === workspaceId),
        (present) => !present,
        10_000,
      );
      const broken = await doctor(world);
      expect(broken.failing).toEqual(['amp.workspace']);
      await eventually(
        () => sandbox.awsRequests().some((r) => r.service === 'aps' && r.status === 404),
        (seen) => seen,
        15_000,
      );
    },
    90_000,
  );
});
