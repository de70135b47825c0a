/**
 * The bundled collector runtime: builds the pipeline graph from a prepared configuration, serves its own metrics,
 * and shuts down gracefully (receivers stop, processors flush, exporters deliver until the deadline).
 */
import type { CollectorConfig } from '../../core/collector-config.js';
import { collectorCredentialProvider, type CredentialFallback, type CredentialProvider } from '../aws/credentials.js';
import { SettingsError } from '../config/settings.js';
import type { ExtensionInstance } from '../model.js';
import type { Logger } from '../telemetry/logger.js';
import { registerProcessMetrics } from '../telemetry/process-metrics.js';
import { SelfMetrics } from '../telemetry/self-metrics.js';
import { startTelemetryServer, type TelemetryServer } from '../telemetry/server.js';
import { readTelemetrySettings } from '../telemetry/settings.js';
import { extensionFactories, Settings } from './factories.js';
import { machineFiles, type CollectorFiles } from './files.js';
import { describeDrop, droppedItems, type DroppedItems } from './drop-summary.js';
import { buildGraph, shutdownGraph, startGraph } from './graph.js';

export interface CollectorOptions {
  /** validated and environment-expanded (config/load.ts) */
  config: CollectorConfig;
  env: Record<string, string | undefined>;
  /**
   * what the collector's AWS credentials fall back to after the sources its environment names (access keys, web
   * identity, container credentials): the SDK's default chain (default), or nothing (the sandbox's pods)
   */
  credentialFallback?: CredentialFallback;
  logger: Logger;
  /** how long shutdown lets exporters deliver what they hold (default 10 s) */
  shutdownTimeoutMs?: number;
  /** one line on standard output (awsemf output_destination: stdout); default process.stdout */
  stdout?: (line: string) => void;
  /** forces a garbage collection, for memory_limiter (only a process that runs nothing else should pass one) */
  collectGarbage?: () => void;
  /**
   * how its components open files by path (runtime/files.ts): this machine's (default), or a pod's view of them
   * (mounted-files.ts, what the sandbox gives its collectors)
   */
  files?: CollectorFiles;
}

export interface RunningCollector {
  metrics: SelfMetrics;
  /** host:port of the self-metrics endpoint, when on */
  telemetryAddress: string | undefined;
  /** host:port a receiver listens on */
  receiverAddress(id: string): string | undefined;
  /** protocol -> host:port of a receiver with several listeners (empty for the others) */
  receiverAddresses(id: string): Record<string, string>;
  /** host:port an extension listens on (health_check) */
  extensionAddress(id: string): string | undefined;
  /**
   * Idempotent; resolves once everything is delivered, dropped or kept in a persistent queue and every socket is
   * closed, with what the collector's exporters dropped since it started (each also logged).
   */
  shutdown(): Promise<ShutdownReport>;
}

export interface ShutdownReport {
  /** by exporter and reason, with the pipelines that feed the exporter; empty when nothing was lost */
  dropped: DroppedItems[];
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

function filteredLogger(logger: Logger, level: (typeof LEVELS)[number]): Logger {
  const floor = LEVELS.indexOf(level);
  const at = (name: (typeof LEVELS)[number]) => (message: string) => {
    if (LEVELS.indexOf(name) >= floor) logger[name](message);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Throws SettingsError (with the path of the bad key) for a setting the runtime refuses; nothing is started then. */
export async function startCollector(options: CollectorOptions): Promise<RunningCollector> {
  const { config } = options;
  const telemetry = readTelemetrySettings(config.service.telemetry);
  const logger = filteredLogger(options.logger, telemetry.logLevel);
  const metrics = new SelfMetrics();
  const stdout = options.stdout ?? ((line: string) => void process.stdout.write(`${line}\n`));
  registerProcessMetrics(metrics);
  const awsCredentials = collectorCredentialProvider(options.env, options.credentialFallback);
  const files = options.files ?? machineFiles;
  const extensions = buildExtensions(config, { logger, metrics, env: options.env, awsCredentials, stdout, files });
  const graph = buildGraph({
    config,
    extensions,
    logger,
    metrics,
    env: options.env,
    awsCredentials,
    stdout,
    files,
    runtime: {
      shutdownTimeoutMs: options.shutdownTimeoutMs ?? 10_000,
      ...(options.collectGarbage === undefined ? {} : { collectGarbage: options.collectGarbage }),
    },
  });
  for (const extension of extensions.values()) await extension.start();
  let server: TelemetryServer | undefined;
  try {
    if (telemetry.metrics !== undefined)
      server = await startTelemetryServer(metrics, telemetry.metrics.host, telemetry.metrics.port);
    await startGraph(graph);
    for (const extension of extensions.values()) extension.ready?.();
  } catch (error) {
    await server?.close();
    for (const extension of extensions.values()) await extension.shutdown();
    throw error;
  }
  logger.info(
    `collector started: ${Object.keys(config.service.pipelines).length} pipeline(s)` +
      (server === undefined ? '' : `, own metrics on http://${server.address}/metrics`),
  );
  let stopping: Promise<ShutdownReport> | undefined;
  return {
    metrics,
    telemetryAddress: server?.address,
    receiverAddress: (id) => graph.receivers.get(id)?.address?.(),
    receiverAddresses: (id) => graph.receivers.get(id)?.addresses?.() ?? {},
    extensionAddress: (id) => extensions.get(id)?.address?.(),
    shutdown() {
      stopping ??= (async () => {
        logger.info('collector shutting down: flushing pipelines');
        for (const extension of extensions.values()) extension.notReady?.();
        await shutdownGraph(graph);
        for (const extension of extensions.values()) await extension.shutdown();
        await server?.close();
        const dropped = droppedItems(metrics, config.service.pipelines);
        for (const drop of dropped) logger.error(describeDrop(drop));
        const total = dropped.reduce((sum, drop) => sum + drop.count, 0);
        logger.info(total === 0 ? 'collector stopped: nothing dropped' : `collector stopped: ${total} item(s) dropped`);
        return { dropped };
      })();
      return stopping;
    },
  };
}

/** The extensions listed in service.extensions (those merely defined are not started, as in the collector). */
function buildExtensions(
  config: CollectorConfig,
  shared: {
    logger: Logger;
    metrics: SelfMetrics;
    env: Record<string, string | undefined>;
    awsCredentials: CredentialProvider;
    stdout: (line: string) => void;
    files: CollectorFiles;
  },
): Map<string, ExtensionInstance> {
  const built = new Map<string, ExtensionInstance>();
  (config.service.extensions ?? []).forEach((id, index) => {
    const factory = extensionFactories[id.split('/')[0] ?? id];
    if (factory === undefined) {
      throw new SettingsError(
        `service.extensions[${index}]`,
        `the extension "${id}" is not supported by the bundled collector runtime`,
        `Supported extensions: ${Object.keys(extensionFactories).join(', ')}`,
      );
    }
    const path = `extensions.${id}`;
    const context = { id, path, ...shared, extension: (other: string) => built.get(other) };
    built.set(id, factory.create(context, new Settings(config.extensions[id], path)));
  });
  return built;
}
