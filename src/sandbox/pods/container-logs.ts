/**
 * Pod logs as the kubelet and containerd keep them on a node, written into the node's root (node-files.ts):
 * - where: `/var/log/pods/<namespace>_<pod>_<uid>/<container>/<restart count>.log` (the kubelet's
 *   BuildContainerLogsDirectory and buildContainerLogsPath, pkg/kubelet/kuberuntime/helpers.go); the sandbox's
 *   containers never restart, so it is always `0.log`;
 * - what: one line per line of output in the CRI logging format, `<time> <stream> <tag> <content>` (containerd's
 *   CRI logger, internal/cri/io/logger.go): the time in Go's RFC3339Nano (trailing zeros of the fraction dropped; the
 *   sandbox's clock has milliseconds), `stdout` or `stderr`, `F` for a full line, or `P` for each piece of a line
 *   longer than containerd's max_container_log_line_size (16 KiB by default) but the last;
 * - rotation, as the kubelet's container log manager does it (pkg/kubelet/logs/container_log_manager.go): once
 *   `0.log` has reached the size limit it is renamed `0.log.<YYYYMMDD-hhmmss>` and a new one begun. The sandbox's
 *   limit is the kubelet's default containerLogMaxSize, 10 MiB, and it keeps the newest rotated file only (the
 *   kubelet keeps containerLogMaxFiles 5 and gzips all rotated files but the newest): at most ~20 MiB a container.
 * A pod's directory is made when its containers start and removed with the pod, as the kubelet removes a deleted
 * pod's logs; lines written after that are dropped.
 */
import { appendFileSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { NodeFilesystems } from './node-files.js';

export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
  nodeName: string;
}

export type LogStream = 'stdout' | 'stderr';

export const POD_LOGS_ROOT = '/var/log/pods';
/** containerd's default max_container_log_line_size */
export const MAX_LINE_BYTES = 16 * 1024;

export interface LogLimits {
  /** the size at which 0.log is rotated (the kubelet's containerLogMaxSize default, 10Mi) */
  maxFileBytes: number;
  /** rotated files kept besides 0.log */
  rotatedFiles: number;
}

export const DEFAULT_LOG_LIMITS: LogLimits = { maxFileBytes: 10 * 1024 * 1024, rotatedFiles: 1 };

/** `<namespace>_<pod>_<uid>`, the pod's directory under /var/log/pods */
export function podLogDirectoryName(pod: Pick<PodRef, 'namespace' | 'name' | 'uid'>): string {
  return `${pod.namespace}_${pod.name}_${pod.uid}`;
}

/** Go's time.RFC3339Nano in UTC: the fraction without trailing zeros, none when it is zero. */
export function rfc3339Nano(date: Date): string {
  const iso = date.toISOString();
  const [seconds = '', fraction = ''] = iso.slice(0, -1).split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return `${seconds}${trimmed === '' ? '' : `.${trimmed}`}Z`;
}

/** The CRI lines of one write of output: a line per newline-ended line, long ones in pieces (P … F). */
export function criLines(stream: LogStream, text: string, time: Date, maxLineBytes = MAX_LINE_BYTES): Buffer {
  const header = (tag: 'P' | 'F') => Buffer.from(`${rfc3339Nano(time)} ${stream} ${tag} `, 'utf8');
  const newline = Buffer.from('\n');
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const parts: Buffer[] = [];
  for (const line of lines) {
    // cut at byte counts, as containerd cuts what the container wrote
    const bytes = Buffer.from(line, 'utf8');
    for (let start = 0; start + maxLineBytes < bytes.length; start += maxLineBytes) {
      parts.push(header('P'), bytes.subarray(start, start + maxLineBytes), newline);
    }
    const last = bytes.length === 0 ? 0 : Math.floor((bytes.length - 1) / maxLineBytes) * maxLineBytes;
    parts.push(header('F'), bytes.subarray(last), newline);
  }
  return Buffer.concat(parts);
}

/** One container's log file on its node, written as containerd writes it. */
export class ContainerLog {
  private size: number;

  constructor(
    readonly file: string,
    private readonly limits: LogLimits = DEFAULT_LOG_LIMITS,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  }

  /** appends `text` (one or more lines) as the container printed it on `stream` */
  write(stream: LogStream, text: string): void {
    const time = this.now();
    const lines = criLines(stream, text, time);
    try {
      if (this.size >= this.limits.maxFileBytes) this.rotate(time);
      appendFileSync(this.file, lines, { mode: 0o640 });
      this.size += lines.length;
    } catch {
      // the pod is gone (its directory with it): what it still prints goes nowhere
    }
  }

  private rotate(time: Date): void {
    const stamp = time.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    renameSync(this.file, `${this.file}.${stamp}`);
    this.size = 0;
    const base = basename(this.file);
    const directory = dirname(this.file);
    const rotated = readdirSync(directory)
      .filter((name) => name.startsWith(`${base}.`))
      .sort();
    for (const name of rotated.slice(0, Math.max(0, rotated.length - this.limits.rotatedFiles))) {
      rmSync(join(directory, name), { force: true });
    }
  }
}

/** The pod logs of one cluster's nodes. */
export class PodLogs {
  constructor(
    private readonly nodes: NodeFilesystems,
    private readonly limits: LogLimits = DEFAULT_LOG_LIMITS,
  ) {}

  /** where a container's current log file is on this machine */
  file(pod: PodRef, container: string): string {
    return this.nodes.pathOn(pod.nodeName, `${POD_LOGS_ROOT}/${podLogDirectoryName(pod)}/${container}/0.log`);
  }

  /** makes the containers' log directories, as the kubelet does when it starts a pod */
  started(pod: PodRef, containers: readonly string[]): void {
    for (const container of containers) mkdirSync(dirname(this.file(pod, container)), { recursive: true, mode: 0o755 });
  }

  /** what writes the container's output into its log (nothing once the pod's logs are removed) */
  writer(pod: PodRef, container: string): ContainerLog {
    return new ContainerLog(this.file(pod, container), this.limits);
  }

  /** removes the pod's logs, as the kubelet does once a pod is deleted */
  remove(pod: PodRef): void {
    rmSync(this.nodes.pathOn(pod.nodeName, `${POD_LOGS_ROOT}/${podLogDirectoryName(pod)}`), {
      recursive: true,
      force: true,
    });
  }
}
