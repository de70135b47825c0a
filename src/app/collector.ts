/**
 * `adot collector run`: run the bundled collector runtime in the foreground from a collector configuration file
 * (an OpenTelemetryCollector's spec.config) or from the templates of the chosen targets, until the signal aborts;
 * then shut down gracefully (receivers stop, batches flush, exporters deliver until the shutdown deadline).
 */
import { readFile } from 'node:fs/promises';
import type { CollectorConfig } from '../core/collector-config.js';
import { COLLECTOR_DEFAULTS } from '../core/defaults.js';
import { failure, usageError, type ExitStatus } from '../core/errors.js';
import { TARGETS, type Target } from '../core/targets.js';
import { renderCollectorConfig } from '../core/templates/index.js';
import type { TemplateValues } from '../core/templates/values.js';
import type { Output } from '../ports.js';
import { prepareConfig, prepareConfigText, settingsError, type PreparedConfig } from '../collector/config/load.js';
import { SettingsError } from '../collector/config/settings.js';
import { startCollector, type RunningCollector } from '../collector/runtime/collector.js';
import type { Logger } from '../collector/telemetry/logger.js';
import { missingValue } from './install/validate.js';

/** the heap settings `adot collector run` applies when it owns the process (the CLI reaches the runtime through app) */
export { exposeGarbageCollector, tuneHeapForCollector } from '../collector/runtime/heap-tuning.js';

export interface CollectorRunOptions {
  /** path of a collector configuration (YAML) */
  configFile?: string;
  /** --target values */
  targets: Target[];
  /** --set key=value overrides of the templates */
  set: Record<string, string>;
  region?: string;
  cluster?: string;
  ampRemoteWriteUrl?: string;
  ampWorkspaceId?: string;
  allowCustomEndpoint?: boolean;
  /** the environment of the process: ${env:…} expansion, AWS endpoint and credentials */
  env: Record<string, string | undefined>;
  /** the collector runs until this aborts */
  signal: AbortSignal;
  shutdownTimeoutMs?: number;
  /** forces a garbage collection (memory_limiter); only when this process runs nothing but the collector */
  collectGarbage?: () => void;
  /** called once the collector is running (tests and embedders read its addresses) */
  onStarted?: (collector: RunningCollector) => void;
}

export async function collectorRun(system: { output: Output }, options: CollectorRunOptions): Promise<ExitStatus> {
  const { prepared, source } = await loadConfig(options);
  for (const warning of prepared.warnings) {
    system.output.warn(`${source}: ${warning.path}: ${warning.message}${warning.hint ? ` (${warning.hint})` : ''}`);
  }
  let collector: RunningCollector;
  try {
    collector = await startCollector({
      config: prepared.config,
      env: options.env,
      logger: outputLogger(system.output),
      stdout: (line) => system.output.stdout(`${line}\n`),
      ...(options.shutdownTimeoutMs === undefined ? {} : { shutdownTimeoutMs: options.shutdownTimeoutMs }),
      ...(options.collectGarbage === undefined ? {} : { collectGarbage: options.collectGarbage }),
    });
  } catch (error) {
    if (error instanceof SettingsError) throw settingsError(error, source);
    const message = error instanceof Error ? error.message : String(error);
    throw failure('CollectorStartFailed', `The collector could not start: ${message}`, {
      hint: /EADDRINUSE/.test(message)
        ? 'Another process listens on that address: change the endpoint (or service.telemetry.metrics.address)'
        : 'Check the endpoints in the configuration',
      cause: error,
    });
  }
  options.onStarted?.(collector);
  await untilAborted(options.signal);
  const { dropped } = await collector.shutdown();
  const total = dropped.reduce((sum, drop) => sum + drop.count, 0);
  if (total > 0) {
    // each exporter and reason was logged by the shutdown; the exit status says that something was lost
    const units = [...new Set(dropped.map((drop) => drop.unit))].join(', ');
    throw failure('TelemetryDropped', `The collector dropped ${total} item(s) (${units}) before it stopped`, {
      hint: 'See the "dropped" lines above: a longer --shutdown-timeout, a sending_queue.storage (file_storage) or a reachable backend keeps them',
      details: { dropped },
    });
  }
  return 0;
}

async function loadConfig(options: CollectorRunOptions): Promise<{ prepared: PreparedConfig; source: string }> {
  const hasTargets = options.targets.length > 0;
  if (options.configFile !== undefined && hasTargets) {
    throw usageError('ConflictingOptions', '--config and --target cannot be used together', {
      hint: 'Run either a configuration file (--config FILE) or the templates of targets (--target xray,…)',
    });
  }
  if (options.configFile !== undefined) {
    let text: string;
    try {
      text = await readFile(options.configFile, 'utf8');
    } catch (error) {
      throw usageError(
        'ConfigFileUnreadable',
        `Cannot read ${options.configFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        {
          hint: 'Pass --config with the path of a collector configuration (YAML)',
        },
      );
    }
    return { prepared: prepareConfigText(text, options.configFile, options.env), source: options.configFile };
  }
  if (!hasTargets)
    throw missingValue('--config or --target', `A configuration (--config FILE) or targets (${TARGETS.join(', ')})`);
  const { targets, set } = options;
  if (options.region === undefined) throw missingValue('--region', 'The AWS region', 'AWS_REGION');
  if (targets.includes('cloudwatch') && options.cluster === undefined) {
    throw missingValue(
      '--cluster',
      'The cluster name (the cloudwatch template names its log group after it)',
      'ADOT_CLUSTER',
    );
  }
  const values: TemplateValues = {
    region: options.region,
    clusterName: options.cluster ?? 'local',
    namespace: COLLECTOR_DEFAULTS.namespace,
    serviceAccount: COLLECTOR_DEFAULTS.serviceAccount,
    collectorName: COLLECTOR_DEFAULTS.collectorName,
    ...(options.ampRemoteWriteUrl === undefined ? {} : { ampRemoteWriteUrl: options.ampRemoteWriteUrl }),
    ...(options.ampWorkspaceId === undefined ? {} : { ampWorkspaceId: options.ampWorkspaceId }),
    ...(options.allowCustomEndpoint === true ? { allowCustomEndpoint: true } : {}),
    ...(Object.keys(set).length === 0 ? {} : { set }),
  };
  const rendered: CollectorConfig = renderCollectorConfig(targets, values);
  const source = `the ${targets.join('+')} template`;
  return { prepared: prepareConfig(rendered, source, options.env), source };
}

function outputLogger(output: Output): Logger {
  return {
    info: (message) => output.info(message),
    warn: (message) => output.warn(message),
    error: (message) => output.error(message),
    debug: (message) => output.verbose(message),
  };
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
