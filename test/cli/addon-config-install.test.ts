/**
 * `adot install --mode addon-config` through the CLI against the sandbox: the add-on deploys its own collectors from
 * the configurationValues adot writes, with the identity adot wires for their service accounts; doctor's
 * addon.configuration follows each one, and agrees with the data path (a span through the otlpIngest collector
 * reaches X-Ray with the credentials its pod gets, or is refused when doctor fails). The v0.62.1–v0.84 collector keys
 * and the v0.88.0 schema break are covered too.
 */
import { DetachRolePolicyCommand } from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.js';
import { doctor, identityWorld, type IdentityWorld } from '../helpers/identity-world.js';
import { fastSeed, type PlanOutput } from '../helpers/install-sandbox.js';
import { postSpan } from '../helpers/otlp-span.js';
import type { Seed } from '../../src/sandbox/types.js';

const NS = 'opentelemetry-operator-system';
const ROLE = 'EKS-ADOT-ServiceAccount-Role';

interface AddonConfigOutput extends PlanOutput {
  mode?: string;
  collectors?: { name: string; namespace: string; targets: string[] }[];
}

const worlds: IdentityWorld[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

async function world(seed: Seed = fastSeed('fresh')): Promise<IdentityWorld> {
  const started = await identityWorld(seed);
  worlds.push(started);
  return started;
}

/** today's world on an older Kubernetes, where both the collector keys (v0.84) and the presets are offered */
function seedOn(version: string): Seed {
  const seed = fastSeed('fresh');
  return { ...seed, clusters: (seed.clusters ?? []).map((cluster) => ({ ...cluster, version })) };
}

async function install(target: IdentityWorld, args: string[]): Promise<{ code: number; output: AddonConfigOutput }> {
  const run = await target.cli(['install', '--mode', 'addon-config', '--yes', '-o', 'json', ...args]);
  let output: AddonConfigOutput;
  try {
    output = JSON.parse(run.stdout) as AddonConfigOutput;
  } catch {
    throw new Error(`install printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  return { code: run.code, output };
}

function check(outcome: Awaited<ReturnType<typeof doctor>>, id: string) {
  const found = outcome.checks.find((entry) => entry.id === id);
  if (found === undefined) throw new Error(`no check ${id}`);
  return found as typeof found & { hint?: string };
}

/** a span through the add-on's otlpIngest collector; its X-Ray trace id */
async function spanThroughOtlpIngest(target: IdentityWorld, collector = 'adot-col-otlp-ingest'): Promise<string> {
  const { sandbox } = target;
  const status = await eventually(
    async () => sandbox.collectorStatus(sandbox.defaultCluster, collector, NS),
    (found) => found?.running === true && found.protocols['otlp']?.['http'] !== undefined,
    15_000,
  );
  return postSpan(status?.protocols['otlp']?.['http'] ?? '');
}

async function arrives(target: IdentityWorld, traceId: string): Promise<void> {
  await eventually(
    async () => target.sandbox.xray.trace(traceId),
    (trace) => trace !== undefined,
    15_000,
  );
}

function served(target: IdentityWorld, service: string, operation: string): boolean {
  return target.sandbox
    .awsRequests()
    .some((request) => request.service === service && request.operation === operation && request.status === 200);
}

describe('adot install --mode addon-config', () => {
  it('Pod Identity, xray and amp: the presets roll out, doctor passes, a span reaches X-Ray through EKS Auth; a re-run changes nothing', async () => {
    const target = await world();
    const first = await install(target, [
      '--target',
      'xray,amp',
      '--identity',
      'pod-identity',
      '--amp-workspace-alias',
      'adot-addon',
    ]);
    expect(first.code, JSON.stringify(first.output.error)).toBe(0);
    expect(first.output.mode).toBe('addon-config');
    expect(first.output.collectors).toEqual([
      { name: 'adot-col-prom-metrics', namespace: NS, targets: ['amp'] },
      { name: 'adot-col-otlp-ingest', namespace: NS, targets: ['xray'] },
    ]);
    const outcome = await doctor(target);
    expect(outcome.failing, JSON.stringify(outcome.checks.filter((c) => c.status === 'fail'))).toEqual([]);
    const configuration = check(outcome, 'addon.configuration');
    expect(configuration.status).toBe('pass');
    expect(configuration.message).toContain('adot-col-otlp-ingest (xray): EKS Pod Identity -> role');
    expect(configuration.message).toContain('adot-col-prom-metrics (amp)');
    // the collector resource's checks do not apply: the add-on's collectors stand in for it
    expect(check(outcome, 'collector.resource').message).toContain('checked by addon.configuration');

    const traceId = await spanThroughOtlpIngest(target);
    await arrives(target, traceId);
    expect(served(target, 'eks-auth', 'AssumeRoleForPodIdentity')).toBe(true);

    const again = await install(target, [
      '--target',
      'xray,amp',
      '--identity',
      'pod-identity',
      '--amp-workspace-alias',
      'adot-addon',
    ]);
    expect(again.code, JSON.stringify(again.output.error)).toBe(0);
    expect(again.output.changes).toBe(0);
  });

  it("Pod Identity, amp, cloudwatch and logs: the demo workload's metrics reach AMP and EMF, its pod logs reach CloudWatch Logs", async () => {
    const target = await world(fastSeed('fresh', { addonCollectorBatchSeconds: 1 }));
    const first = await install(target, [
      '--target',
      'amp,cloudwatch,logs',
      '--identity',
      'pod-identity',
      '--amp-workspace-alias',
      'adot-addon',
    ]);
    expect(first.code, JSON.stringify(first.output.error)).toBe(0);
    expect(first.output.collectors).toEqual([
      { name: 'adot-col-prom-metrics', namespace: NS, targets: ['amp', 'cloudwatch'] },
      { name: 'adot-col-container-logs', namespace: NS, targets: ['logs'] },
    ]);
    const outcome = await doctor(target);
    expect(outcome.failing, JSON.stringify(outcome.checks.filter((c) => c.status === 'fail'))).toEqual([]);
    expect(check(outcome, 'addon.configuration').message).toMatch(
      /adot-col-container-logs \(logs\): EKS Pod Identity -> role [^;]+; DaemonSet/,
    );

    const { sandbox } = target;
    const events = (group: string) => {
      try {
        return sandbox.logs.filterLogEvents(group, {});
      } catch {
        return [];
      }
    };
    const workspaceId = sandbox.aps.workspaces.list(undefined).find((w) => w.alias === 'adot-addon')?.workspaceId;
    await eventually(
      async () => sandbox.aps.series(workspaceId ?? '').length,
      (count) => count > 0,
      30_000,
    );
    await eventually(
      async () => events('/aws/containerinsights/demo/prometheus').some((event) => event.message.includes('"_aws"')),
      (found) => found,
      30_000,
    );
    await eventually(
      async () => events('demo/container/logs').some((event) => event.message.includes('GET /metrics')),
      (found) => found,
      30_000,
    );
  });

  it('IRSA: the preset service account carries the role, doctor passes, a span reaches X-Ray through web identity', async () => {
    const target = await world();
    const first = await install(target, ['--target', 'xray', '--identity', 'irsa']);
    expect(first.code, JSON.stringify(first.output.error)).toBe(0);
    const account = await target.kubectl.run([
      'get',
      'serviceaccount',
      '-n',
      NS,
      'adot-col-otlp-ingest',
      '-o',
      'jsonpath={.metadata.annotations.eks\\.amazonaws\\.com/role-arn}',
    ]);
    expect(account.stdout).toMatch(new RegExp(`:role/${ROLE}$`));
    const outcome = await doctor(target);
    expect(outcome.failing).toEqual([]);
    expect(check(outcome, 'addon.configuration').message).toContain('adot-col-otlp-ingest (xray): IRSA -> role');

    const traceId = await spanThroughOtlpIngest(target);
    await arrives(target, traceId);
    expect(served(target, 'sts', 'AssumeRoleWithWebIdentity')).toBe(true);
  });

  it('doctor and the data path agree when the role loses X-Ray: addon.configuration fails naming the call, X-Ray answers 403', async () => {
    const target = await world();
    expect((await install(target, ['--target', 'xray', '--identity', 'pod-identity'])).code).toBe(0);
    await target.iam.send(
      new DetachRolePolicyCommand({ RoleName: ROLE, PolicyArn: 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess' }),
    );
    const outcome = await doctor(target);
    expect(outcome.failing).toEqual(['addon.configuration']);
    const configuration = check(outcome, 'addon.configuration');
    expect(configuration.message).toContain(`role ${ROLE} is not allowed to xray:PutTraceSegments`);
    expect(configuration.hint).toContain('adot install --cluster demo --mode addon-config --target xray');

    const traceId = await spanThroughOtlpIngest(target);
    await eventually(
      async () =>
        target.sandbox
          .awsRequests()
          .some((r) => r.service === 'xray' && r.operation === 'PutTraceSegments' && r.status === 403),
      (refused) => refused,
      15_000,
    );
    expect(target.sandbox.xray.trace(traceId)).toBeUndefined();

    // the fix doctor names converges: the policy is back and the span after it arrives
    expect((await install(target, ['--target', 'xray', '--identity', 'pod-identity'])).code).toBe(0);
    expect((await doctor(target)).failing).toEqual([]);
    await arrives(target, await spanThroughOtlpIngest(target));
  });

  it('v0.84 collector keys (IRSA through the add-on role), then the v0.88 schema break: doctor names the key, install refuses before any change', async () => {
    const target = await world(seedOn('1.28'));
    const first = await install(target, ['--target', 'xray', '--identity', 'irsa', '--addon-version', 'v0.84.0']);
    expect(first.code, JSON.stringify(first.output.error)).toBe(0);
    expect(first.output.collectors).toEqual([{ name: 'my-collector', namespace: NS, targets: ['xray'] }]);
    const outcome = await doctor(target);
    expect(outcome.failing).toEqual([]);
    expect(check(outcome, 'addon.configuration').message).toContain('my-collector (xray): IRSA -> role');
    await arrives(target, await spanThroughOtlpIngest(target, 'my-collector'));

    // moving to the presets' version with the collector keys still set
    const pre = await doctor(target, ['--pre', '--addon-version', 'v0.117.0']);
    const schema = check(pre, 'addon.configuration');
    expect(schema.status).toBe('warn');
    expect(schema.message).toContain(
      '$.collector.xray: is not defined in the schema and the schema does not allow additional properties',
    );
    const before = target.sandbox.awsRequests().length;
    const refused = await install(target, ['--target', 'xray', '--identity', 'irsa', '--addon-version', 'v0.117.0']);
    expect(refused.code).toBe(2);
    expect(refused.output.error?.code).toBe('InvalidAddonConfiguration');
    expect(refused.output.error?.message).toContain('$.collector.xray');
    const writes = target.sandbox
      .awsRequests()
      .slice(before)
      .filter((request) => !/^(Describe|List|Get)/.test(request.operation));
    expect(writes).toEqual([]);
  });
});
