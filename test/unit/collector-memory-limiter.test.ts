import { afterEach, describe, expect, it } from 'vitest';
import { Settings, SettingsError } from '../../src/collector/config/settings.js';
import { DataRefusedError } from '../../src/collector/model.js';
import {
  limitsOf,
  MemoryLimiterProcessor,
  readMemoryLimiterSettings,
  type MemoryProbe,
} from '../../src/collector/processors/memory-limiter.js';
import { loadOtlpCodec } from '../../src/collector/receivers/otlp/codec.js';
import { OtlpReceiver } from '../../src/collector/receivers/otlp/receiver.js';
import { readOtlpReceiverSettings } from '../../src/collector/receivers/otlp/settings.js';
import { componentContext } from '../helpers/collector-context.js';

const MIB = 1024 * 1024;

function read(raw: Record<string, unknown>) {
  return readMemoryLimiterSettings(new Settings(raw, 'processors.memory_limiter'));
}

/** A process whose memory in use the test sets; a forced collection brings it down to `afterGc`. */
function probe(used: number, total = 8192 * MIB) {
  const state = { used, afterGc: used, collections: 0, now: 1_000_000 };
  const memory: MemoryProbe = {
    used: () => state.used,
    total: () => total,
    collect: () => {
      state.collections += 1;
      state.used = state.afterGc;
      return true;
    },
    now: () => state.now,
  };
  return { state, memory };
}

describe('memory_limiter settings', () => {
  it('refuses what the collector refuses, with its messages', () => {
    const message = (raw: Record<string, unknown>) => {
      try {
        read(raw);
        return 'accepted';
      } catch (error) {
        return `${(error as SettingsError).path}: ${(error as Error).message}`;
      }
    };
    expect(message({ limit_mib: 400 })).toBe(
      "processors.memory_limiter.check_interval: 'check_interval' must be greater than zero",
    );
    expect(message({ check_interval: '1s' })).toBe(
      "processors.memory_limiter.limit_mib: 'limit_mib' or 'limit_percentage' must be greater than zero",
    );
    expect(message({ check_interval: '1s', limit_mib: 400, spike_limit_mib: 400 })).toBe(
      "processors.memory_limiter.spike_limit_mib: 'spike_limit_mib' must be smaller than 'limit_mib'",
    );
    expect(message({ check_interval: '1s', limit_percentage: 120 })).toMatch(/less than or equal to hundred$/);
    expect(message({ check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 80 })).toBe(
      "processors.memory_limiter.spike_limit_percentage: 'spike_limit_percentage' must be smaller than 'limit_percentage'",
    );
    expect(message({ check_interval: '1s', limit_mib: 400, ballast_size_mib: 10 })).toMatch(/unknown setting/);
  });

  it('soft limit = hard limit − spike (20% of the limit by default); percentages of the total memory', () => {
    expect(limitsOf(read({ check_interval: '1s', limit_mib: 500 }), () => 0)).toEqual({
      hardBytes: 500 * MIB,
      softBytes: 400 * MIB,
    });
    expect(limitsOf(read({ check_interval: '1s', limit_mib: 500, spike_limit_mib: 100 }), () => 0).softBytes).toBe(
      400 * MIB,
    );
    expect(
      limitsOf(read({ check_interval: '1s', limit_percentage: 75, spike_limit_percentage: 15 }), () => 1000 * MIB),
    ).toEqual({ hardBytes: 750 * MIB, softBytes: 600 * MIB });
  });
});

describe('memory_limiter processor', () => {
  const settings = read({ check_interval: '1s', limit_mib: 100, spike_limit_mib: 20 });

  function limiter(used: number) {
    const context = componentContext('memory_limiter');
    const passed: unknown[][] = [];
    const { state, memory } = probe(used);
    const processor = new MemoryLimiterProcessor(
      context,
      settings,
      { consume: (items) => passed.push(items) },
      'traces',
      memory,
    );
    return { processor, passed, state, context };
  }

  it('refuses data from the check that finds usage at the soft limit, and takes it again once below', () => {
    const { processor, passed, state, context } = limiter(50 * MIB);
    processor.check();
    processor.consume([1, 2]);
    expect(passed).toEqual([[1, 2]]);

    state.used = 85 * MIB; // above the soft limit (80), below the hard one (100)
    state.afterGc = 85 * MIB; // a collection does not help
    processor.check();
    expect(() => processor.consume([3])).toThrow(DataRefusedError);
    expect(() => processor.consume([3])).toThrow('data refused due to high memory usage');
    expect(passed).toHaveLength(1);

    state.used = 60 * MIB;
    processor.check();
    processor.consume([4]);
    expect(passed).toEqual([[1, 2], [4]]);
    expect(context.metrics.value('otelcol_processor_refused_spans', { processor: 'memory_limiter' })).toBe(2);
    expect(context.metrics.value('otelcol_processor_accepted_spans', { processor: 'memory_limiter' })).toBe(3);
    expect(context.logger.lines.some((line) => line.includes('refusing data'))).toBe(true);
    expect(context.logger.lines.some((line) => line.includes('resuming normal operation'))).toBe(true);
  });

  it('forces a collection at the hard limit every time, and at the soft limit only 10s after the last one', () => {
    const { processor, state } = limiter(120 * MIB);
    state.afterGc = 120 * MIB;
    state.now += 1;
    processor.check();
    state.now += 1;
    processor.check();
    expect(state.collections).toBe(2);

    state.collections = 0;
    state.used = 90 * MIB;
    state.afterGc = 90 * MIB;
    processor.check();
    expect(state.collections).toBe(0);
    state.now += 10_001;
    processor.check();
    expect(state.collections).toBe(1);
  });

  it('takes data right away when the collection brings usage below the soft limit', () => {
    const { processor, passed, state } = limiter(120 * MIB);
    state.afterGc = 40 * MIB;
    state.now += 1;
    processor.check();
    processor.consume(['kept']);
    expect(passed).toEqual([['kept']]);
  });
});

describe('a refusal reaches the sender: the otlp receiver answers 503 / UNAVAILABLE', () => {
  let receiver: OtlpReceiver | undefined;
  afterEach(async () => {
    await receiver?.shutdown();
  });

  it('answers OTLP/HTTP with 503 and google.rpc.Status code 14 while the limiter refuses, 200 after', async () => {
    const context = componentContext('memory_limiter');
    const { state, memory } = probe(90 * MIB);
    const taken: unknown[][] = [];
    const limiter = new MemoryLimiterProcessor(
      context,
      read({ check_interval: '1s', limit_mib: 100 }),
      { consume: (items) => taken.push(items) },
      'traces',
      memory,
    );
    limiter.check();
    receiver = new OtlpReceiver(
      componentContext('otlp', 'receivers'),
      readOtlpReceiverSettings(new Settings({ protocols: { http: { endpoint: '127.0.0.1:0' } } }, 'receivers.otlp')),
      { traces: limiter },
    );
    await receiver.start();
    const codec = await loadOtlpCodec();
    const body = codec.encodeRequest('traces', {
      resourceSpans: [
        {
          resource: { attributes: [] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: Buffer.alloc(16, 1),
                  spanId: Buffer.alloc(8, 2),
                  name: 'GET /',
                  startTimeUnixNano: '1',
                  endTimeUnixNano: '2',
                },
              ],
            },
          ],
        },
      ],
    });
    const post = () =>
      fetch(`http://${receiver?.address() ?? ''}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body,
      });
    const refused = await post();
    expect(refused.status).toBe(503);
    // google.rpc.Status {code = 1: 14 (UNAVAILABLE), message = 2}
    const status = Buffer.from(await refused.arrayBuffer());
    expect([status[0], status[1]]).toEqual([0x08, 14]);
    expect(status.includes(Buffer.from('data refused due to high memory usage'))).toBe(true);
    expect(taken).toEqual([]);

    state.used = 10 * MIB;
    limiter.check();
    expect((await post()).status).toBe(200);
    expect(taken).toHaveLength(1);
  });
});
