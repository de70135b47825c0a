import protobuf from 'protobufjs';
import snappy from 'snappy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/sandbox.js';
import { scenarioSeed } from '../../src/sandbox/seed/scenarios.js';
import { signedFetch } from '../helpers/aws-signed-fetch.js';
import { decodeWriteRequest } from '../helpers/collector-remote-write.js';

const WriteRequest = protobuf
  .parse(
    `syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }`,
  )
  .root.lookupType('prometheus.WriteRequest');

const WORKSPACE = 'ws-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';

function writeRequest(series: { labels: Record<string, string>; samples: [number, number][] }[]): Buffer {
  const message = WriteRequest.fromObject({
    timeseries: series.map((one) => ({
      labels: Object.entries(one.labels)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => ({ name, value })),
      samples: one.samples.map(([value, timestamp]) => ({ value, timestamp })),
    })),
  });
  return snappy.compressSync(Buffer.from(WriteRequest.encode(message).finish()));
}

describe('sandbox aps emulation: Amazon Managed Prometheus remote write and a metric-name query', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: { ...scenarioSeed('fresh'), amp: { workspaces: [{ id: WORKSPACE }] } } });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  function send(
    method: 'GET' | 'POST',
    path: string,
    options: {
      body?: Buffer;
      headers?: Record<string, string>;
      query?: Record<string, string>;
      sign?: boolean;
      region?: string;
    } = {},
  ): Promise<Response> {
    const credentials = { accessKeyId: sandbox.accessKeyId, secretAccessKey: sandbox.secretAccessKey };
    return signedFetch(
      sandbox.awsEndpoint,
      { service: 'aps', region: options.region ?? sandbox.region, credentials },
      { method, path, ...options },
    );
  }

  const remoteWriteHeaders = {
    'content-encoding': 'snappy',
    'content-type': 'application/x-protobuf',
    'x-prometheus-remote-write-version': '0.1.0',
  };

  it('stores a remote write 1.0 request (204) per workspace and series, and the query answers the newest sample', async () => {
    const body = writeRequest([
      { labels: { __name__: 'up', job: 'web', instance: 'a:1' }, samples: [[1, 1_700_000_000_000]] },
      { labels: { __name__: 'up', job: 'web', instance: 'b:1' }, samples: [[0, 1_700_000_000_000]] },
    ]);
    expect(decodeWriteRequest(snappy.uncompressSync(body) as Buffer)).toHaveLength(2);
    const first = await send('POST', `/workspaces/${WORKSPACE}/api/v1/remote_write`, {
      body,
      headers: remoteWriteHeaders,
    });
    expect(first.status).toBe(204);
    const later = writeRequest([
      { labels: { __name__: 'up', job: 'web', instance: 'a:1' }, samples: [[0, 1_700_000_015_000]] },
    ]);
    expect(
      (await send('POST', `/workspaces/${WORKSPACE}/api/v1/remote_write`, { body: later, headers: remoteWriteHeaders }))
        .status,
    ).toBe(204);

    const series = sandbox.aps.series(WORKSPACE);
    expect(series).toHaveLength(2);
    expect(series[0]).toEqual({
      labels: { __name__: 'up', instance: 'a:1', job: 'web' },
      samples: [
        { value: 1, timestampMs: 1_700_000_000_000 },
        { value: 0, timestampMs: 1_700_000_015_000 },
      ],
    });
    expect(sandbox.aps.series('ws-other')).toEqual([]);

    const answer = await send('GET', `/workspaces/${WORKSPACE}/api/v1/query`, { query: { query: 'up' } });
    expect(answer.status).toBe(200);
    const document = (await answer.json()) as { status: string; data: { resultType: string; result: unknown[] } };
    expect(document).toEqual({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { __name__: 'up', instance: 'a:1', job: 'web' }, value: [1_700_000_015, '0'] },
          { metric: { __name__: 'up', instance: 'b:1', job: 'web' }, value: [1_700_000_000, '0'] },
        ],
      },
    });
    expect(
      sandbox
        .awsRequests()
        .filter((request) => request.service === 'aps')
        .map((r) => r.operation),
    ).toEqual(['RemoteWrite', 'RemoteWrite', 'QueryMetrics']);
  });

  it('answers 400 with the reason for a body that is not snappy, not a WriteRequest, or a series without a name', async () => {
    const path = `/workspaces/${WORKSPACE}/api/v1/remote_write`;
    const notSnappy = await send('POST', path, { body: Buffer.from('hello'), headers: remoteWriteHeaders });
    expect(notSnappy.status).toBe(400);
    expect(await notSnappy.text()).toContain('snappy');

    const notProtobuf = await send('POST', path, {
      body: snappy.compressSync(Buffer.from([0xff, 0xff, 0xff])),
      headers: remoteWriteHeaders,
    });
    expect(notProtobuf.status).toBe(400);
    expect(await notProtobuf.text()).toContain('WriteRequest');

    const nameless = await send('POST', path, {
      body: writeRequest([{ labels: { job: 'web' }, samples: [[1, 1]] }]),
      headers: remoteWriteHeaders,
    });
    expect(nameless.status).toBe(400);
    expect(await nameless.text()).toContain('__name__');

    const gzip = await send('POST', path, {
      body: writeRequest([{ labels: { __name__: 'x' }, samples: [[1, 1]] }]),
      headers: { ...remoteWriteHeaders, 'content-encoding': 'gzip' },
    });
    expect(gzip.status).toBe(400);
    expect(sandbox.aps.latest(WORKSPACE, 'x')).toEqual([]);
  });

  it('refuses unsigned requests and queries that are not a bare metric name', async () => {
    const unsigned = await send('POST', `/workspaces/${WORKSPACE}/api/v1/remote_write`, {
      body: writeRequest([{ labels: { __name__: 'x' }, samples: [[1, 1]] }]),
      headers: remoteWriteHeaders,
      sign: false,
    });
    expect(unsigned.status).toBe(403);
    const query = await send('GET', `/workspaces/${WORKSPACE}/api/v1/query`, { query: { query: 'rate(up[5m])' } });
    expect(query.status).toBe(400);
    expect(await query.json()).toMatchObject({ status: 'error', errorType: 'bad_data' });
  });

  it('refuses remote write and query for a workspace that does not exist, or in another region, and stores nothing', async () => {
    const body = writeRequest([{ labels: { __name__: 'ghost' }, samples: [[1, 1_700_000_000_000]] }]);
    const missing = await send('POST', '/workspaces/ws-00000000-0000-0000-0000-000000000000/api/v1/remote_write', {
      body,
      headers: remoteWriteHeaders,
    });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ Message: 'Workspace not found' });
    const elsewhere = await send('POST', `/workspaces/${WORKSPACE}/api/v1/remote_write`, {
      body,
      headers: remoteWriteHeaders,
      region: 'eu-west-1',
    });
    expect(elsewhere.status).toBe(404);
    const query = await send('GET', '/workspaces/ws-00000000-0000-0000-0000-000000000000/api/v1/query', {
      query: { query: 'ghost' },
    });
    expect(query.status).toBe(404);
    expect(sandbox.aps.latest(WORKSPACE, 'ghost')).toEqual([]);
    expect(sandbox.aps.workspaceIds()).toEqual([WORKSPACE]);
    expect(sandbox.awsRequests().filter((request) => request.status === 404)).toEqual([
      { service: 'aps', operation: 'RemoteWrite', status: 404 },
      { service: 'aps', operation: 'RemoteWrite', status: 404 },
      { service: 'aps', operation: 'QueryMetrics', status: 404 },
    ]);
  });
});
