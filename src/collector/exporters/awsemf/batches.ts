/**
 * PutLogEvents batches within the API's limits: events in chronological order, at most 10,000 per call, at most
 * 1,048,576 bytes per call counting each event's UTF-8 message plus 26 bytes, and no call spanning more than
 * 24 hours. An event larger than one event may be (256 KiB with its overhead) can never be sent and is returned
 * apart, for the exporter to count as dropped.
 */
import type { EmfLogEvent } from './emf.js';

export const MAX_EVENTS_PER_CALL = 10_000;
export const MAX_BYTES_PER_CALL = 1_048_576;
export const EVENT_OVERHEAD_BYTES = 26;
export const MAX_EVENT_BYTES = 262_144;
const MAX_SPAN_MS = 24 * 3600 * 1000;

export interface PutBatches {
  batches: EmfLogEvent[][];
  oversized: EmfLogEvent[];
}

export function eventBytes(event: EmfLogEvent): number {
  return Buffer.byteLength(event.message, 'utf8') + EVENT_OVERHEAD_BYTES;
}

export function splitIntoPutBatches(events: EmfLogEvent[]): PutBatches {
  const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp);
  const batches: EmfLogEvent[][] = [];
  const oversized: EmfLogEvent[] = [];
  let current: EmfLogEvent[] = [];
  let bytes = 0;
  for (const event of sorted) {
    const size = eventBytes(event);
    if (size > MAX_EVENT_BYTES) {
      oversized.push(event);
      continue;
    }
    const first = current[0];
    const full =
      current.length >= MAX_EVENTS_PER_CALL ||
      bytes + size > MAX_BYTES_PER_CALL ||
      (first !== undefined && event.timestamp - first.timestamp > MAX_SPAN_MS);
    if (full && current.length > 0) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return { batches, oversized };
}
