import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { containerOperator } from '../../src/collector/receivers/filelog/container-operator.js';
import type { Entry } from '../../src/collector/receivers/filelog/entry.js';
import { combinedLogLine } from '../../src/sandbox/demo-workload/server.js';
import { podLog } from '../../src/sandbox/kube/pod-log.js';
import { KubeApiError } from '../../src/sandbox/kube/status.js';
import { ContainerLog, criLines, PodLogs, rfc3339Nano } from '../../src/sandbox/pods/container-logs.js';
import { NodeFilesystems } from '../../src/sandbox/pods/node-files.js';
import type { KubeObject } from '../../src/sandbox/types.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'adot-pod-logs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const POD = { namespace: 'shop', name: 'cart-1', uid: '0f1e2d3c-aaaa-bbbb-cccc-111122223333', nodeName: 'ip-1' };
const AT = new Date('2026-05-01T10:00:00.120Z');

describe('pod logs as the kubelet and containerd write them', () => {
  it('Go RFC3339Nano times: trailing zeros of the fraction dropped, none when zero', () => {
    expect(rfc3339Nano(AT)).toBe('2026-05-01T10:00:00.12Z');
    expect(rfc3339Nano(new Date('2026-05-01T10:00:00.000Z'))).toBe('2026-05-01T10:00:00Z');
  });

  it('one CRI line per line; a line over 16 KiB in pieces tagged P, the last F', () => {
    expect(criLines('stdout', 'GET /metrics 200\nsecond\n', AT).toString()).toBe(
      '2026-05-01T10:00:00.12Z stdout F GET /metrics 200\n2026-05-01T10:00:00.12Z stdout F second\n',
    );
    const long = 'x'.repeat(16 * 1024 * 2 + 5);
    const lines = criLines('stderr', long, AT).toString().split('\n').slice(0, -1);
    expect(lines.map((line) => line.split(' ')[2])).toEqual(['P', 'P', 'F']);
    expect(lines.map((line) => line.split(' ')[3]?.length)).toEqual([16384, 16384, 5]);
  });

  it('at /var/log/pods/<namespace>_<pod>_<uid>/<container>/0.log in the node root, which the filelog container parser reads back', () => {
    const logs = new PodLogs(new NodeFilesystems(join(dir, 'nodes')));
    logs.started(POD, ['app']);
    logs.writer(POD, 'app').write('stdout', 'card accepted');
    const file = logs.file(POD, 'app');
    expect(file).toBe(join(dir, 'nodes', 'ip-1', 'var', 'log', 'pods', `shop_cart-1_${POD.uid}`, 'app', '0.log'));
    const line = readFileSync(file, 'utf8').trimEnd();
    const out: Entry[] = [];
    const operator = containerOperator({
      format: '',
      addMetadataFromFilePath: true,
      parseFrom: { root: 'body', path: [], text: 'body' },
      onError: 'send',
      log: () => undefined,
    });
    operator.process(
      {
        body: line,
        attributes: { 'log.file.path': `/var/log/pods/shop_cart-1_${POD.uid}/app/0.log` },
        resource: {},
        observedTimestamp: '0',
      },
      (entry) => out.push(entry),
    );
    expect(out[0]?.body).toBe('card accepted');
    expect(out[0]?.attributes['log.iostream']).toBe('stdout');
    expect(out[0]?.resource).toEqual({
      'k8s.container.name': 'app',
      'k8s.container.restart_count': '0',
      'k8s.namespace.name': 'shop',
      'k8s.pod.name': 'cart-1',
      'k8s.pod.uid': POD.uid,
    });
    logs.remove(POD);
    expect(existsSync(dirname(dirname(file)))).toBe(false);
    // what a removed pod still prints goes nowhere
    logs.writer(POD, 'app').write('stdout', 'late');
    expect(existsSync(file)).toBe(false);
  });

  it('rotates at the size limit to 0.log.<YYYYMMDD-hhmmss>, keeping the newest rotated file', () => {
    const logs = new PodLogs(new NodeFilesystems(join(dir, 'nodes')));
    logs.started(POD, ['app']);
    const file = logs.file(POD, 'app');
    let now = new Date('2026-05-01T10:00:00Z');
    const log = new ContainerLog(file, { maxFileBytes: 100, rotatedFiles: 1 }, () => now);
    log.write('stdout', 'a'.repeat(120));
    now = new Date('2026-05-01T10:00:01Z');
    log.write('stdout', 'second');
    now = new Date('2026-05-01T10:00:02Z');
    log.write('stdout', 'b'.repeat(120));
    now = new Date('2026-05-01T10:00:03Z');
    log.write('stdout', 'fourth');
    expect(readdirSync(dirname(file)).sort()).toEqual(['0.log', '0.log.20260501-100003']);
    expect(readFileSync(file, 'utf8')).toBe('2026-05-01T10:00:03Z stdout F fourth\n');
  });

  it('an access log line in the Combined Log Format', () => {
    expect(
      combinedLogLine({
        remoteAddress: '127.0.0.1',
        method: 'GET',
        url: '/metrics',
        httpVersion: '1.1',
        status: 200,
        bytes: 2326,
        userAgent: 'Prometheus/2.53.0',
        time: new Date('2026-05-01T10:00:00Z'),
      }),
    ).toBe('127.0.0.1 - - [01/May/2026:10:00:00 +0000] "GET /metrics HTTP/1.1" 200 2326 "-" "Prometheus/2.53.0"');
  });
});

describe('pods/log, as the API server and the kubelet answer it', () => {
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'cart-1', namespace: 'shop', uid: POD.uid },
    spec: { nodeName: 'ip-1', containers: [{ name: 'app' }] },
  };
  const file =
    '2026-05-01T10:00:00.12Z stdout F first\n' +
    '2026-05-01T10:00:01Z stderr P par\n' +
    '2026-05-01T10:00:01Z stderr F tial\n' +
    '2026-05-01T10:00:02.5Z stdout F third\n';
  const source = { read: (_pod: KubeObject, container: string) => (container === 'app' ? file : undefined) };
  const now = new Date('2026-05-01T10:00:03Z');
  const log = (query: string, target = pod) => podLog(target, new URLSearchParams(query), source, now);
  const failure = (query: string, target = pod): KubeApiError => {
    try {
      log(query, target);
    } catch (error) {
      expect(error).toBeInstanceOf(KubeApiError);
      return error as KubeApiError;
    }
    throw new Error('expected a refusal');
  };

  it('prints the lines, partial ones joined; tailLines counts file lines; timestamps in RFC3339NanoFixed', () => {
    expect(log('')).toBe('first\npartial\nthird\n');
    expect(log('tailLines=1')).toBe('third\n');
    expect(log('tailLines=0')).toBe('');
    expect(log('timestamps=true&tailLines=1')).toBe('2026-05-01T10:00:02.500000000Z third\n');
    expect(log('sinceSeconds=2')).toBe('partial\nthird\n');
    expect(log('sinceTime=2026-05-01T10:00:02Z')).toBe('third\n');
    expect(log('limitBytes=8')).toBe('first\npa');
    expect(log('container=app&follow=true')).toBe('first\npartial\nthird\n');
  });

  it('refuses as they do: options, a container the pod does not have, a previous container, one waiting to start', () => {
    expect(failure('tailLines=-1')).toMatchObject({
      code: 422,
      message: 'PodLogOptions "cart-1" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0',
    });
    expect(failure('sinceSeconds=1&sinceTime=2026-05-01T10:00:02Z').code).toBe(422);
    expect(failure('container=web')).toMatchObject({ code: 400, message: 'container web is not valid for pod cart-1' });
    expect(failure('previous=true')).toMatchObject({
      code: 400,
      message: 'previous terminated container "app" in pod "cart-1" not found',
    });
    const two = { ...pod, spec: { nodeName: 'ip-1', containers: [{ name: 'app' }, { name: 'proxy' }] } };
    expect(failure('', two).message).toBe(
      'a container name must be specified for pod cart-1, choose one of: [app proxy]',
    );
    // a container the sandbox does not run (an emulated workload's): one line saying it has no log, no invented ones
    expect(log('container=proxy', two)).toMatch(
      /^adot sandbox: container "proxy" of pod \S+\/cart-1 is emulated, not run: the sandbox has no log of it/,
    );
    expect(log('container=proxy', two).split('\n')).toHaveLength(2);
    const waiting = {
      ...pod,
      status: { containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ContainerCreating' } } }] },
    };
    expect(failure('', waiting)).toMatchObject({
      code: 400,
      message: 'container "app" in pod "cart-1" is waiting to start: ContainerCreating',
    });
    // a pod on no node has no logs yet
    expect(log('', { ...pod, spec: { containers: [{ name: 'app' }] } })).toBe('');
  });
});
