import { randomBytes } from 'node:crypto';
import { loadOtlpCodec } from '../../src/collector/receivers/otlp/codec.js';

/**
 * Posts one server span over OTLP/HTTP protobuf to a collector's receiver; resolves to the X-Ray trace id it maps to
 * (the first 4 bytes of the OTLP trace id are the epoch seconds, as X-Ray requires).
 */
export async function postSpan(
  httpAddress: string,
  resource: Record<string, string> = { 'service.name': 'checkout' },
): Promise<string> {
  const codec = await loadOtlpCodec();
  const traceId = randomBytes(16);
  traceId.writeUInt32BE(Math.floor(Date.now() / 1000), 0);
  const now = BigInt(Date.now()) * 1_000_000n;
  const body = codec.encodeRequest('traces', {
    resourceSpans: [
      {
        resource: {
          attributes: Object.entries(resource).map(([key, value]) => ({ key, value: { stringValue: value } })),
        },
        scopeSpans: [
          {
            spans: [
              {
                traceId,
                spanId: randomBytes(8),
                name: 'GET /cart',
                kind: 2,
                startTimeUnixNano: String(now - 300_000_000n),
                endTimeUnixNano: String(now),
              },
            ],
          },
        ],
      },
    ],
  });
  const answer = await fetch(`http://${httpAddress}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body,
  });
  if (answer.status !== 200) throw new Error(`OTLP/HTTP answered ${answer.status}: ${await answer.text()}`);
  return `1-${traceId.subarray(0, 4).toString('hex')}-${traceId.subarray(4).toString('hex')}`;
}
