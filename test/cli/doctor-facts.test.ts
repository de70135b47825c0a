/**
 * doctor's fact gathering against the real sandbox through the real adapters: how many sequential rounds it takes,
 * and the second round that follows the role a collector's service account names.
 */
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { doctor } from '../../src/app/doctor.js';
import { createSystem, type System } from '../../src/system.js';
import { scenarioSeed } from '../../src/sandbox/seed/scenarios.js';
import { startSandbox } from '../../src/sandbox/sandbox.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Seed } from '../../src/sandbox/types.js';

async function withSystem<T>(seed: Seed, body: (system: System, cluster: string) => Promise<T>): Promise<T> {
  const sandbox = await startSandbox({ seed });
  const dir = await mkdtemp(join(tmpdir(), 'adot-doctor-facts-'));
  try {
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, sandbox.kubeconfig());
    const system = await createSystem({
      cluster: sandbox.defaultCluster,
      region: sandbox.region,
      kubeconfig: [kubeconfig],
      output: 'json',
      yes: true,
      color: false,
      verbose: false,
      sandbox: false,
      io: {
        stdin: Readable.from(['']),
        stdout: new PassThrough().resume(),
        stderr: new PassThrough().resume(),
        env: sandbox.env(kubeconfig),
        cwd: dir,
        signal: new AbortController().signal,
      },
    });
    try {
      return await body(system, sandbox.defaultCluster);
    } finally {
      await system.close();
    }
  } finally {
    await sandbox.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('doctor fact gathering', () => {
  it("prints no MaxListenersExceededWarning for a caller's own signal (dozens of calls listen at once)", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      await withSystem(scenarioSeed('installed-healthy'), async (system, cluster) => {
        expect((await doctor(system, { cluster })).exitStatus).toBe(0);
      });
      // Node emits warnings on a later tick
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('needs 2 sequential rounds on an installed cluster and 1 under --pre', async () => {
    await withSystem(scenarioSeed('installed-healthy'), async (system, cluster) => {
      const installed = await doctor(system, { cluster });
      expect(installed.exitStatus).toBe(0);
      expect(installed.roundTrips).toBe(2);
      const pre = await doctor(system, { cluster, pre: true });
      expect(pre.roundTrips).toBe(1);
    });
  });

  it("follows the role the collector's service account names: the role in the second round, its policies' documents in a third", async () => {
    const seed = scenarioSeed('installed-healthy');
    const role = seed.iam!.roles![0]!;
    role.name = 'Team-Collector-Role';
    for (const object of seed.clusters![0]!.objects!) {
      if (object.kind === 'ServiceAccount') {
        object.metadata.annotations = {
          'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/Team-Collector-Role',
        };
      }
    }
    await withSystem(seed, async (system, cluster) => {
      const result = await doctor(system, { cluster });
      expect(result.roundTrips).toBe(3);
      const byId = new Map(result.document.checks.map((c) => [c.id, c]));
      expect(byId.get('iam.role')).toMatchObject({
        status: 'pass',
        observed: 'arn:aws:iam::123456789012:role/Team-Collector-Role',
      });
      expect(byId.get('iam.policies')?.status).toBe('pass');
      expect(result.exitStatus).toBe(0);
      // --role-name naming another role than the annotation is a finding
      const explicit = await doctor(system, { cluster, roleName: 'EKS-ADOT-ServiceAccount-Role' });
      expect(explicit.document.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual([
        'collector.service-account',
      ]);
    });
  });

  it('--wait gives up at the deadline and reports the last state', async () => {
    const seed = scenarioSeed('installed-healthy');
    seed.behaviour = { ...seed.behaviour, rolloutSeconds: 3600 };
    await withSystem(seed, async (system, cluster) => {
      const started = Date.now();
      const result = await doctor(system, { cluster, waitMs: 1500 });
      const elapsed = Date.now() - started;
      expect(result.exitStatus).toBe(1);
      expect(result.document.checks.find((c) => c.id === 'collector.deployment')?.status).toBe('fail');
      expect(elapsed).toBeGreaterThanOrEqual(1400);
      expect(elapsed).toBeLessThan(5000);
    });
  });
});
