import { formatElapsed } from '../core/elapsed.js';
import type { AddonInfo, Clock, Eks } from '../ports.js';
import { failure, timeoutError } from '../core/errors.js';
import { formatHealth } from '../core/plan/addon.js';

/**
 * Waiting on the EKS add-on, shared by install and uninstall. Polls DescribeAddon with a gentle backoff (1 s growing
 * by 1.2x up to 10 s): an add-on that turns ACTIVE within the first seconds is noticed within about a second, a slow
 * one (minutes on real EKS) is polled at most every 10 s, and the last sleep is cut to the deadline so a timeout is
 * reported on time.
 */
export type AddonWaitGoal = 'active' | 'deleted' | 'settled';

export interface AddonBackoff {
  initialMs: number;
  factor: number;
  maxMs: number;
}

export const DEFAULT_ADDON_BACKOFF: AddonBackoff = { initialMs: 1000, factor: 1.2, maxMs: 10_000 };

export interface AddonWaitOptions {
  clusterName: string;
  addonName: string;
  until: AddonWaitGoal;
  /** absolute time on the clock */
  deadline: number;
  signal?: AbortSignal | undefined;
  backoff?: AddonBackoff;
  onStatus?: (addon: AddonInfo | undefined) => void;
}

export interface AddonWaitResult {
  addon: AddonInfo | undefined;
  polls: number;
  elapsedMs: number;
}

const TRANSITIONAL = new Set<AddonInfo['status']>(['CREATING', 'UPDATING', 'DELETING']);
const FAILED_FOR_ACTIVE = new Set<AddonInfo['status']>(['CREATE_FAILED', 'DEGRADED', 'UPDATE_FAILED', 'DELETE_FAILED']);

type Verdict = { done: true } | { done: false } | { failed: Error };

function judge(addon: AddonInfo | undefined, options: AddonWaitOptions): Verdict {
  const { until, clusterName, addonName } = options;
  const describe = `aws eks describe-addon --cluster-name ${clusterName} --addon-name ${addonName}`;
  if (until === 'deleted') {
    if (addon === undefined) return { done: true };
    if (addon.status === 'DELETE_FAILED') {
      return {
        failed: failure(
          'AddonDeleteFailed',
          `The ${addonName} add-on is DELETE_FAILED: ${formatHealth(addon.health)}`,
          {
            hint: describe,
          },
        ),
      };
    }
    return { done: false };
  }
  if (until === 'settled')
    return addon === undefined || !TRANSITIONAL.has(addon.status) ? { done: true } : { done: false };
  if (addon === undefined) {
    return {
      failed: failure('AddonGone', `The ${addonName} add-on disappeared from ${clusterName} while waiting for ACTIVE`, {
        hint: `aws eks list-addons --cluster-name ${clusterName}`,
      }),
    };
  }
  if (addon.status === 'ACTIVE') return { done: true };
  if (FAILED_FOR_ACTIVE.has(addon.status)) {
    return {
      failed: failure(
        'AddonFailed',
        `The ${addonName} add-on ${addon.addonVersion} is ${addon.status}: ${formatHealth(addon.health)}`,
        { hint: `adot doctor --cluster ${clusterName}`, details: { status: addon.status, health: addon.health } },
      ),
    };
  }
  return { done: false };
}

export async function waitForAddon(eks: Eks, clock: Clock, options: AddonWaitOptions): Promise<AddonWaitResult> {
  const backoff = options.backoff ?? DEFAULT_ADDON_BACKOFF;
  const started = clock.now();
  let delay = backoff.initialMs;
  let polls = 0;
  for (;;) {
    const addon = await eks.describeAddon(options.clusterName, options.addonName);
    polls += 1;
    options.onStatus?.(addon);
    const verdict = judge(addon, options);
    if ('failed' in verdict) throw verdict.failed;
    if (verdict.done) return { addon, polls, elapsedMs: clock.now() - started };
    const remaining = options.deadline - clock.now();
    if (remaining <= 0) {
      const goal = options.until === 'deleted' ? 'to be deleted' : options.until === 'active' ? 'ACTIVE' : 'to settle';
      throw timeoutError(
        'AddonWaitTimeout',
        `Timed out waiting for the ${options.addonName} add-on ${goal} (still ${addon?.status ?? 'absent'} after ${formatElapsed(clock.now() - started)})`,
        { hint: 'run the command again with a longer --timeout; it resumes where it stopped' },
      );
    }
    await clock.sleep(Math.min(delay, remaining), options.signal);
    delay = Math.min(backoff.maxMs, delay * backoff.factor);
  }
}
