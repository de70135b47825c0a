import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import protobuf from 'protobufjs';
import snappy from 'snappy';

/** The messages of prometheus/prompb (types.proto, remote.proto) that remote write 1.0 uses. */
const PROMPB = `
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
`;
const WriteRequest = protobuf.parse(PROMPB).root.lookupType('prometheus.WriteRequest');

export interface DecodedSeries {
  labels: { name: string; value: string }[];
  samples: { value: number; timestamp: number }[];
}

/** Decodes a protobuf WriteRequest with protobufjs (not with the code under test). */
export function decodeWriteRequest(payload: Uint8Array): DecodedSeries[] {
  const message = WriteRequest.toObject(WriteRequest.decode(payload), { longs: Number, defaults: true }) as {
    timeseries: DecodedSeries[];
  };
  return message.timeseries;
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
      const payload = snappy.uncompressSync(body) as Buffer;
      writes.push({ headers: request.headers, body, series: decodeWriteRequest(payload) });
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
