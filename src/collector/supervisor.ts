/**
 * Runs one collector per OpenTelemetryCollector resource in this process: what the sandbox's operator uses so
 * that a collector applied to the emulated cluster really receives, processes and exports. reconcile() starts
 * collectors for new resources, restarts those whose spec.config changed, and stops those that are gone; status()
 * says where each one listens, or why it is not running.
 */
import type { CollectorConfig } from '../core/collector-config.js';
import { prepareConfigText } from './config/load.js';
import { SettingsError } from './config/settings.js';
import { startCollector, type RunningCollector } from './runtime/collector.js';
import { withLocalEndpoints } from './runtime/local-endpoints.js';
import type { Logger } from './telemetry/logger.js';

/** The parts of an OpenTelemetryCollector resource the supervisor reads. */
export interface CollectorResource {
  metadata: { name: string; namespace?: string; uid?: string };
  spec?: { config?: unknown; mode?: unknown };
}

export interface CollectorStatus {
  name: string;
  namespace: string;
  running: boolean;
  /** receiver id -> host:port it listens on */
  receivers: Record<string, string>;
  /** receiver id -> protocol -> host:port, for receivers with several listeners (otlp: grpc and http) */
  protocols: Record<string, Record<string, string>>;
  telemetryAddress?: string;
  error?: string;
}

interface Entry {
  config: string;
  collector?: RunningCollector;
  error?: string;
  receiverIds: string[];
}

export interface CollectorSupervisorOptions {
  /** the environment the collectors get: the sandbox's AWS endpoint and credentials, its KUBECONFIG */
  env: Record<string, string | undefined>;
  logger: Logger;
  shutdownTimeoutMs?: number;
  /**
   * Rewrites every exporter's `endpoint` before the collector starts (the sandbox sends Amazon Managed Prometheus
   * remote writes to its own emulation this way); returns the URL unchanged when it has nothing to say about it.
   */
  endpointRewrite?: (endpoint: string) => string;
}

function keyOf(resource: CollectorResource): string {
  return `${resource.metadata.namespace ?? 'default'}/${resource.metadata.name}`;
}

export class CollectorSupervisor {
  private readonly entries = new Map<string, Entry>();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: CollectorSupervisorOptions) {}

  /** Serialised: calls made while one runs wait for it. Resolves once every collector is started or stopped. */
  reconcile(resources: readonly CollectorResource[]): Promise<void> {
    const run = this.queue.then(() => this.apply(resources));
    this.queue = run.catch(() => undefined);
    return run;
  }

  status(name: string, namespace = 'default'): CollectorStatus | undefined {
    const entry = this.entries.get(`${namespace}/${name}`);
    if (entry === undefined) return undefined;
    const receivers: Record<string, string> = {};
    const protocols: Record<string, Record<string, string>> = {};
    for (const id of entry.receiverIds) {
      const address = entry.collector?.receiverAddress(id);
      if (address !== undefined) receivers[id] = address;
      const byProtocol = entry.collector?.receiverAddresses(id) ?? {};
      if (Object.keys(byProtocol).length > 0) protocols[id] = byProtocol;
    }
    return {
      name,
      namespace,
      running: entry.collector !== undefined,
      receivers,
      protocols,
      ...(entry.collector?.telemetryAddress === undefined
        ? {}
        : { telemetryAddress: entry.collector.telemetryAddress }),
      ...(entry.error === undefined ? {} : { error: entry.error }),
    };
  }

  async close(): Promise<void> {
    await this.reconcile([]);
  }

  private async apply(resources: readonly CollectorResource[]): Promise<void> {
    const wanted = new Map<string, CollectorResource>();
    for (const resource of resources) {
      const mode = resource.spec?.mode ?? 'deployment';
      if (mode === 'deployment' && typeof resource.spec?.config === 'string') wanted.set(keyOf(resource), resource);
    }
    for (const [key, entry] of this.entries) {
      const resource = wanted.get(key);
      if (resource === undefined || resource.spec?.config !== entry.config) {
        await entry.collector?.shutdown();
        this.entries.delete(key);
        this.options.logger.info(`collector ${key}: stopped`);
      }
    }
    for (const [key, resource] of wanted) {
      if (this.entries.has(key)) continue;
      this.entries.set(key, await this.start(key, resource.spec?.config as string));
    }
  }

  private async start(key: string, text: string): Promise<Entry> {
    const prefixed: Logger = {
      info: (message) => this.options.logger.info(`collector ${key}: ${message}`),
      warn: (message) => this.options.logger.warn(`collector ${key}: ${message}`),
      error: (message) => this.options.logger.error(`collector ${key}: ${message}`),
      debug: (message) => this.options.logger.debug(`collector ${key}: ${message}`),
    };
    try {
      const { config } = prepareConfigText(text, `collector ${key}`, this.options.env);
      const local = withRewrittenExporterEndpoints(withLocalEndpoints(config), this.options.endpointRewrite);
      const collector = await startCollector({
        config: local,
        env: this.options.env,
        logger: prefixed,
        ...(this.options.shutdownTimeoutMs === undefined ? {} : { shutdownTimeoutMs: this.options.shutdownTimeoutMs }),
      });
      return { config: text, collector, receiverIds: Object.keys(local.receivers) };
    } catch (error) {
      const message = error instanceof SettingsError ? `${error.path}: ${error.message}` : (error as Error).message;
      prefixed.error(`not started: ${message}`);
      return { config: text, error: message, receiverIds: [] };
    }
  }
}

function withRewrittenExporterEndpoints(
  config: CollectorConfig,
  rewrite: ((endpoint: string) => string) | undefined,
): CollectorConfig {
  if (rewrite === undefined) return config;
  const exporters: Record<string, unknown> = {};
  for (const [id, settings] of Object.entries(config.exporters)) {
    const record = typeof settings === 'object' && settings !== null ? (settings as Record<string, unknown>) : {};
    exporters[id] = typeof record.endpoint === 'string' ? { ...record, endpoint: rewrite(record.endpoint) } : settings;
  }
  return { ...config, exporters };
}
