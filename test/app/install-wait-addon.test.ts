import { describe, expect, it } from 'vitest';
import { AdotError, interrupted } from '../../src/core/errors.js';
import type { AddonInfo, AddonStatus, Clock, Eks } from '../../src/ports.js';
import { waitForAddon } from '../../src/app/wait-addon.js';

/** Virtual time: sleep advances the clock at once, so backoff schedules are checked exactly. */
class VirtualClock implements Clock {
  time = 0;
  readonly sleeps: number[] = [];
  now(): number {
    return this.time;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw interrupted();
    this.sleeps.push(ms);
    this.time += ms;
  }
}

/** An add-on whose status follows a timeline of (from ms, status); absent before the first entry when given. */
function eksWithTimeline(clock: VirtualClock, timeline: [number, AddonStatus | undefined][]): Eks & { calls: number } {
  const eks = {
    calls: 0,
    async describeAddon(): Promise<AddonInfo | undefined> {
      eks.calls += 1;
      let status: AddonStatus | undefined;
      for (const [from, value] of timeline) if (clock.now() >= from) status = value;
      if (status === undefined) return undefined;
      return {
        addonName: 'adot',
        addonVersion: 'v0.45.0-eksbuild.1',
        status,
        health:
          status === 'DEGRADED'
            ? [{ code: 'InsufficientNumberOfReplicas', message: '0/1 ready', resourceIds: [] }]
            : [],
        serviceAccountRoleArn: undefined,
        configurationValues: undefined,
        createdAt: undefined,
        modifiedAt: undefined,
        podIdentityAssociations: [],
      };
    },
  };
  return eks as unknown as Eks & { calls: number };
}

const base = { clusterName: 'demo', addonName: 'adot' };

describe('waitForAddon', () => {
  it('notices an add-on that turns ACTIVE after 5 s within a second, with few polls', async () => {
    const clock = new VirtualClock();
    const eks = eksWithTimeline(clock, [
      [0, 'CREATING'],
      [5000, 'ACTIVE'],
    ]);
    const result = await waitForAddon(eks, clock, { ...base, until: 'active', deadline: 60_000 });
    expect(result.addon?.status).toBe('ACTIVE');
    expect(clock.now() - 5000).toBeLessThanOrEqual(1000);
    expect(result.polls).toBeLessThanOrEqual(6);
  });

  it('backs off from 1 s and never sleeps more than 10 s', async () => {
    const clock = new VirtualClock();
    const eks = eksWithTimeline(clock, [
      [0, 'CREATING'],
      [120_000, 'ACTIVE'],
    ]);
    await waitForAddon(eks, clock, { ...base, until: 'active', deadline: 600_000 });
    expect(clock.sleeps[0]).toBe(1000);
    expect(Math.max(...clock.sleeps)).toBe(10_000);
    expect(clock.sleeps.every((ms, i) => i === 0 || ms >= clock.sleeps[i - 1]!)).toBe(true);
  });

  it('stops on DEGRADED with the health issues', async () => {
    const clock = new VirtualClock();
    const eks = eksWithTimeline(clock, [
      [0, 'CREATING'],
      [2000, 'DEGRADED'],
    ]);
    await expect(waitForAddon(eks, clock, { ...base, until: 'active', deadline: 60_000 })).rejects.toThrow(
      /DEGRADED: InsufficientNumberOfReplicas: 0\/1 ready/,
    );
  });

  it('times out at the deadline with exit status 124, not later', async () => {
    const clock = new VirtualClock();
    const eks = eksWithTimeline(clock, [[0, 'CREATING']]);
    const error = await waitForAddon(eks, clock, { ...base, until: 'active', deadline: 7000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdotError);
    expect((error as AdotError).exitStatus).toBe(124);
    expect((error as AdotError).message).toMatch(/still CREATING after 7\.0 s/);
    expect(clock.now()).toBe(7000);
  });

  it('waits until deleted, and settles on any non-transitional state', async () => {
    const clock = new VirtualClock();
    const eks = eksWithTimeline(clock, [
      [0, 'DELETING'],
      [1500, undefined],
    ]);
    expect((await waitForAddon(eks, clock, { ...base, until: 'deleted', deadline: 60_000 })).addon).toBeUndefined();
    const clock2 = new VirtualClock();
    const eks2 = eksWithTimeline(clock2, [
      [0, 'CREATING'],
      [1500, 'CREATE_FAILED'],
    ]);
    expect((await waitForAddon(eks2, clock2, { ...base, until: 'settled', deadline: 60_000 })).addon?.status).toBe(
      'CREATE_FAILED',
    );
  });

  it('ends with an interrupted error when the signal is aborted', async () => {
    const clock = new VirtualClock();
    const eks = eksWithTimeline(clock, [[0, 'CREATING']]);
    const controller = new AbortController();
    controller.abort();
    const error = await waitForAddon(eks, clock, {
      ...base,
      until: 'active',
      deadline: 60_000,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect((error as AdotError).exitStatus).toBe(130);
  });
});
