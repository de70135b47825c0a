import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import snappy from 'snappy';

/** prometheus/prompb's remote.proto and types.proto, as published (test/fixtures/prompb, read on first use) */
const PROMPB = fileURLToPath(new URL('../fixtures/prompb/remote.proto', import.meta.url));
let writeRequestType: protobuf.Type | undefined;

export interface DecodedSeries {
  labels: { name: string; value: string }[];
  samples: { value: number; timestamp: number }[];
}

/**
 * Decodes a protobuf WriteRequest with protobufjs and the published schema (not with the code under test). The
 * exporter writes only labels and float samples: exemplars, native histograms or metadata in the request mean a
 * field went out under the wrong number, and fail here.
 */
export function decodeWriteRequest(payload: Uint8Array): DecodedSeries[] {
  writeRequestType ??= protobuf.loadSync(PROMPB).lookupType('prometheus.WriteRequest');
  const message = writeRequestType.toObject(writeRequestType.decode(payload), { longs: Number, defaults: true }) as {
    timeseries: (DecodedSeries & { exemplars: unknown[]; histograms: unknown[] })[];
    metadata: unknown[];
  };
  const stray = message.timeseries.filter((series) => series.exemplars.length > 0 || series.histograms.length > 0);
  if (stray.length > 0 || message.metadata.length > 0) {
    throw new Error(`the WriteRequest has exemplars, histograms or metadata: ${JSON.stringify(message)}`);
  }
  return message.timeseries.map(({ labels, samples }) => ({ labels, samples }));
}

/**
 * Uncompresses a remote-write body, which remote write 1.0 requires in snappy's block format, not its framing
 * (stream) format: the block starts with the uncompressed length as a varint, where a stream would start with the
 * stream identifier chunk ff 06 00 00 "sNaPpY".
 * https://github.com/google/snappy/blob/main/format_description.txt, https://prometheus.io/docs/specs/prw/remote_write_spec/
 */
export function uncompressWriteBody(body: Buffer): Buffer {
  if (body.subarray(0, 10).equals(Buffer.from([0xff, 0x06, 0x00, 0x00, ...Buffer.from('sNaPpY')]))) {
    throw new Error('the body is in snappy framing format; remote write 1.0 uses the block format');
  }
  let declared = 0;
  let offset = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = body[offset++];
    if (byte === undefined) throw new Error('the body ends inside the snappy length preamble');
    declared += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
  }
  const payload = snappy.uncompressSync(body) as Buffer;
  if (payload.length !== declared) {
    throw new Error(`snappy preamble says ${declared} bytes, the block holds ${payload.length}`);
  }
  return payload;
}

export interface ReceivedWrite {
  headers: IncomingHttpHeaders;
  /** the body as sent (snappy-compressed) */
  body: Buffer;
  series: DecodedSeries[];
}

/** A scripted answer: a status, or a status with a Retry-After header. */
export type ScriptedAnswer = number | { status: number; retryAfter: string };

export interface FakeRemoteWriteReceiver {
  url: string;
  writes: ReceivedWrite[];
  /** every request as it arrived (accepted or not): when, the status answered, the body */
  attempts: { at: number; status: number; body: Buffer }[];
  /** the answers to give, in order; once used up, 204 */
  script: ScriptedAnswer[];
  close(): Promise<void>;
}

/** A remote-write endpoint over real HTTP that decodes what it gets and answers as scripted (errors with a body). */
export async function startFakeRemoteWriteReceiver(): Promise<FakeRemoteWriteReceiver> {
  const writes: ReceivedWrite[] = [];
  const attempts: FakeRemoteWriteReceiver['attempts'] = [];
  const receiver = { script: [] as ScriptedAnswer[] };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = receiver.script.shift() ?? 204;
      const status = typeof answer === 'number' ? answer : answer.status;
      const body = Buffer.concat(chunks);
      attempts.push({ at: Date.now(), status, body });
      if (status >= 300) {
        response
          .writeHead(status, {
            'content-type': 'text/plain',
            ...(typeof answer === 'number' ? {} : { 'retry-after': answer.retryAfter }),
          })
          .end(status === 400 ? 'out of order sample' : 'try again later');
        return;
      }
      writes.push({ headers: request.headers, body, series: decodeWriteRequest(uncompressWriteBody(body)) });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/api/v1/write`,
    writes,
    attempts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
