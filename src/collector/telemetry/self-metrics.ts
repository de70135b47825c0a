/**
 * The collector's own metrics (received, sent, dropped, queue size per component), exposed in the Prometheus text
 * format on service.telemetry.metrics.address like the OpenTelemetry Collector's `otelcol_*` metrics.
 */
export type Labels = Record<string, string>;

export interface Counter {
  add(amount: number): void;
  value(): number;
}

interface Series {
  labels: Labels;
  value: () => number;
  counter?: Counter;
}

interface Family {
  type: 'counter' | 'gauge';
  help: string;
  series: Map<string, Series>;
}

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((name) => `${name}=${labels[name]}`)
    .join(',');
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

export class SelfMetrics {
  private readonly families = new Map<string, Family>();

  /** A counter; asking twice for the same name and labels returns the same counter. */
  counter(name: string, help: string, labels: Labels): Counter {
    const family = this.family(name, 'counter', help);
    const key = labelKey(labels);
    const existing = family.series.get(key);
    if (existing?.counter !== undefined) return existing.counter;
    let total = 0;
    const counter: Counter = {
      add: (amount) => {
        total += amount;
      },
      value: () => total,
    };
    family.series.set(key, { labels, value: () => total, counter });
    return counter;
  }

  /** A gauge read when the metrics are scraped. */
  gauge(name: string, help: string, labels: Labels, read: () => number): void {
    this.family(name, 'gauge', help).series.set(labelKey(labels), { labels, value: read });
  }

  /** A counter whose total is kept elsewhere (e.g. the process's CPU time), read when the metrics are scraped. */
  observedCounter(name: string, help: string, labels: Labels, read: () => number): void {
    this.family(name, 'counter', help).series.set(labelKey(labels), { labels, value: read });
  }

  /** The current value of one series (0 when absent), for tests and summaries. */
  value(name: string, labels: Labels): number {
    return this.families.get(name)?.series.get(labelKey(labels))?.value() ?? 0;
  }

  /** Every series of the families whose names match, with its current value (for summaries). */
  series(names: RegExp): { name: string; labels: Labels; value: number }[] {
    const found: { name: string; labels: Labels; value: number }[] = [];
    for (const [name, family] of this.families) {
      if (!names.test(name)) continue;
      for (const { labels, value } of family.series.values()) found.push({ name, labels, value: value() });
    }
    return found;
  }

  /** Every series in the Prometheus text exposition format 0.0.4. */
  exposition(): string {
    const lines: string[] = [];
    for (const [name, family] of [...this.families].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} ${family.type}`);
      for (const { labels, value } of family.series.values()) {
        const rendered = Object.entries(labels)
          .map(([label, text]) => `${label}="${escapeLabelValue(text)}"`)
          .join(',');
        lines.push(`${name}${rendered === '' ? '' : `{${rendered}}`} ${formatValue(value())}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  private family(name: string, type: Family['type'], help: string): Family {
    const existing = this.families.get(name);
    if (existing !== undefined) {
      if (existing.type !== type) throw new Error(`Metric ${name} is a ${existing.type}, not a ${type}`);
      return existing;
    }
    const created: Family = { type, help, series: new Map() };
    this.families.set(name, created);
    return created;
  }
}
