import { describe, expect, it } from 'vitest';
import { frameXRaySegment, parseXRayDatagram, XRAY_HEADER } from '../../src/collector/receivers/xray-framing.js';
import { segment } from '../helpers/collector-segments.js';

describe('X-Ray daemon framing', () => {
  it('keeps the segment document as sent, with its trace id and id', () => {
    const sent = segment();
    const framed = parseXRayDatagram(frameXRaySegment(sent));
    expect(framed).toEqual({
      ok: true,
      segment: { kind: 'xray-segment', traceId: sent.trace_id, id: sent.id, document: JSON.stringify(sent) },
    });
  });

  it('accepts a header with other spacing and key order', () => {
    const sent = segment();
    const datagram = Buffer.from(`{ "version": 1, "format": "json" }\n${JSON.stringify(sent)}`);
    expect(parseXRayDatagram(datagram).ok).toBe(true);
  });

  it.each([
    ['no header line', Buffer.from(JSON.stringify(segment()))],
    [
      'the header is not {"format":"json","version":1}',
      Buffer.from(`{"format":"json","version":2}\n${JSON.stringify(segment())}`),
    ],
    ['the header line is not JSON', Buffer.from(`hello\n${JSON.stringify(segment())}`)],
    ['no segment after the header', Buffer.from(`${XRAY_HEADER}\n`)],
    ['the segment is not JSON', Buffer.from(`${XRAY_HEADER}\n{"name":`)],
    ['the segment is not a JSON object', Buffer.from(`${XRAY_HEADER}\n[1,2]`)],
    ['trace_id is missing or malformed', frameXRaySegment(segment({ trace_id: '1-abc' }))],
    ['id is missing or not 16 hex digits', frameXRaySegment(segment({ id: 'XYZ' }))],
    ['name is missing', frameXRaySegment(segment({ name: '' }))],
    ['start_time is missing', frameXRaySegment(segment({ start_time: undefined }))],
  ])('refuses a datagram when %s', (reason, datagram) => {
    expect(parseXRayDatagram(datagram)).toEqual({ ok: false, reason });
  });

  it('refuses datagrams over 64 KB', () => {
    const big = frameXRaySegment(segment({ metadata: { blob: 'x'.repeat(70 * 1024) } }));
    expect(parseXRayDatagram(big)).toEqual({ ok: false, reason: 'the datagram is larger than 64 KB' });
  });
});
