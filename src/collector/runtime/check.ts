/**
 * What `adot collector validate` adds to the configuration checks: whether the bundled runtime would build every
 * component of the (expanded) configuration. Each component is built as the runtime builds it, reading its settings
 * strictly, but never started (no socket, no timer); every refusal is collected rather than only the first, as the
 * collector's own `validate` command reports them.
 */
import { componentType, type CollectorConfig, type ConfigProblem } from '../../core/collector-config.js';
import { didYouMean } from '../../core/collector-config/closest.js';
import { Settings, SettingsError } from '../config/settings.js';
import type { ComponentContext, ExtensionInstance, Signal } from '../model.js';
import { machineFiles } from './files.js';
import type { Logger } from '../telemetry/logger.js';
import { SelfMetrics } from '../telemetry/self-metrics.js';
import { readTelemetrySettings } from '../telemetry/settings.js';
import {
  exporterFactories,
  extensionFactories,
  processorFactories,
  receiverFactories,
  type SignalConsumers,
} from './factories.js';

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const nowhere = { consume: () => undefined };

function problemOf(error: unknown, fallbackPath: string): ConfigProblem {
  if (error instanceof SettingsError) {
    return { path: error.path, message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }) };
  }
  return { path: fallbackPath, message: error instanceof Error ? error.message : String(error) };
}

function unsupported(path: string, kind: string, type: string, known: string[]): ConfigProblem {
  return {
    path,
    message: `the ${kind} type "${type}" is not supported by the bundled collector runtime`,
    hint: `${didYouMean(type, known)}Supported ${kind}s: ${known.join(', ')}`,
  };
}

function supportedFor(factories: Record<string, { signals: readonly Signal[] }>, signal: Signal): string[] {
  return Object.entries(factories)
    .filter(([, factory]) => factory.signals.includes(signal))
    .map(([type]) => type);
}

/** Every reason the runtime would refuse to build this configuration; empty when it would run it. */
export function runtimeProblems(config: CollectorConfig, env: Record<string, string | undefined>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const metrics = new SelfMetrics();
  const extensions = new Map<string, ExtensionInstance>();
  const context = (section: string, id: string): ComponentContext => ({
    id,
    path: `${section}.${id}`,
    logger: silent,
    metrics,
    env,
    stdout: () => undefined,
    // components are built, never started: nothing is opened
    files: machineFiles,
    extension: (other) => extensions.get(other),
  });
  const attempt = (path: string, build: () => unknown): void => {
    try {
      build();
    } catch (error) {
      problems.push(problemOf(error, path));
    }
  };

  attempt('service.telemetry', () => readTelemetrySettings(config.service.telemetry));
  (config.service.extensions ?? []).forEach((id, index) => {
    const factory = extensionFactories[componentType(id)];
    if (factory === undefined) {
      problems.push({
        path: `service.extensions[${index}]`,
        message: `the extension "${id}" is not supported by the bundled collector runtime`,
        hint: `${didYouMean(componentType(id), Object.keys(extensionFactories))}Supported extensions: ${Object.keys(extensionFactories).join(', ')}`,
      });
      return;
    }
    const path = `extensions.${id}`;
    attempt(path, () =>
      extensions.set(id, factory.create(context('extensions', id), new Settings(config.extensions[id], path))),
    );
  });

  const built = new Set<string>();
  for (const [name, pipeline] of Object.entries(config.service.pipelines)) {
    const signal = name.split('/')[0] as Signal;
    for (const id of pipeline.exporters) {
      // an undefined component is the configuration checks' problem, not the runtime's
      if (!Object.hasOwn(config.exporters, id)) continue;
      const factory = exporterFactories[componentType(id)];
      const path = `exporters.${id}`;
      if (factory === undefined || !factory.signals.includes(signal)) {
        problems.push(
          unsupported(path, `${signal} exporter`, componentType(id), supportedFor(exporterFactories, signal)),
        );
      } else if (!built.has(`${signal}:${path}`)) {
        built.add(`${signal}:${path}`);
        attempt(path, () =>
          factory.create(context('exporters', id), new Settings(config.exporters[id], path), signal, {
            shutdownTimeoutMs: 0,
          }),
        );
      }
    }
    for (const id of pipeline.processors ?? []) {
      if (!Object.hasOwn(config.processors, id)) continue;
      const factory = processorFactories[componentType(id)];
      const path = `processors.${id}`;
      if (factory === undefined || !factory.signals.includes(signal)) {
        problems.push(
          unsupported(path, `${signal} processor`, componentType(id), supportedFor(processorFactories, signal)),
        );
      } else if (!built.has(`${name}:${path}`)) {
        built.add(`${name}:${path}`);
        attempt(path, () =>
          factory.create(context('processors', id), new Settings(config.processors[id], path), nowhere, signal, {
            shutdownTimeoutMs: 0,
          }),
        );
      }
    }
    for (const id of pipeline.receivers) {
      if (!Object.hasOwn(config.receivers, id)) continue;
      const factory = receiverFactories[componentType(id)];
      const path = `receivers.${id}`;
      if (factory === undefined || !factory.signals.includes(signal)) {
        problems.push(
          unsupported(path, `${signal} receiver`, componentType(id), supportedFor(receiverFactories, signal)),
        );
      }
    }
  }
  // each pipeline's receivers as a set: a lookup per (receiver, pipeline) stays linear in the configuration's size
  const pipelineReceivers = Object.entries(config.service.pipelines).map(
    ([name, pipeline]) => [name.split('/')[0] as Signal, new Set(pipeline.receivers)] as const,
  );
  for (const id of new Set(Object.values(config.service.pipelines).flatMap((pipeline) => pipeline.receivers))) {
    const factory = receiverFactories[componentType(id)];
    if (factory === undefined || !Object.hasOwn(config.receivers, id)) continue;
    const consumers: SignalConsumers = {};
    for (const [signal, receivers] of pipelineReceivers) {
      if (receivers.has(id) && factory.signals.includes(signal)) consumers[signal] = nowhere;
    }
    const path = `receivers.${id}`;
    attempt(path, () => factory.create(context('receivers', id), new Settings(config.receivers[id], path), consumers));
  }
  return dedupe(problems);
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
