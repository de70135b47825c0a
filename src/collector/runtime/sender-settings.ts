import { SettingsError, type Settings } from '../config/settings.js';
import { DEFAULT_RETRY, type RetrySettings } from './backoff.js';
import type { QueueSettings, Sizer } from './queued-sender.js';

/** The exporterhelper keys every network exporter accepts, with the collector's defaults. */
export const SENDER_KEYS = ['timeout', 'sending_queue', 'retry_on_failure'] as const;

export interface SenderSettings {
  timeoutMs: number;
  queue: QueueSettings;
  retry: RetrySettings;
}

export function readSenderSettings(settings: Settings, defaultTimeoutMs = 5_000): SenderSettings {
  const queue = settings
    .nested('sending_queue')
    .allowOnly(['enabled', 'num_consumers', 'queue_size', 'sizer', 'storage']);
  const retry = settings
    .nested('retry_on_failure')
    .allowOnly([
      'enabled',
      'initial_interval',
      'max_interval',
      'max_elapsed_time',
      'multiplier',
      'randomization_factor',
    ]);
  const multiplier = retry.raw('multiplier');
  const randomization = retry.raw('randomization_factor');
  return {
    timeoutMs: settings.duration('timeout', defaultTimeoutMs),
    queue: readQueue(queue, { numConsumers: 10, queueSize: 1000 }),
    retry: {
      enabled: retry.boolean('enabled', DEFAULT_RETRY.enabled),
      initialIntervalMs: retry.duration('initial_interval', DEFAULT_RETRY.initialIntervalMs),
      maxIntervalMs: retry.duration('max_interval', DEFAULT_RETRY.maxIntervalMs),
      maxElapsedMs: retry.duration('max_elapsed_time', DEFAULT_RETRY.maxElapsedMs),
      multiplier: typeof multiplier === 'number' && multiplier >= 1 ? multiplier : DEFAULT_RETRY.multiplier,
      randomizationFactor:
        typeof randomization === 'number' && randomization >= 0 && randomization <= 1
          ? randomization
          : DEFAULT_RETRY.randomizationFactor,
    },
  };
}

/**
 * sending_queue as exporterhelper reads it (exporter/exporterhelper/internal/queuebatch/config.go, v0.151.0):
 * `queue_size` in the unit of `sizer` (requests, the default; items; bytes), `storage` the id of a storage extension.
 */
export function readQueue(queue: Settings, defaults: { numConsumers: number; queueSize: number }): QueueSettings {
  const sizer = queue.string('sizer', 'requests');
  if (sizer !== 'requests' && sizer !== 'items' && sizer !== 'bytes') {
    throw new SettingsError(queue.at('sizer'), `invalid sizer: "${sizer}"`, 'requests, items or bytes');
  }
  const storage = queue.string('storage');
  return {
    enabled: queue.boolean('enabled', true),
    numConsumers: positive(queue, 'num_consumers', defaults.numConsumers),
    queueSize: positive(queue, 'queue_size', defaults.queueSize),
    sizer: sizer as Sizer,
    ...(storage === undefined || storage === '' ? {} : { storage }),
  };
}

function positive(settings: Settings, key: string, fallback: number): number {
  const value = settings.raw(key);
  if (typeof value === 'number' && Number.isInteger(value) && value <= 0) {
    throw new SettingsError(settings.at(key), `\`${key}\` must be positive`);
  }
  return settings.integer(key, fallback, 1);
}
