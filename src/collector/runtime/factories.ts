/**
 * The component types this runtime implements, by section and type, with the signals each handles. A config that
 * uses any other type is refused before anything starts.
 */
import { Settings } from '../config/settings.js';
import { AwsEmfExporter } from '../exporters/awsemf/exporter.js';
import { readAwsEmfSettings } from '../exporters/awsemf/settings.js';
import { AwsXRayExporter, readAwsXRayExporterSettings } from '../exporters/awsxray.js';
import { CloudWatchLogsExporter, readCloudWatchLogsSettings } from '../exporters/cwlogs/exporter.js';
import { DebugExporter, readDebugSettings } from '../exporters/debug.js';
import { FileExporter, readFileExporterSettings } from '../exporters/file.js';
import { itemText } from '../exporters/item-text.js';
import { OtlpHttpExporter, readOtlpHttpSettings } from '../exporters/otlphttp.js';
import { readRemoteWriteSettings, RemoteWriteExporter } from '../exporters/prw/exporter.js';
import type {
  ComponentContext,
  Consumer,
  ExporterInstance,
  ExtensionInstance,
  LogItem,
  MetricSample,
  ProcessorInstance,
  ReceiverInstance,
  Signal,
  TraceItem,
} from '../model.js';
import { AcceptedNoopExtension, readNoopExtensionSettings } from '../extensions/accepted-noop.js';
import { FileStorageExtension, readFileStorageSettings } from '../extensions/file-storage.js';
import { HealthCheckExtension, readHealthCheckSettings } from '../extensions/health-check.js';
import { readSigV4Settings, SigV4AuthExtension } from '../extensions/sigv4auth.js';
import {
  AttributesProcessor,
  readAttributesProcessorSettings,
  readResourceProcessorSettings,
  ResourceProcessor,
} from '../processors/attributes.js';
import { BatchProcessor, readBatchSettings } from '../processors/batch.js';
import { K8sAttributesProcessor } from '../processors/k8sattributes/processor.js';
import { readK8sAttributesSettings } from '../processors/k8sattributes/settings.js';
import { ResourceDetectionProcessor, readResourceDetectionSettings } from '../processors/resourcedetection.js';
import { FilterProcessor, readFilterSettings } from '../processors/filter.js';
import { GroupByTraceProcessor, readGroupByTraceSettings } from '../processors/groupbytrace.js';
import { readTailSamplingSettings, TailSamplingProcessor } from '../processors/tailsampling/processor.js';
import { MemoryLimiterProcessor, readMemoryLimiterSettings } from '../processors/memory-limiter.js';
import { MetricsTransformProcessor, readMetricsTransformSettings } from '../processors/metricstransform.js';
import { processMemoryProbe } from './memory-probe.js';
import { AwsXRayReceiver, readAwsXRayReceiverSettings } from '../receivers/awsxray.js';
import { FileLogReceiver, readFileLogSettings } from '../receivers/filelog/receiver.js';
import { PrometheusReceiver, readPrometheusReceiverSettings } from '../receivers/prometheus/receiver.js';
import { OtlpReceiver } from '../receivers/otlp/receiver.js';
import { readOtlpReceiverSettings } from '../receivers/otlp/settings.js';

export type SignalConsumers = Partial<Record<Signal, Consumer<unknown>>>;

export interface RuntimeSettings {
  shutdownTimeoutMs: number;
  /** forces a full garbage collection (memory_limiter), when the process allows it (`adot collector run`) */
  collectGarbage?: () => void;
}

export interface ReceiverFactory {
  signals: readonly Signal[];
  create(context: ComponentContext, settings: Settings, consumers: SignalConsumers): ReceiverInstance;
}

export interface ProcessorFactory {
  signals: readonly Signal[];
  create(
    context: ComponentContext,
    settings: Settings,
    next: Consumer<unknown>,
    signal: Signal,
    runtime: RuntimeSettings,
  ): ProcessorInstance<unknown>;
}

export interface ExporterFactory {
  signals: readonly Signal[];
  create(
    context: ComponentContext,
    settings: Settings,
    signal: Signal,
    runtime: RuntimeSettings,
  ): ExporterInstance<unknown>;
}

function traces(consumers: SignalConsumers): Consumer<TraceItem> {
  const consumer = consumers.traces;
  if (consumer === undefined) throw new Error('a traces receiver was built without a traces pipeline');
  return consumer as Consumer<TraceItem>;
}

function metrics(consumers: SignalConsumers): Consumer<MetricSample> {
  const consumer = consumers.metrics;
  if (consumer === undefined) throw new Error('a metrics receiver was built without a metrics pipeline');
  return consumer as Consumer<MetricSample>;
}

function logs(consumers: SignalConsumers): Consumer<LogItem> {
  const consumer = consumers.logs;
  if (consumer === undefined) throw new Error('a logs receiver was built without a logs pipeline');
  return consumer as Consumer<LogItem>;
}

export const receiverFactories: Record<string, ReceiverFactory> = {
  filelog: {
    signals: ['logs'],
    create: (context, settings, consumers) =>
      new FileLogReceiver(
        context,
        readFileLogSettings(settings, (message) => context.logger.warn(`receiver ${context.id}: ${message}`)),
        logs(consumers),
      ),
  },
  awsxray: {
    signals: ['traces'],
    create: (context, settings, consumers) =>
      new AwsXRayReceiver(context, readAwsXRayReceiverSettings(settings), traces(consumers)),
  },
  prometheus: {
    signals: ['metrics'],
    create: (context, settings, consumers) =>
      new PrometheusReceiver(context, readPrometheusReceiverSettings(settings), metrics(consumers)),
  },
  otlp: {
    signals: ['traces', 'metrics', 'logs'],
    create: (context, settings, consumers) =>
      new OtlpReceiver(context, readOtlpReceiverSettings(settings), {
        traces: consumers.traces as Consumer<TraceItem> | undefined,
        metrics: consumers.metrics as Consumer<MetricSample> | undefined,
        logs: consumers.logs as Consumer<LogItem> | undefined,
      }),
  },
};

export const processorFactories: Record<string, ProcessorFactory> = {
  resourcedetection: {
    signals: ['traces', 'metrics', 'logs'],
    create: (context, settings, next, signal) =>
      new ResourceDetectionProcessor(context, readResourceDetectionSettings(settings), next, signal),
  },
  k8sattributes: {
    signals: ['traces', 'metrics', 'logs'],
    create: (context, settings, next, signal) =>
      new K8sAttributesProcessor(context, readK8sAttributesSettings(settings), next, signal),
  },
  resource: {
    signals: ['traces', 'metrics', 'logs'],
    create: (_context, settings, next, signal) =>
      new ResourceProcessor(readResourceProcessorSettings(settings), next, signal),
  },
  attributes: {
    signals: ['traces', 'metrics', 'logs'],
    create: (_context, settings, next, signal) =>
      new AttributesProcessor(readAttributesProcessorSettings(settings), next, signal),
  },
  memory_limiter: {
    signals: ['traces', 'metrics', 'logs'],
    create: (context, settings, next, signal, runtime) =>
      new MemoryLimiterProcessor(
        context,
        readMemoryLimiterSettings(settings),
        next,
        signal,
        processMemoryProbe(runtime.collectGarbage),
      ),
  },
  batch: {
    signals: ['traces', 'metrics', 'logs'],
    create: (context, settings, next) =>
      new BatchProcessor<unknown>(readBatchSettings(settings), next, context.logger, context.id),
  },
  filter: {
    signals: ['metrics'],
    create: (context, settings, next) =>
      new FilterProcessor(
        context,
        readFilterSettings(settings),
        next as Consumer<MetricSample>,
      ) as ProcessorInstance<unknown>,
  },
  groupbytrace: {
    signals: ['traces'],
    create: (context, settings, next) =>
      new GroupByTraceProcessor(
        context,
        readGroupByTraceSettings(settings),
        next as Consumer<TraceItem>,
      ) as ProcessorInstance<unknown>,
  },
  tail_sampling: {
    signals: ['traces'],
    create: (context, settings, next) =>
      new TailSamplingProcessor(
        context,
        readTailSamplingSettings(settings),
        next as Consumer<TraceItem>,
      ) as ProcessorInstance<unknown>,
  },
  metricstransform: {
    signals: ['metrics'],
    create: (_context, settings, next) =>
      new MetricsTransformProcessor(
        readMetricsTransformSettings(settings),
        next as Consumer<MetricSample>,
      ) as ProcessorInstance<unknown>,
  },
};

const ALL_SIGNALS_WITH_TEXT: readonly Signal[] = ['traces', 'metrics', 'logs'];

export const exporterFactories: Record<string, ExporterFactory> = {
  otlphttp: {
    signals: ['traces', 'metrics', 'logs'],
    create: (context, settings, signal, runtime) =>
      new OtlpHttpExporter(context, readOtlpHttpSettings(settings), signal, runtime.shutdownTimeoutMs),
  },
  awscloudwatchlogs: {
    signals: ['logs'],
    create: (context, settings, _signal, runtime) =>
      new CloudWatchLogsExporter(
        context,
        readCloudWatchLogsSettings(settings, context.env),
        runtime.shutdownTimeoutMs,
      ) as ExporterInstance<unknown>,
  },
  awsxray: {
    signals: ['traces'],
    create: (context, settings, _signal, runtime) =>
      new AwsXRayExporter(
        context,
        readAwsXRayExporterSettings(settings),
        runtime.shutdownTimeoutMs,
      ) as ExporterInstance<unknown>,
  },
  awsemf: {
    signals: ['metrics'],
    create: (context, settings, _signal, runtime) =>
      new AwsEmfExporter(context, readAwsEmfSettings(settings), runtime.shutdownTimeoutMs) as ExporterInstance<unknown>,
  },
  prometheusremotewrite: {
    signals: ['metrics'],
    create: (context, settings, _signal, runtime) =>
      new RemoteWriteExporter(
        context,
        readRemoteWriteSettings(settings),
        runtime.shutdownTimeoutMs,
      ) as ExporterInstance<unknown>,
  },
  debug: {
    signals: ALL_SIGNALS_WITH_TEXT,
    create: (context, settings, signal) =>
      new DebugExporter(context, readDebugSettings(settings, 'debug'), itemText(signal)),
  },
  logging: {
    signals: ALL_SIGNALS_WITH_TEXT,
    create: (context, settings, signal) =>
      new DebugExporter(context, readDebugSettings(settings, 'logging'), itemText(signal)),
  },
  file: {
    signals: ALL_SIGNALS_WITH_TEXT,
    create: (context, settings, signal) =>
      new FileExporter(context, readFileExporterSettings(settings), itemText(signal)),
  },
};

export interface ExtensionFactory {
  create(context: ComponentContext, settings: Settings): ExtensionInstance;
}

/** Extensions the runtime runs; others listed in service.extensions are refused. */
export const extensionFactories: Record<string, ExtensionFactory> = {
  sigv4auth: { create: (context, settings) => new SigV4AuthExtension(context, readSigV4Settings(settings)) },
  health_check: { create: (context, settings) => new HealthCheckExtension(context, readHealthCheckSettings(settings)) },
  file_storage: {
    create: (context, settings) => new FileStorageExtension(context, readFileStorageSettings(settings)),
  },
  pprof: {
    create: (context, settings) => (readNoopExtensionSettings(settings, 'pprof'), new AcceptedNoopExtension(context)),
  },
  zpages: {
    create: (context, settings) => (readNoopExtensionSettings(settings, 'zpages'), new AcceptedNoopExtension(context)),
  },
};

export { Settings };
