/**
 * extension `file_storage` (opentelemetry-collector-contrib extension/storage/filestorage,
 * https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/extension/storage/filestorage): where
 * persistent sending queues (`sending_queue.storage: file_storage/<name>`) keep their requests. `directory` (default
 * /var/lib/otelcol/file_storage) must exist unless `create_directory` (then made with `directory_permissions`, 0750);
 * each queue gets a directory of its own in it, named as the extension names a client's database
 * (`exporter_<type>_<name>_<signal>`, any character outside [A-Za-z0-9._-] as `~` and its code point in 4 hex digits:
 * extension.go sanitize). `create_directory` and `directory_permissions` came with
 * https://github.com/open-telemetry/opentelemetry-collector-contrib/pull/34985. `timeout` (1s) is how long a queue
 * waits for another collector to let go of it; `fsync` syncs every write. The collector's extension keeps a bbolt
 * database there; this runtime keeps one file per request, removed once it is delivered, so there is nothing to
 * compact: the `compaction` keys are checked and have no effect.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SettingsError, type Settings } from '../config/settings.js';
import type { ComponentContext, ExtensionInstance } from '../model.js';
import { openQueueDirectory, type QueueStorage } from '../runtime/queue-storage.js';
import type { OpenedStore } from '../runtime/request-store.js';

/** The extension's default directory on Linux (default_others.go). */
export const DEFAULT_STORAGE_DIRECTORY = '/var/lib/otelcol/file_storage';

export interface FileStorageSettings {
  directory: string;
  timeoutMs: number;
  fsync: boolean;
  createDirectory: boolean;
  directoryPermissions: number;
}

const COMPACTION_KEYS = [
  'on_start',
  'on_rebound',
  'directory',
  'max_transaction_size',
  'rebound_needed_threshold_mib',
  'rebound_trigger_threshold_mib',
  'check_interval',
  'cleanup_on_start',
];

export function readFileStorageSettings(settings: Settings): FileStorageSettings {
  settings.allowOnly(['directory', 'timeout', 'fsync', 'create_directory', 'directory_permissions', 'compaction']);
  const compaction = settings.nested('compaction').allowOnly(COMPACTION_KEYS);
  compaction.boolean('on_start', false);
  compaction.boolean('on_rebound', false);
  compaction.boolean('cleanup_on_start', false);
  compaction.string('directory');
  if (compaction.integer('max_transaction_size', 65_536, -Infinity) < 0) {
    throw new SettingsError(
      compaction.at('max_transaction_size'),
      'max transaction size for compaction cannot be less than 0',
    );
  }
  compaction.integer('rebound_needed_threshold_mib', 100);
  compaction.integer('rebound_trigger_threshold_mib', 10);
  if (compaction.boolean('on_rebound', false) && compaction.duration('check_interval', 5_000) <= 0) {
    throw new SettingsError(
      compaction.at('check_interval'),
      'compaction check interval must be positive when rebound compaction is set',
    );
  }
  const permissionsText = settings.string('directory_permissions', '0750');
  const permissions = /^0?[0-7]{3}$/.test(permissionsText) ? Number.parseInt(permissionsText, 8) : NaN;
  if (Number.isNaN(permissions)) {
    throw new SettingsError(
      settings.at('directory_permissions'),
      `"${permissionsText}" is not octal permissions`,
      'e.g. "0750"',
    );
  }
  const read: FileStorageSettings = {
    directory: resolve(settings.string('directory', DEFAULT_STORAGE_DIRECTORY)),
    timeoutMs: settings.duration('timeout', 1_000),
    fsync: settings.boolean('fsync', false),
    createDirectory: settings.boolean('create_directory', false),
    directoryPermissions: permissions,
  };
  return read;
}

/**
 * As the extension's Validate: the directory must exist and be a directory (made first with create_directory).
 * Checked when the extension starts rather than when the configuration is read, so that validating a configuration
 * never looks at this machine's files.
 */
function checkDirectory(host: string, path: string, directory: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(host).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SettingsError(
      path,
      code === 'ENOENT'
        ? `directory must exist: stat ${directory}: no such file or directory`
        : `problem accessing configured directory: ${directory}, err: ${(error as Error).message}`,
      'create it, or set create_directory: true',
    );
  }
  if (!isDirectory) throw new SettingsError(path, `${directory} is not a directory`);
}

/**
 * The extension's name for one component's client: kind_type_name_signal, each unsafe character (the tilde too) as
 * `~` and its code point in 4 upper-case hex digits, `/` as `~002F` (extension.go sanitize).
 */
export function clientName(owner: string, signal: string): string {
  const [type = owner, name = ''] = owner.split(/\/(.*)/s);
  let sanitized = '';
  for (const character of `exporter_${type}_${name}_${signal}`) {
    sanitized += /^[A-Za-z0-9._-]$/.test(character)
      ? character
      : `~${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return sanitized;
}

export class FileStorageExtension implements ExtensionInstance {
  readonly storage: QueueStorage;

  constructor(
    private readonly context: ComponentContext,
    private readonly settings: FileStorageSettings,
  ) {
    this.storage = { openQueue: (owner, signal, part) => this.openQueue(owner, signal, part) };
  }

  /** the directory on this machine: as named for `collector run`; in the sandbox, only under the pod's mounts */
  private hostDirectory: string | undefined;

  async start(): Promise<void> {
    const { directory, createDirectory, directoryPermissions } = this.settings;
    const path = `${this.context.path}.directory`;
    const host = await this.context.files.resolve(directory, 'write').catch((error: unknown) => {
      throw new SettingsError(
        path,
        `problem accessing configured directory: ${directory}, err: ${(error as Error).message}`,
      );
    });
    if (createDirectory) mkdirSync(host, { recursive: true, mode: directoryPermissions });
    checkDirectory(host, path, directory);
    this.hostDirectory = host;
  }

  async shutdown(): Promise<void> {}

  private openQueue(owner: string, signal: string, part?: string): Promise<OpenedStore> {
    const own = join(this.hostDirectory ?? this.settings.directory, clientName(owner, signal));
    return openQueueDirectory(part === undefined ? own : join(own, part), {
      fsync: this.settings.fsync,
      lockTimeoutMs: this.settings.timeoutMs,
      ...(part === undefined ? {} : { parents: own }),
    });
  }
}
