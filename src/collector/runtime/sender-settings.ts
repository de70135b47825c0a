import type { Settings } from '../config/settings.js';
import { DEFAULT_RETRY, type RetrySettings } from './backoff.js';
import type { QueueSettings } from './queued-sender.js';

/** The exporterhelper keys every network exporter accepts, with the collector's defaults. */
export const SENDER_KEYS = ['timeout', 'sending_queue', 'retry_on_failure'] as const;

export interface SenderSettings {
  timeoutMs: number;
  queue: QueueSettings;
  retry: RetrySettings;
}

export function readSenderSettings(settings: Settings, defaultTimeoutMs = 5_000): SenderSettings {
  const queue = settings.nested('sending_queue').allowOnly(['enabled', 'num_consumers', 'queue_size']);
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
    queue: {
      enabled: queue.boolean('enabled', true),
      numConsumers: queue.integer('num_consumers', 10, 1),
      queueSize: queue.integer('queue_size', 1000, 1),
    },
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
