/**
 * Runs one collector per OpenTelemetryCollector resource in this process: what the sandbox's operator uses so
 * that a collector applied to the emulated cluster really receives, processes and exports. reconcile() starts
 * collectors for new resources, restarts those whose spec.config changed, and stops those that are gone; status()
 * says where each one listens, or why it is not running.
 */
import { stringify } from 'yaml';
import { containerEnvironment, type CollectorConfig, type PodFacts } from '../core/collector-config.js';
import type { CredentialFallback } from './aws/credentials.js';
import type { RunningCollector } from './runtime/collector.js';
import type { CollectorFiles } from './runtime/files.js';
import type { FileMount } from './runtime/mounted-files.js';
import type { Logger } from './telemetry/logger.js';

/**
 * The parts of an OpenTelemetryCollector resource the supervisor reads: spec.config (a YAML string in v1alpha1, an
 * object in v1beta1), spec.mode (deployment, daemonset or statefulset run; sidecar does not), spec.env and
 * spec.targetAllocator.enabled for the collector's environment, and the facts of the pod it stands for (the
 * sandbox's operator knows them: name, namespace, node, IP), which `valueFrom.fieldRef` entries read.
 */
export interface CollectorResource {
  metadata: { name: string; namespace?: string; uid?: string };
  spec?: { config?: unknown; mode?: unknown; env?: unknown; targetAllocator?: { enabled?: unknown } };
  pod?: PodFacts;
  /** one of several collectors run for the resource (its pod's name): each is its own entry */
  instance?: string;
  /** what the pod's container gets besides spec.env (the credentials EKS injects, its KUBECONFIG), over `env` */
  environment?: Record<string, string>;
  /** the pod's volume mounts, with where each is on this machine (for a `files` option that shows the pod's view) */
  mounts?: FileMount[];
}

const RUNNABLE_MODES = ['deployment', 'daemonset', 'statefulset'];

export interface CollectorStatus {
  name: string;
  namespace: string;
  /** the instance (pod) this status is of, when the resource runs several */
  instance?: string;
  running: boolean;
  /** receiver id -> host:port it listens on */
  receivers: Record<string, string>;
  /** receiver id -> protocol -> host:port, for receivers with several listeners (otlp: grpc and http) */
  protocols: Record<string, Record<string, string>>;
  telemetryAddress?: string;
  error?: string;
}

interface Entry {
  /** how its log lines name it */
  label: string;
  /** what the collector was started from: the config text and its environment */
  config: string;
  collector?: RunningCollector;
  error?: string;
  receiverIds: string[];
}

export interface CollectorSupervisorOptions {
  /** the environment every collector gets (the sandbox's: its AWS endpoint and region) */
  env: Record<string, string | undefined>;
  /** what AWS credentials fall back to after the collector's own environment (startCollector; default the SDK chain) */
  credentialFallback?: CredentialFallback;
  logger: Logger;
  shutdownTimeoutMs?: number;
  /**
   * Rewrites every exporter's `endpoint` before the collector starts (the sandbox sends Amazon Managed Prometheus
   * remote writes to its own emulation this way); returns the URL unchanged when it has nothing to say about it.
   */
  endpointRewrite?: (endpoint: string) => string;
  /**
   * How a collector's components open files by path (runtime/files.ts): this machine's (default, as `adot collector
   * run`), or a view made for the resource (the sandbox: its pod's volume mounts, runtime/mounted-files.ts).
   */
  files?: (resource: CollectorResource) => CollectorFiles;
  /** where a collector's own log lines also go, unprefixed, as its container prints them (the sandbox: its pod's log) */
  containerLog?: (resource: CollectorResource) => Logger | undefined;
}

/**
 * Variables naming files that the AWS SDK reads itself (not a component): with a view of files, their paths are the
 * pod's too, resolved before the collector starts.
 */
const FILE_VARIABLES = ['AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE'];

function keyOf(resource: CollectorResource): string {
  const base = `${resource.metadata.namespace ?? 'default'}/${resource.metadata.name}`;
  return resource.instance === undefined ? base : `${base}/${resource.instance}`;
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

  /** the collector of a resource, or of one of its instances; without `instance`, the first instance by name */
  status(name: string, namespace = 'default', instance?: string): CollectorStatus | undefined {
    if (instance !== undefined) return this.statusOf(`${namespace}/${name}/${instance}`, name, namespace, instance);
    const single = this.statusOf(`${namespace}/${name}`, name, namespace, undefined);
    return single ?? this.instances(name, namespace)[0];
  }

  /** every instance run for the resource, by instance name */
  instances(name: string, namespace = 'default'): CollectorStatus[] {
    const prefix = `${namespace}/${name}/`;
    return [...this.entries.keys()]
      .filter((key) => key.startsWith(prefix))
      .sort()
      .flatMap((key) => this.statusOf(key, name, namespace, key.slice(prefix.length)) ?? []);
  }

  private statusOf(
    key: string,
    name: string,
    namespace: string,
    instance: string | undefined,
  ): CollectorStatus | undefined {
    const entry = this.entries.get(key);
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
      ...(instance === undefined ? {} : { instance }),
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
      if (typeof mode === 'string' && RUNNABLE_MODES.includes(mode) && configText(resource) !== undefined) {
        wanted.set(keyOf(resource), resource);
      }
    }
    for (const [key, entry] of this.entries) {
      const resource = wanted.get(key);
      if (resource === undefined || signature(resource) !== entry.config) {
        await entry.collector?.shutdown();
        this.entries.delete(key);
        this.options.logger.info(`collector ${entry.label}: stopped`);
      }
    }
    for (const [key, resource] of wanted) {
      if (this.entries.has(key)) continue;
      this.entries.set(key, await this.start(key, resource));
    }
  }

  private async start(key: string, resource: CollectorResource): Promise<Entry> {
    const text = configText(resource) ?? '';
    const started = signature(resource);
    const label =
      resource.instance === undefined
        ? key
        : `${keyOf({ ...resource, instance: undefined })} (pod ${resource.instance})`;
    const container = this.options.containerLog?.(resource);
    const prefixed: Logger = {
      info: (message) => {
        this.options.logger.info(`collector ${label}: ${message}`);
        container?.info(message);
      },
      warn: (message) => {
        this.options.logger.warn(`collector ${label}: ${message}`);
        container?.warn(message);
      },
      error: (message) => {
        this.options.logger.error(`collector ${label}: ${message}`);
        container?.error(message);
      },
      debug: (message) => {
        this.options.logger.debug(`collector ${label}: ${message}`);
        container?.debug(message);
      },
    };
    const { prepareConfigText, SettingsError, startCollector, withLocalEndpoints } =
      await import('./supervisor-runtime.js');
    try {
      const files = this.options.files?.(resource);
      const env = this.environmentOf(resource);
      if (files !== undefined) await resolveFileVariables(env, files, prefixed);
      const { config, warnings } = prepareConfigText(text, `collector ${key}`, env);
      for (const warning of warnings) prefixed.warn(`${warning.path}: ${warning.message}`);
      const local = withRewrittenExporterEndpoints(withLocalEndpoints(config), this.options.endpointRewrite);
      const collector = await startCollector({
        config: local,
        env,
        ...(this.options.credentialFallback === undefined
          ? {}
          : { credentialFallback: this.options.credentialFallback }),
        logger: prefixed,
        ...(this.options.shutdownTimeoutMs === undefined ? {} : { shutdownTimeoutMs: this.options.shutdownTimeoutMs }),
        ...(files === undefined ? {} : { files }),
      });
      return { label, config: started, collector, receiverIds: Object.keys(local.receivers) };
    } catch (error) {
      const message = error instanceof SettingsError ? `${error.path}: ${error.message}` : (error as Error).message;
      prefixed.error(`not started: ${message}`);
      return { label, config: started, error: message, receiverIds: [] };
    }
  }

  /**
   * The sandbox's own environment (AWS endpoint and credentials, KUBECONFIG) with what the pod's container would
   * get over it: spec.env and the operator's POD_NAME (and SHARD). Values not known here (Secrets) stay unset.
   */
  private environmentOf(resource: CollectorResource): Record<string, string | undefined> {
    const pod: PodFacts = {
      name: resource.metadata.name,
      namespace: resource.metadata.namespace ?? 'default',
      ...resource.pod,
    };
    const container = containerEnvironment(resource.spec?.env, pod, {
      targetAllocator: resource.spec?.targetAllocator?.enabled === true,
    });
    const env = { ...this.options.env, ...resource.environment };
    for (const [name, value] of Object.entries(container.values)) if (value !== undefined) env[name] = value;
    return env;
  }
}

/**
 * The SDK's token files as the collector's view resolves them; one it cannot see is left out of the environment
 * (and said so), so that the SDK never opens a path of this machine the pod does not have.
 */
async function resolveFileVariables(
  env: Record<string, string | undefined>,
  files: CollectorFiles,
  logger: Logger,
): Promise<void> {
  for (const name of FILE_VARIABLES) {
    const path = env[name];
    if (path === undefined || path === '') continue;
    try {
      env[name] = await files.resolve(path);
    } catch (error) {
      delete env[name];
      logger.error(`environment ${name}: ${(error as Error).message}`);
    }
  }
}

/** spec.config as text: v1alpha1 holds YAML text, v1beta1 an object. */
function configText(resource: CollectorResource): string | undefined {
  const config = resource.spec?.config;
  if (typeof config === 'string') return config;
  if (typeof config === 'object' && config !== null) return stringify(config, { lineWidth: 0 });
  return undefined;
}

/** What a running collector depends on: its configuration, environment and pod (a change restarts it). */
function signature(resource: CollectorResource): string {
  return JSON.stringify([
    configText(resource),
    resource.spec?.env ?? null,
    resource.spec?.targetAllocator ?? null,
    resource.pod ?? null,
    resource.environment ?? null,
    resource.mounts ?? null,
  ]);
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
