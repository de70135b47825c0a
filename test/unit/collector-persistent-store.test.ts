/**
 * The pieces of persistent sending queues: the request store (whole files only, links never followed, damaged files
 * dropped with a reason), the one-collector lock, queues sized in bytes, a QueuedSender that keeps what it could not
 * send for the next start and sends it first, and the file_storage extension's client names.
 */
import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Settings } from '../../src/collector/config/settings.js';
import { readAwsXRayExporterSettings } from '../../src/collector/exporters/awsxray.js';
import { clientName, readFileStorageSettings } from '../../src/collector/extensions/file-storage.js';
import { readSenderSettings } from '../../src/collector/runtime/sender-settings.js';
import { BoundedQueue } from '../../src/collector/runtime/bounded-queue.js';
import { jsonCodec } from '../../src/collector/runtime/persistence.js';
import { openQueueDirectory } from '../../src/collector/runtime/queue-storage.js';
import { QueuedSender } from '../../src/collector/runtime/queued-sender.js';
import { RequestStore } from '../../src/collector/runtime/request-store.js';
import { SelfMetrics } from '../../src/collector/telemetry/self-metrics.js';
import { memoryLogger } from '../helpers/collector-segments.js';
import { eventually } from '../helpers/eventually.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'adot-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bounded queue sized by weight', () => {
  it('drops the oldest until the new entry fits, and refuses one larger than the whole capacity', () => {
    const queue = new BoundedQueue<number>(10, (bytes) => bytes);
    expect(queue.push(4)).toEqual([]);
    expect(queue.push(4)).toEqual([]);
    expect(queue.push(6)).toEqual([4]);
    expect(queue.size).toBe(10);
    expect(queue.push(11)).toEqual([11]);
    expect(queue.size).toBe(10);
    expect(queue.drain()).toEqual([4, 6]);
  });
});

describe('request store', () => {
  it('finds the whole requests a previous run left, in order, and removes what is not one', async () => {
    const queue = join(dir, 'q');
    const first = RequestStore.open(queue, { fsync: false });
    first.store.write(Buffer.from('one'), 1);
    first.store.write(Buffer.from('two'), 2);
    await writeFile(join(queue, '0000000000000009.req.tmp'), 'half'); // a kill during a write
    await writeFile(join(queue, '0000000000000007.req'), 'ADQ1 but short');
    await symlink('/etc/hostname', join(queue, '0000000000000008.req'));
    const reopened = RequestStore.open(queue, { fsync: false });
    expect(reopened.stored.map((request) => request.items)).toEqual([1, 2]);
    expect(reopened.discarded).toEqual([
      '0000000000000007.req: not a queued request',
      '0000000000000008.req: a symbolic link',
    ]);
    expect((await readdir(queue)).sort()).toEqual(['0000000000000001.req', '0000000000000002.req']);
    expect((await reopened.store.read(reopened.stored[1]!)).toString()).toBe('two');
    // the next request comes after the last one found
    expect(reopened.store.write(Buffer.from('three'), 3).seq).toBe(3);
  });

  it('a damaged payload is refused when read', async () => {
    const queue = join(dir, 'q');
    const { store } = RequestStore.open(queue, { fsync: false });
    const stored = store.write(Buffer.from('payload'), 1);
    const path = join(queue, '0000000000000001.req');
    const { readFile } = await import('node:fs/promises');
    const content = await readFile(path);
    content.writeUInt8(content.readUInt8(content.length - 1) ^ 0xff, content.length - 1);
    await writeFile(path, content);
    await expect(store.read(stored)).rejects.toThrow(/is damaged/);
  });

  it('refuses a queue directory that is a link to somewhere else', async () => {
    await symlink(tmpdir(), join(dir, 'elsewhere'));
    expect(() => RequestStore.open(join(dir, 'elsewhere'), { fsync: false })).toThrow(
      /symbolic links are not followed/,
    );
  });

  it('one collector at a time: a held queue is refused after the timeout, a dead holder is taken over', async () => {
    const queue = join(dir, 'q');
    const held = await openQueueDirectory(queue, { fsync: false, lockTimeoutMs: 0 });
    await expect(openQueueDirectory(queue, { fsync: false, lockTimeoutMs: 100 })).rejects.toThrow(/is in use/);
    held.store.close();
    // a lock left by a process that is gone (a kill -9): pid 2^22 + 1 is above Linux's pid_max limit
    await writeFile(join(queue, 'lock'), `${2 ** 22 + 1}\n`);
    const taken = await openQueueDirectory(queue, { fsync: false, lockTimeoutMs: 0 });
    taken.store.close();
  });
});

describe('QueuedSender with storage', () => {
  function sender(queue: string, send: (batch: string[]) => Promise<void>) {
    const metrics = new SelfMetrics();
    const logger = memoryLogger();
    const queued = new QueuedSender<string>({
      exporter: 'test',
      unit: 'log_records',
      queue: { enabled: true, numConsumers: 1, queueSize: 100 },
      retry: {
        enabled: true,
        initialIntervalMs: 10,
        maxIntervalMs: 20,
        maxElapsedMs: 0,
        multiplier: 1.5,
        randomizationFactor: 0,
      },
      timeoutMs: 1_000,
      shutdownTimeoutMs: 200,
      send: (batch) => send(batch),
      persistence: {
        open: () => openQueueDirectory(queue, { fsync: false, lockTimeoutMs: 0 }),
        ...jsonCodec<string>(),
      },
      logger,
      metrics,
    });
    return { queued, logger, metrics };
  }

  it('keeps what the deadline cut short, and the next start sends it first, once', async () => {
    const queue = join(dir, 'q');
    const down = sender(queue, () => Promise.reject(new Error('backend down')));
    await down.queued.start();
    down.queued.enqueue(['a', 'b']);
    down.queued.enqueue(['c']);
    await down.queued.shutdown();
    expect(down.logger.lines.some((line) => /kept 2 request\(s\) \(3 log_records\)/.test(line))).toBe(true);
    expect(down.metrics.series(/^otelcol_exporter_dropped_/).every((series) => series.value === 0)).toBe(true);

    const delivered: string[][] = [];
    const up = sender(queue, async (batch) => void delivered.push(batch));
    await up.queued.start();
    up.queued.enqueue(['d']);
    await eventually(
      () => delivered.length,
      (count) => count === 3,
    );
    await up.queued.shutdown();
    expect(delivered).toEqual([['a', 'b'], ['c'], ['d']]);
    expect((await readdir(queue)).filter((name) => name.endsWith('.req'))).toEqual([]);
  });
});

describe('file_storage client names', () => {
  it('are kind_type_name_signal with unsafe characters as ~ and their code point', () => {
    expect(clientName('otlphttp', 'metrics')).toBe('exporter_otlphttp__metrics');
    expect(clientName('otlphttp/amp west', 'logs')).toBe('exporter_otlphttp_amp~0020west_logs');
    expect(clientName('awsxray/a/b~', 'traces')).toBe('exporter_awsxray_a~002Fb~007E_traces');
  });
});

describe('sending_queue keys', () => {
  it('sizer and storage as exporterhelper reads them; awsxray refuses what it cannot keep or weigh', () => {
    const queue = (raw: Record<string, unknown>) =>
      readSenderSettings(new Settings({ sending_queue: raw }, 'exporters.otlphttp')).queue;
    expect(queue({})).toMatchObject({ sizer: 'requests', queueSize: 1000, numConsumers: 10 });
    expect(queue({ sizer: 'bytes', queue_size: 5_000_000, storage: 'file_storage' })).toMatchObject({
      sizer: 'bytes',
      queueSize: 5_000_000,
      storage: 'file_storage',
    });
    expect(() => queue({ sizer: 'megabytes' })).toThrow(/invalid sizer: "megabytes"/);
    const xray = (raw: Record<string, unknown>) => () =>
      readAwsXRayExporterSettings(new Settings({ region: 'us-east-1', sending_queue: raw }, 'exporters.awsxray'));
    expect(xray({ storage: 'file_storage' })).toThrow(/not supported by the bundled runtime for awsxray/);
    expect(xray({ sizer: 'bytes' })).toThrow(/sizer bytes is not supported/);
    expect(xray({ sizer: 'items' })).not.toThrow();
  });

  it('file_storage reads its keys with the extension defaults and checks the compaction ones', () => {
    const read = (raw: Record<string, unknown>) =>
      readFileStorageSettings(new Settings(raw, 'extensions.file_storage'));
    expect(read({})).toMatchObject({
      directory: '/var/lib/otelcol/file_storage',
      timeoutMs: 1_000,
      fsync: false,
      createDirectory: false,
    });
    expect(() => read({ compaction: { max_transaction_size: -1 } })).toThrow(/cannot be less than 0/);
    expect(() => read({ compaction: { on_rebound: true, check_interval: '0s' } })).toThrow(/must be positive/);
    expect(() => read({ bogus: 1 })).toThrow(/bogus/);
  });
});
