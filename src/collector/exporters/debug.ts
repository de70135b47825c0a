/**
 * exporters `debug` and `logging` (its older name): write what arrives to the collector's log. verbosity basic =
 * one summary line per batch, normal = one line per item, detailed = every item in full.
 */
import { SettingsError, type Settings } from '../config/settings.js';
import type { ComponentContext, ExporterInstance } from '../model.js';
import type { ItemText } from './item-text.js';

export type Verbosity = 'basic' | 'normal' | 'detailed';

const LOGLEVEL_TO_VERBOSITY: Record<string, Verbosity> = {
  debug: 'detailed',
  info: 'normal',
  warn: 'basic',
  error: 'basic',
};

export function readDebugSettings(settings: Settings, type: 'debug' | 'logging'): Verbosity {
  settings.allowOnly(['verbosity', 'sampling_initial', 'sampling_thereafter', 'use_internal_logger', 'loglevel']);
  const loglevel = settings.string('loglevel');
  if (type === 'logging' && loglevel !== undefined) {
    const verbosity = LOGLEVEL_TO_VERBOSITY[loglevel];
    if (verbosity === undefined) throw new SettingsError(settings.at('loglevel'), 'must be debug, info, warn or error');
    return verbosity;
  }
  const verbosity = settings.string('verbosity', 'basic');
  if (verbosity !== 'basic' && verbosity !== 'normal' && verbosity !== 'detailed') {
    throw new SettingsError(settings.at('verbosity'), 'must be basic, normal or detailed');
  }
  return verbosity;
}

export class DebugExporter<T> implements ExporterInstance<T> {
  private readonly sent;

  constructor(
    private readonly context: ComponentContext,
    private readonly verbosity: Verbosity,
    private readonly text: ItemText<T>,
  ) {
    this.sent = context.metrics.counter(`otelcol_exporter_sent_${text.unit}`, `${text.unit} successfully sent`, {
      exporter: context.id,
    });
  }

  async start(): Promise<void> {}

  consume(items: T[]): void {
    const { logger, id } = this.context;
    logger.info(`${id}: ${this.text.summary} {"#${this.text.unit}": ${items.length}}`);
    if (this.verbosity === 'normal') {
      for (const item of items) logger.info(`${id}: ${this.text.line(item)}`);
    } else if (this.verbosity === 'detailed') {
      for (const item of items) logger.info(`${id}: ${this.text.json(item)}`);
    }
    this.sent.add(items.length);
  }

  async shutdown(): Promise<void> {}
}
