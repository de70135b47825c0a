/**
 * The pipeline graph: for each pipeline, its processors chained in order and then a fan-out to its exporters; a
 * receiver used by several pipelines fans out to each of them; an exporter used by several pipelines of one signal
 * is one instance. Building it creates every component (and so checks every setting) before anything starts.
 */
import { componentType, type CollectorConfig } from '../../core/collector-config.js';
import { Settings, SettingsError } from '../config/settings.js';
import type { CredentialProvider } from '../aws/credentials.js';
import type { CollectorFiles } from './files.js';
import type {
  ComponentContext,
  Consumer,
  ExporterInstance,
  ExtensionInstance,
  Lifecycle,
  ProcessorInstance,
  ReceiverInstance,
  Signal,
} from '../model.js';
import type { Logger } from '../telemetry/logger.js';
import type { SelfMetrics } from '../telemetry/self-metrics.js';
import {
  exporterFactories,
  processorFactories,
  receiverFactories,
  type RuntimeSettings,
  type SignalConsumers,
} from './factories.js';

export interface Graph {
  receivers: Map<string, ReceiverInstance>;
  /** per pipeline, its processors in data order */
  processors: ProcessorInstance<unknown>[][];
  exporters: ExporterInstance<unknown>[];
}

export interface GraphOptions {
  config: CollectorConfig;
  /** the extensions enabled in service.extensions, by id */
  extensions: Map<string, ExtensionInstance>;
  logger: Logger;
  metrics: SelfMetrics;
  env: Record<string, string | undefined>;
  /** the collector's AWS credentials, shared by its components */
  awsCredentials?: CredentialProvider;
  stdout: (line: string) => void;
  files: CollectorFiles;
  runtime: RuntimeSettings;
}

/**
 * Every consumer gets the batch, even when one refuses it (a memory_limiter): the refusal goes back to the sender
 * afterwards, as the collector's fan-out consumer joins the errors of its consumers.
 */
function fanOut<T>(consumers: Consumer<T>[]): Consumer<T> {
  if (consumers.length === 1 && consumers[0] !== undefined) return consumers[0];
  return {
    consume(items) {
      let refusal: unknown;
      for (const consumer of consumers) {
        try {
          consumer.consume(items);
        } catch (error) {
          refusal ??= error;
        }
      }
      if (refusal !== undefined) throw refusal;
    },
  };
}

function signalOf(pipeline: string): Signal {
  return pipeline.split('/')[0] as Signal;
}

function unsupported(path: string, kind: string, type: string, known: string[]): SettingsError {
  return new SettingsError(
    path,
    `the ${kind} type "${type}" is not supported by the bundled collector runtime`,
    `Supported ${kind}s: ${known.join(', ')}`,
  );
}

export function buildGraph(options: GraphOptions): Graph {
  const { config } = options;
  const context = (section: string, id: string): ComponentContext => ({
    id,
    path: `${section}.${id}`,
    logger: options.logger,
    metrics: options.metrics,
    env: options.env,
    ...(options.awsCredentials === undefined ? {} : { awsCredentials: options.awsCredentials }),
    stdout: options.stdout,
    files: options.files,
    extension: (extensionId) => options.extensions.get(extensionId),
  });

  const exporters = new Map<string, ExporterInstance<unknown>>();
  const exporterFor = (id: string, signal: Signal): ExporterInstance<unknown> => {
    const key = `${signal}:${id}`;
    const existing = exporters.get(key);
    if (existing !== undefined) return existing;
    const factory = exporterFactories[componentType(id)];
    if (factory === undefined || !factory.signals.includes(signal)) {
      throw unsupported(
        `exporters.${id}`,
        `${signal} exporter`,
        componentType(id),
        supportedFor(exporterFactories, signal),
      );
    }
    const created = factory.create(
      context('exporters', id),
      new Settings(config.exporters[id], `exporters.${id}`),
      signal,
      options.runtime,
    );
    exporters.set(key, created);
    return created;
  };

  const processors: ProcessorInstance<unknown>[][] = [];
  const entries = new Map<string, Consumer<unknown>>();
  for (const [name, pipeline] of Object.entries(config.service.pipelines)) {
    const signal = signalOf(name);
    let next: Consumer<unknown> = fanOut(pipeline.exporters.map((id) => exporterFor(id, signal)));
    const chain: ProcessorInstance<unknown>[] = [];
    for (const id of [...(pipeline.processors ?? [])].reverse()) {
      const factory = processorFactories[componentType(id)];
      if (factory === undefined || !factory.signals.includes(signal)) {
        throw unsupported(
          `processors.${id}`,
          `${signal} processor`,
          componentType(id),
          supportedFor(processorFactories, signal),
        );
      }
      // one instance per pipeline, as in the collector: a processor's state never mixes two pipelines
      const processor = factory.create(
        context('processors', id),
        new Settings(config.processors[id], `processors.${id}`),
        next,
        signal,
        options.runtime,
      );
      chain.unshift(processor);
      next = processor;
    }
    processors.push(chain);
    entries.set(name, next);
  }

  const receivers = new Map<string, ReceiverInstance>();
  const receiverIds = [...new Set(Object.values(config.service.pipelines).flatMap((pipeline) => pipeline.receivers))];
  // each pipeline's receivers as a set: a lookup per (receiver, pipeline) stays linear in the configuration's size
  const pipelineReceivers = new Map(
    Object.entries(config.service.pipelines).map(([name, pipeline]) => [name, new Set(pipeline.receivers)]),
  );
  for (const id of receiverIds) {
    const factory = receiverFactories[componentType(id)];
    const consumers: SignalConsumers = {};
    const bySignal = new Map<Signal, Consumer<unknown>[]>();
    for (const [name] of Object.entries(config.service.pipelines)) {
      if (pipelineReceivers.get(name)?.has(id) !== true) continue;
      const signal = signalOf(name);
      if (factory === undefined || !factory.signals.includes(signal)) {
        throw unsupported(
          `receivers.${id}`,
          `${signal} receiver`,
          componentType(id),
          supportedFor(receiverFactories, signal),
        );
      }
      const entry = entries.get(name);
      if (entry !== undefined) bySignal.set(signal, [...(bySignal.get(signal) ?? []), entry]);
    }
    for (const [signal, list] of bySignal) consumers[signal] = fanOut(list);
    if (factory === undefined) continue;
    receivers.set(
      id,
      factory.create(context('receivers', id), new Settings(config.receivers[id], `receivers.${id}`), consumers),
    );
  }
  return { receivers, processors, exporters: [...exporters.values()] };
}

function supportedFor(factories: Record<string, { signals: readonly Signal[] }>, signal: Signal): string[] {
  return Object.entries(factories)
    .filter(([, factory]) => factory.signals.includes(signal))
    .map(([type]) => type);
}

/** Starts exporters, then processors, then receivers, so that nothing receives data before it can pass it on. */
export async function startGraph(graph: Graph): Promise<void> {
  const started: Lifecycle[] = [];
  try {
    for (const component of [...graph.exporters, ...graph.processors.flat(), ...graph.receivers.values()]) {
      await component.start();
      started.push(component);
    }
  } catch (error) {
    for (const component of started.reverse()) await component.shutdown().catch(() => undefined);
    throw error;
  }
}

/** Stops receivers first, flushes processors in data order, then lets exporters deliver what they hold. */
export async function shutdownGraph(graph: Graph): Promise<void> {
  await Promise.all([...graph.receivers.values()].map((receiver) => receiver.shutdown()));
  for (const chain of graph.processors) for (const processor of chain) await processor.shutdown();
  await Promise.all(graph.exporters.map((exporter) => exporter.shutdown()));
}
