import { appendFile, mkdir, mkdtemp, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Settings, SettingsError } from '../../src/collector/config/settings.js';
import type { LogItem } from '../../src/collector/model.js';
import { FileMatcher, globToRegExp } from '../../src/collector/receivers/filelog/glob.js';
import { FileLogReceiver, readFileLogSettings } from '../../src/collector/receivers/filelog/receiver.js';
import { Tailer } from '../../src/collector/receivers/filelog/tailer.js';
import { timeParser } from '../../src/collector/receivers/filelog/time-layout.js';
import { attributesToJson, anyValueToJson } from '../../src/collector/translate/any-value.js';
import { componentContext } from '../helpers/collector-context.js';
import { eventually } from '../helpers/eventually.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'adot-filelog-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tailerSettings = { startAtBeginning: false, fingerprintSize: 1000, maxLogSize: 1024 * 1024, forceFlushMs: 500 };

async function lines(tailer: Tailer, paths: string[]): Promise<string[]> {
  const read = await tailer.poll(paths);
  for (const file of read) file.commit();
  return read.flatMap((file) => file.lines);
}

describe('following files', () => {
  it('start_at end: lines already there at the first poll are skipped, appended lines are read once', async () => {
    const file = join(dir, 'app.log');
    await writeFile(file, 'old 1\nold 2\n');
    const tailer = new Tailer(tailerSettings);
    expect(await lines(tailer, [file])).toEqual([]);
    await appendFile(file, 'new 1\nnew 2\n');
    expect(await lines(tailer, [file])).toEqual(['new 1', 'new 2']);
    expect(await lines(tailer, [file])).toEqual([]);
  });

  it('start_at beginning reads what is there; a file appearing later is read from its start either way', async () => {
    const first = join(dir, 'a.log');
    await writeFile(first, 'a1\na2\n');
    const tailer = new Tailer({ ...tailerSettings, startAtBeginning: false });
    expect(await lines(tailer, [first])).toEqual([]);
    const later = join(dir, 'b.log');
    await writeFile(later, 'b1\n');
    expect(await lines(tailer, [first, later])).toEqual(['b1']);
    const beginning = new Tailer({ ...tailerSettings, startAtBeginning: true });
    expect(await lines(beginning, [first])).toEqual(['a1', 'a2']);
  });

  it('holds a line without its newline until force_flush_period passes, skips empty lines, cuts long ones', async () => {
    const file = join(dir, 'app.log');
    let now = 0;
    const tailer = new Tailer({ ...tailerSettings, startAtBeginning: true, maxLogSize: 8 }, () => now);
    await writeFile(file, 'one\n\r\ntwo\r\nabcdefghijkl\npart');
    expect(await lines(tailer, [file])).toEqual(['one', 'two', 'abcdefgh', 'ijkl']);
    now += 100;
    expect(await lines(tailer, [file])).toEqual([]);
    now += 500;
    expect(await lines(tailer, [file])).toEqual(['part']);
  });

  it('reads a truncated file again from its start, and follows a renamed file by its fingerprint', async () => {
    const file = join(dir, 'app.log');
    await writeFile(file, 'first line of the file\n');
    const tailer = new Tailer({ ...tailerSettings, startAtBeginning: true });
    expect(await lines(tailer, [file])).toEqual(['first line of the file']);
    const rotated = join(dir, 'app.log.1');
    await rename(file, rotated);
    await appendFile(rotated, 'after rotation\n');
    await writeFile(file, 'a new file\n');
    expect(await lines(tailer, [rotated, file])).toEqual(['after rotation', 'a new file']);
    await truncate(file, 0);
    await writeFile(file, 'x\n');
    expect(await lines(tailer, [rotated, file])).toEqual(['x']);
  });

  it('a read not committed (the pipeline refused it) is read again', async () => {
    const file = join(dir, 'app.log');
    const tailer = new Tailer({ ...tailerSettings, startAtBeginning: true });
    await writeFile(file, 'l1\n');
    const refused = await tailer.poll([file]);
    expect(refused.flatMap((read) => read.lines)).toEqual(['l1']);
    expect(await lines(tailer, [file])).toEqual(['l1']);
  });
});

describe('include and exclude', () => {
  it('matches doublestar patterns', async () => {
    expect(globToRegExp('/var/log/pods/*/*/*.log').test('/var/log/pods/ns_pod_uid/app/0.log')).toBe(true);
    expect(globToRegExp('/var/log/pods/*/*/*.log').test('/var/log/pods/ns_pod_uid/app/x/0.log')).toBe(false);
    expect(globToRegExp('/var/log/**/*.log').test('/var/log/a/b/c.log')).toBe(true);
    expect(globToRegExp('/var/log/{a,b}/[!x]?.log').test('/var/log/b/yz.log')).toBe(true);
    await mkdir(join(dir, 'pods', 'shop_cart-1_0a', 'app'), { recursive: true });
    await mkdir(join(dir, 'pods', 'kube-system_coredns-1_0b', 'coredns'), { recursive: true });
    await writeFile(join(dir, 'pods', 'shop_cart-1_0a', 'app', '0.log'), '');
    await writeFile(join(dir, 'pods', 'kube-system_coredns-1_0b', 'coredns', '0.log'), '');
    const matcher = new FileMatcher([`${dir}/pods/*/*/*.log`], [`${dir}/pods/kube-system_*/*/*.log`]);
    expect(await matcher.files()).toEqual([join(dir, 'pods', 'shop_cart-1_0a', 'app', '0.log')]);
  });
});

describe('filelog settings and operators', () => {
  const read = (raw: Record<string, unknown>) =>
    readFileLogSettings(new Settings(raw, 'receivers.filelog'), () => undefined);
  const failure = (raw: Record<string, unknown>) => {
    try {
      read(raw);
      return 'accepted';
    } catch (error) {
      return `${(error as SettingsError).path}: ${(error as Error).message}`;
    }
  };

  it('refuses what it does not do, by name', () => {
    expect(failure({})).toBe("receivers.filelog.include: 'include' must be specified");
    expect(failure({ include: ['/x'], start_at: 'middle' })).toBe(
      "receivers.filelog.start_at: invalid start_at location 'middle'",
    );
    expect(failure({ include: ['/x'], storage: 'file_storage' })).toMatch(/storage.*not supported by the bundled/);
    expect(failure({ include: ['/x'], operators: [{ type: 'router', routes: [] }] })).toBe(
      'receivers.filelog.operators[0].type: the operator type "router" is not supported by the bundled collector runtime',
    );
    expect(failure({ include: ['/x'], operators: [{ type: 'regex_parser', regex: '(' }] })).toMatch(
      /^receivers.filelog.operators\[0\].regex: invalid regex/,
    );
    expect(
      failure({ include: ['/x'], operators: [{ type: 'move', from: 'body', to: 'attributes.x', output: 'y' }] }),
    ).toMatch(/operators\[0\].output: "output" is not supported/);
    expect(failure({ include: ['/x'], operators: [{ type: 'container', format: 'podman' }] })).toBe(
      'receivers.filelog.operators[0].format: operator config has an invalid `format` field.',
    );
  });

  it('parses time layouts as stanza does: strptime, gotime, epoch', () => {
    expect(timeParser('strptime', '%Y-%m-%d %H:%M:%S.%L %z').parse('2024-05-01 10:00:00.250 +0200')).toBe(
      String(Date.UTC(2024, 4, 1, 8, 0, 0, 250) * 1e6),
    );
    expect(timeParser('gotime', '2006-01-02T15:04:05.999999999Z07:00').parse('2024-05-01T10:00:00.123456789Z')).toBe(
      '1714557600123456789',
    );
    expect(timeParser('strptime', '%d/%b/%Y:%H:%M:%S').parse('01/May/2024:10:00:00')).toBe(
      String(Date.UTC(2024, 4, 1, 10) * 1e6),
    );
    expect(timeParser('epoch', 's.ms').parse('1714557600.5')).toBe('1714557600500000000');
    expect(() => timeParser('gotime', '2006-01-02').parse('May 1')).toThrow('does not match');
  });
});

describe('filelog receiver', () => {
  let receiver: FileLogReceiver | undefined;
  afterEach(async () => {
    await receiver?.shutdown();
    receiver = undefined;
  });

  async function start(raw: Record<string, unknown>): Promise<LogItem[]> {
    const items: LogItem[] = [];
    const context = componentContext('filelog', 'receivers');
    receiver = new FileLogReceiver(
      context,
      readFileLogSettings(new Settings({ poll_interval: '20ms', ...raw }, 'receivers.filelog'), (message) =>
        context.logger.warn(message),
      ),
      { consume: (batch) => items.push(...batch) },
    );
    await receiver.start();
    return items;
  }

  const view = (item: LogItem) => ({
    body: anyValueToJson(item.record.body),
    attributes: attributesToJson(item.record.attributes),
    resource: attributesToJson(item.resource.attributes),
    time: item.record.timeUnixNano,
    severity: [item.record.severityNumber, item.record.severityText],
  });

  it('reads container logs of /var/log/pods with the container operator: docker and CRI lines, partial lines joined', async () => {
    const pod = join(dir, 'pods', 'shop_cart-7d9f_0f0e2b7a-1111-2222-3333-444455556666', 'app');
    await mkdir(pod, { recursive: true });
    const file = join(pod, '0.log');
    await writeFile(file, '');
    const items = await start({
      include: [`${dir}/pods/*/*/*.log`],
      include_file_path: true,
      operators: [{ type: 'container', id: 'container-parser' }],
    });
    await appendFile(
      file,
      [
        '2024-05-01T10:00:00.100000000Z stdout P first half, ',
        '2024-05-01T10:00:00.200000000Z stdout F second half',
        '{"log":"from docker\\n","stream":"stderr","time":"2024-05-01T10:00:01.5Z"}',
        '',
      ].join('\n'),
    );
    await eventually(
      () => items.length,
      (count) => count === 2,
    );
    expect(items.map(view)).toEqual([
      {
        body: 'first half, second half',
        attributes: { 'log.file.name': '0.log', 'log.file.path': file, 'log.iostream': 'stdout', logtag: 'P' },
        resource: {
          'k8s.container.name': 'app',
          'k8s.namespace.name': 'shop',
          'k8s.pod.name': 'cart-7d9f',
          'k8s.container.restart_count': '0',
          'k8s.pod.uid': '0f0e2b7a-1111-2222-3333-444455556666',
        },
        time: '1714557600100000000',
        severity: [undefined, undefined],
      },
      {
        body: 'from docker\n',
        attributes: { 'log.file.name': '0.log', 'log.file.path': file, 'log.iostream': 'stderr' },
        resource: {
          'k8s.container.name': 'app',
          'k8s.namespace.name': 'shop',
          'k8s.pod.name': 'cart-7d9f',
          'k8s.container.restart_count': '0',
          'k8s.pod.uid': '0f0e2b7a-1111-2222-3333-444455556666',
        },
        time: '1714557601500000000',
        severity: [undefined, undefined],
      },
    ]);
  });

  it('regex_parser with timestamp and severity, then move, add and remove', async () => {
    const file = join(dir, 'app.log');
    await writeFile(file, '2024-05-01 10:00:00 ERROR cart: payment declined\nnot matching\n');
    const items = await start({
      include: [file],
      start_at: 'beginning',
      include_file_name: false,
      attributes: { team: 'shop' },
      operators: [
        {
          type: 'regex_parser',
          regex: '^(?P<time>\\S+ \\S+) (?P<level>\\w+) (?P<logger>\\w+): (?P<message>.*)$',
          timestamp: { parse_from: 'attributes.time', layout: '%Y-%m-%d %H:%M:%S' },
          severity: { parse_from: 'attributes.level' },
          on_error: 'send_quiet',
        },
        { type: 'move', from: 'attributes.message', to: 'body' },
        { type: 'add', field: 'resource["service.name"]', value: 'cart' },
        { type: 'remove', field: 'attributes.time' },
      ],
    });
    await eventually(
      () => items.length,
      (count) => count === 2,
    );
    expect(view(items[0] as LogItem)).toEqual({
      body: 'payment declined',
      attributes: { team: 'shop', level: 'ERROR', logger: 'cart' },
      resource: { 'service.name': 'cart' },
      time: String(Date.UTC(2024, 4, 1, 10) * 1e6),
      severity: [17, 'ERROR'],
    });
    expect(view(items[1] as LogItem)).toMatchObject({ body: 'not matching', resource: { 'service.name': 'cart' } });
  });
});
