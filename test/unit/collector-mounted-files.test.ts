import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Settings } from '../../src/collector/config/settings.js';
import { FileStorageExtension, readFileStorageSettings } from '../../src/collector/extensions/file-storage.js';
import { FileAccessError } from '../../src/collector/runtime/files.js';
import { mountedFiles } from '../../src/collector/runtime/mounted-files.js';
import { FileMatcher } from '../../src/collector/receivers/filelog/glob.js';
import { NodeFilesystems } from '../../src/sandbox/pods/node-files.js';
import { componentContext } from '../helpers/collector-context.js';

let dir: string;
/** a node's /var/log/pods, mounted read-only; a secret of the machine beside it */
let pods: string;
let secret: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'adot-mounted-'));
  pods = join(dir, 'node', 'var', 'log', 'pods');
  mkdirSync(join(pods, 'shop_cart_1', 'app'), { recursive: true });
  writeFileSync(join(pods, 'shop_cart_1', 'app', '0.log'), 'from the node\n');
  secret = join(dir, 'machine-secret');
  writeFileSync(secret, 'the machine\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const view = () => mountedFiles([{ path: '/var/log/pods', source: pods, readOnly: true }]);

async function refusal(promise: Promise<unknown>): Promise<FileAccessError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(FileAccessError);
  return error as FileAccessError;
}

describe("a collector's view of files through its pod's mounts", () => {
  it('reads a mounted file by its path in the pod, where the mount keeps it on this machine', async () => {
    const files = view();
    expect((await files.readFile('/var/log/pods/shop_cart_1/app/0.log')).toString()).toBe('from the node\n');
    expect(await files.resolve('/var/log/pods/shop_cart_1/app/0.log')).toBe(join(pods, 'shop_cart_1', 'app', '0.log'));
  });

  it('refuses a path outside the mounts, as a container gets ENOENT, saying what the pod mounts', async () => {
    const error = await refusal(view().readFile(secret));
    expect(error.code).toBe('ENOENT');
    expect(error.message).toBe(
      `open ${secret}: no such file or directory (the sandbox's collectors see only their pod's volume mounts: /var/log/pods)`,
    );
    await refusal(view().readFile('/etc/passwd'));
  });

  it('`..` climbs the view, never above its root, so it cannot reach the machine beside the mount', async () => {
    const files = view();
    // on this machine, pods/../../../../machine-secret is the secret
    const escape = '/var/log/pods/../../../../machine-secret';
    expect((await refusal(files.readFile(escape))).code).toBe('ENOENT');
    expect((await refusal(files.readFile('/var/log/pods/../../../../../../../../..' + secret))).code).toBe('ENOENT');
    // climbing back into the mount is fine
    expect((await files.readFile('/var/log/pods/shop_cart_1/../shop_cart_1/app/0.log')).toString()).toBe(
      'from the node\n',
    );
  });

  it('follows links inside the view only: an absolute target starts from the pod’s root, a relative one cannot climb out', async () => {
    symlinkSync(secret, join(pods, 'absolute.log'));
    symlinkSync('../../../../machine-secret', join(pods, 'relative.log'));
    symlinkSync('shop_cart_1/app/0.log', join(pods, 'inside.log'));
    symlinkSync('/var/log/pods/shop_cart_1/app/0.log', join(pods, 'absolute-inside.log'));
    const files = view();
    expect((await refusal(files.readFile('/var/log/pods/absolute.log'))).code).toBe('ENOENT');
    expect((await refusal(files.readFile('/var/log/pods/relative.log'))).code).toBe('ENOENT');
    expect((await files.readFile('/var/log/pods/inside.log')).toString()).toBe('from the node\n');
    expect((await files.readFile('/var/log/pods/absolute-inside.log')).toString()).toBe('from the node\n');
    expect(await files.realpath('/var/log/pods/inside.log')).toBe('/var/log/pods/shop_cart_1/app/0.log');
    // a listing leaves out the links that lead nowhere the pod can see
    expect((await files.list('/var/log/pods')).map((entry) => entry.name).sort()).toEqual([
      'absolute-inside.log',
      'inside.log',
      'shop_cart_1',
    ]);
  });

  it('a link loop ends with ELOOP', async () => {
    symlinkSync('b', join(pods, 'a'));
    symlinkSync('a', join(pods, 'b'));
    expect((await refusal(view().readFile('/var/log/pods/a'))).code).toBe('ELOOP');
  });

  it('a directory above a mount lists the mount points; nothing else is there', async () => {
    const files = view();
    expect(await files.list('/var/log')).toEqual([{ name: 'pods', kind: 'directory' }]);
    expect(await files.list('/')).toEqual([{ name: 'var', kind: 'directory' }]);
    expect((await refusal(files.list('/etc'))).code).toBe('ENOENT');
  });

  it('writes only into a writable mount', async () => {
    const out = join(dir, 'out');
    mkdirSync(out);
    const files = mountedFiles([
      { path: '/var/log/pods', source: pods, readOnly: true },
      { path: '/data', source: out, readOnly: false },
    ]);
    expect(await files.resolve('/data/export.json', 'write')).toBe(join(out, 'export.json'));
    expect((await refusal(files.resolve('/var/log/pods/new.log', 'write'))).code).toBe('EROFS');
    expect((await refusal(files.resolve('/tmp/export.json', 'write'))).code).toBe('ENOENT');
  });

  it('a pod without mounts sees nothing at all', async () => {
    const error = await refusal(mountedFiles([]).readFile(secret));
    expect(error.message).toContain('the pod mounts no volume the sandbox can show its collector');
  });

  it("filelog's include finds the node's files by their path in the pod, and says why a pattern outside the mounts finds none", async () => {
    const files = view();
    const matcher = new FileMatcher(['/var/log/pods/*/*/*.log', `${dir}/*`], [], files);
    const unreachable: string[] = [];
    expect(await matcher.files((pattern, problem) => unreachable.push(`${pattern}: ${problem.code}`))).toEqual([
      '/var/log/pods/shop_cart_1/app/0.log',
    ]);
    expect(unreachable).toEqual([`${dir}/*: ENOENT`]);
  });
});

describe("a node's filesystem", () => {
  it('keeps a hostPath inside the node root: `..` stops at the root, a link out of it is refused', () => {
    const nodes = new NodeFilesystems(join(dir, 'nodes'));
    const root = nodes.root('ip-10-0-0-1.ec2.internal');
    const logs = nodes.hostPath('ip-10-0-0-1.ec2.internal', '/var/log/pods');
    expect(logs).toEqual({ source: join(root, 'var', 'log', 'pods'), kind: 'directory' });
    expect(nodes.hostPath('ip-10-0-0-1.ec2.internal', '/../../../etc')).toEqual({
      source: join(root, 'etc'),
      kind: 'directory',
    });
    symlinkSync(dir, join(root, 'escape'));
    expect(nodes.hostPath('ip-10-0-0-1.ec2.internal', '/escape/machine-secret', 'File')).toEqual({
      error: "hostPath /escape/machine-secret leaves the node's filesystem",
    });
    expect(nodes.hostPath('ip-10-0-0-1.ec2.internal', '/escape/new-dir')).toEqual({
      error: "hostPath /escape/new-dir leaves the node's filesystem",
    });
    expect(nodes.hostPath('ip-10-0-0-1.ec2.internal', '/run/docker.sock', 'Socket')).toEqual({
      error: "hostPath type Socket is not available on the sandbox's nodes",
    });
    expect(() => nodes.root('../elsewhere')).toThrow(/cannot name a node's directory/);
  });
});

describe("a sandbox collector's persistent queue stays in its pod's writable mounts", () => {
  function fileStorage(directory: string, files: ReturnType<typeof mountedFiles>): FileStorageExtension {
    const settings = readFileStorageSettings(
      new Settings({ directory, create_directory: true }, 'extensions.file_storage'),
    );
    return new FileStorageExtension({ ...componentContext('file_storage', 'extensions'), files }, settings);
  }

  it('file_storage: a directory outside the mounts fails the start and creates nothing on this machine', async () => {
    const outside = join(dir, 'planted-queue');
    const extension = fileStorage(outside, view());
    await expect(extension.start()).rejects.toThrow(
      /problem accessing configured directory: .*no such file or directory/,
    );
    expect(existsSync(outside)).toBe(false);
    const readOnly = fileStorage('/var/log/pods/queue', view());
    await expect(readOnly.start()).rejects.toThrow(/read-only file system/);
  });

  it('file_storage: a directory in a writable mount holds the queues, on the mount', async () => {
    const out = join(dir, 'out');
    mkdirSync(out);
    const files = mountedFiles([{ path: '/var/lib/otelcol', source: out, readOnly: false }]);
    const extension = fileStorage('/var/lib/otelcol/file_storage', files);
    await extension.start();
    const opened = await extension.storage.openQueue('otlphttp', 'metrics');
    opened.store.close();
    expect(existsSync(join(out, 'file_storage', 'exporter_otlphttp__metrics'))).toBe(true);
  });
});
