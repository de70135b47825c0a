import { describe, expect, it } from 'vitest';
import {
  EVENT_OVERHEAD_BYTES,
  MAX_BYTES_PER_CALL,
  MAX_EVENTS_PER_CALL,
  splitIntoPutBatches,
} from '../../src/collector/exporters/awsemf/batches.js';

const T0 = 1_700_000_000_000;

function bytesOf(batch: { message: string }[]): number {
  return batch.reduce((sum, event) => sum + Buffer.byteLength(event.message, 'utf8') + EVENT_OVERHEAD_BYTES, 0);
}

describe('awsemf: PutLogEvents batches', () => {
  it('puts at most 10,000 events in a call', () => {
    const events = Array.from({ length: 25_001 }, (_, index) => ({ timestamp: T0 + index, message: 'x' }));
    const { batches } = splitIntoPutBatches(events);
    expect(batches.map((batch) => batch.length)).toEqual([MAX_EVENTS_PER_CALL, MAX_EVENTS_PER_CALL, 5_001]);
  });

  it('counts 26 bytes per event on top of the UTF-8 message against the 1 MiB limit', () => {
    // 1,048,576 / (998 + 26) = 1024 events fit exactly; one more byte per event and only 1023 do
    const exact = Array.from({ length: 2048 }, (_, index) => ({ timestamp: T0 + index, message: 'a'.repeat(998) }));
    expect(splitIntoPutBatches(exact).batches.map((batch) => batch.length)).toEqual([1024, 1024]);
    const over = Array.from({ length: 1024 }, (_, index) => ({ timestamp: T0 + index, message: 'a'.repeat(999) }));
    const { batches } = splitIntoPutBatches(over);
    expect(batches.map((batch) => batch.length)).toEqual([1023, 1]);
    for (const batch of batches) expect(bytesOf(batch)).toBeLessThanOrEqual(MAX_BYTES_PER_CALL);
    // multi-byte characters count by their UTF-8 size
    const wide = Array.from({ length: 600 }, (_, index) => ({ timestamp: T0 + index, message: 'é'.repeat(1000) }));
    for (const batch of splitIntoPutBatches(wide).batches)
      expect(bytesOf(batch)).toBeLessThanOrEqual(MAX_BYTES_PER_CALL);
    expect(splitIntoPutBatches(wide).batches.length).toBe(2);
  });

  it('orders events chronologically and never spans more than 24 hours in one call', () => {
    const day = 24 * 3600 * 1000;
    const events = [T0 + 5, T0 + 1, T0 + day + 10, T0 + 3].map((timestamp, index) => ({
      timestamp,
      message: `e${index}`,
    }));
    const { batches } = splitIntoPutBatches(events);
    expect(batches.map((batch) => batch.map((event) => event.timestamp))).toEqual([
      [T0 + 1, T0 + 3, T0 + 5],
      [T0 + day + 10],
    ]);
  });

  it('sets apart an event larger than 256 KiB, which no call may carry', () => {
    const { batches, oversized } = splitIntoPutBatches([
      { timestamp: T0, message: 'a'.repeat(262_144) },
      { timestamp: T0 + 1, message: 'ok' },
    ]);
    expect(oversized).toHaveLength(1);
    expect(batches).toEqual([[{ timestamp: T0 + 1, message: 'ok' }]]);
  });
});
