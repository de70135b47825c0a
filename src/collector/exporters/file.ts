/**
 * exporter `file`: appends what arrives to `path` as JSON lines, one item per line: X-Ray daemon segments as the
 * documents they arrived as (so `aws xray put-trace-segments` can replay them), OTLP spans as {resource, scope,
 * span} (span-json.ts), metrics as {name, family, type, labels, value, timestampMs}.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { SettingsError, type Settings } from '../config/settings.js';
import type { ComponentContext, ExporterInstance } from '../model.js';
import type { ItemText } from './item-text.js';

export interface FileExporterSettings {
  path: string;
}

export function readFileExporterSettings(settings: Settings): FileExporterSettings {
  settings.allowOnly(['path', 'format', 'flush_interval', 'append']);
  const format = settings.string('format', 'json');
  if (format !== 'json') throw new SettingsError(settings.at('format'), 'only json is supported');
  settings.duration('flush_interval', 1_000); // checked for the collector's sake; the stream flushes as it goes
  return { path: settings.requiredString('path') };
}

export class FileExporter<T> implements ExporterInstance<T> {
  private stream: WriteStream | undefined;
  private readonly sent;
  private readonly failed;

  constructor(
    private readonly context: ComponentContext,
    private readonly settings: FileExporterSettings,
    private readonly text: ItemText<T>,
  ) {
    const labels = { exporter: context.id };
    const { unit } = text;
    this.sent = context.metrics.counter(`otelcol_exporter_sent_${unit}`, `${unit} successfully sent`, labels);
    this.failed = context.metrics.counter(
      `otelcol_exporter_send_failed_${unit}`,
      `${unit} that could not be written`,
      labels,
    );
  }

  async start(): Promise<void> {
    const stream = createWriteStream(await this.context.files.resolve(this.settings.path, 'write'), { flags: 'a' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    stream.on('error', (error) => this.context.logger.error(`exporter ${this.context.id}: ${error.message}`));
    this.stream = stream;
  }

  consume(items: T[]): void {
    const stream = this.stream;
    if (stream === undefined || stream.destroyed) {
      this.failed.add(items.length);
      return;
    }
    stream.write(items.map((item) => `${this.text.json(item)}\n`).join(''));
    this.sent.add(items.length);
  }

  async shutdown(): Promise<void> {
    const stream = this.stream;
    this.stream = undefined;
    if (stream !== undefined) await new Promise<void>((resolve) => stream.end(() => resolve()));
  }
}
