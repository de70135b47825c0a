/**
 * The X-Ray daemon's UDP framing: each datagram is a header line `{"format":"json","version":1}` then one
 * segment document. Pure, so the receiver and the tests share it.
 */
import type { XRaySegment } from '../model.js';

export const XRAY_HEADER = '{"format":"json","version":1}';
/** A UDP datagram carries at most 64 KB, as the X-Ray daemon accepts. */
export const MAX_DATAGRAM_BYTES = 64 * 1024;

export type Framed = { ok: true; segment: XRaySegment } | { ok: false; reason: string };

const TRACE_ID = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
const SEGMENT_ID = /^[0-9a-f]{16}$/;

function headerProblem(header: string): string | undefined {
  if (header === XRAY_HEADER) return undefined; // the common case, without a parse
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    return 'the header line is not JSON';
  }
  const record = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (record.format !== 'json' || record.version !== 1) return 'the header is not {"format":"json","version":1}';
  return undefined;
}

/** Splits, checks and keeps one datagram's segment; anything malformed is refused with the reason. */
export function parseXRayDatagram(datagram: Buffer): Framed {
  if (datagram.length > MAX_DATAGRAM_BYTES) return { ok: false, reason: 'the datagram is larger than 64 KB' };
  const newline = datagram.indexOf(10);
  if (newline < 0) return { ok: false, reason: 'no header line' };
  const problem = headerProblem(datagram.toString('utf8', 0, newline).trim());
  if (problem !== undefined) return { ok: false, reason: problem };
  const document = datagram.toString('utf8', newline + 1).trim();
  if (document === '') return { ok: false, reason: 'no segment after the header' };
  let segment: unknown;
  try {
    segment = JSON.parse(document);
  } catch {
    return { ok: false, reason: 'the segment is not JSON' };
  }
  if (typeof segment !== 'object' || segment === null || Array.isArray(segment)) {
    return { ok: false, reason: 'the segment is not a JSON object' };
  }
  const { trace_id: traceId, id, name, start_time: startTime } = segment as Record<string, unknown>;
  if (typeof traceId !== 'string' || !TRACE_ID.test(traceId))
    return { ok: false, reason: 'trace_id is missing or malformed' };
  if (typeof id !== 'string' || !SEGMENT_ID.test(id))
    return { ok: false, reason: 'id is missing or not 16 hex digits' };
  if (typeof name !== 'string' || name === '') return { ok: false, reason: 'name is missing' };
  if (typeof startTime !== 'number') return { ok: false, reason: 'start_time is missing' };
  return { ok: true, segment: { kind: 'xray-segment', traceId, id, document } };
}

/** One datagram as an X-Ray SDK sends it. */
export function frameXRaySegment(segment: unknown): Buffer {
  return Buffer.from(`${XRAY_HEADER}\n${typeof segment === 'string' ? segment : JSON.stringify(segment)}`, 'utf8');
}
