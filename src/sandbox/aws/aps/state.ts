import { AmpWorkspaces } from './workspaces.js';
import type { WrittenSeries } from './write-request.js';

/** How many samples the emulation keeps per series (the newest). */
export const SAMPLES_KEPT_PER_SERIES = 1_000;

export interface StoredSeries {
  labels: Record<string, string>;
  samples: { value: number; timestampMs: number }[];
}

/** the newest sample of one series, as a Prometheus instant query returns it */
export interface LatestSample {
  labels: Record<string, string>;
  value: number;
  timestampMs: number;
}

export interface ApsStateOptions {
  account: string;
  region: string;
  /** how long a new workspace is CREATING (and a deleted one DELETING) */
  workspaceCreateSeconds: number;
}

/**
 * The emulated Amazon Managed Service for Prometheus: its workspaces (control plane) and the series
 * remote-written to each, with their newest samples.
 */
export class ApsState {
  readonly workspaces: AmpWorkspaces;
  private readonly data = new Map<string, Map<string, StoredSeries>>();

  constructor(options: ApsStateOptions) {
    this.workspaces = new AmpWorkspaces({
      account: options.account,
      region: options.region,
      createSeconds: options.workspaceCreateSeconds,
      onGone: (workspaceId) => this.data.delete(workspaceId),
    });
  }

  write(workspaceId: string, written: WrittenSeries[]): void {
    let workspace = this.data.get(workspaceId);
    if (workspace === undefined) {
      workspace = new Map();
      this.data.set(workspaceId, workspace);
    }
    for (const series of written) {
      const key = seriesKey(series.labels);
      let stored = workspace.get(key);
      if (stored === undefined) {
        stored = { labels: { ...series.labels }, samples: [] };
        workspace.set(key, stored);
      }
      stored.samples.push(...series.samples);
      stored.samples.sort((a, b) => a.timestampMs - b.timestampMs);
      if (stored.samples.length > SAMPLES_KEPT_PER_SERIES)
        stored.samples.splice(0, stored.samples.length - SAMPLES_KEPT_PER_SERIES);
    }
  }

  /** the workspaces that hold remote-written series */
  workspaceIds(): string[] {
    return [...this.data.keys()].sort();
  }

  /** every series of the workspace (copies), in the order they first arrived */
  series(workspaceId: string): StoredSeries[] {
    return [...(this.data.get(workspaceId)?.values() ?? [])].map((series) => ({
      labels: { ...series.labels },
      samples: series.samples.map((sample) => ({ ...sample })),
    }));
  }

  /** the newest sample of every series of that metric name */
  latest(workspaceId: string, metricName: string): LatestSample[] {
    const found: LatestSample[] = [];
    for (const series of this.data.get(workspaceId)?.values() ?? []) {
      const last = series.samples[series.samples.length - 1];
      if (series.labels.__name__ !== metricName || last === undefined) continue;
      found.push({ labels: { ...series.labels }, value: last.value, timestampMs: last.timestampMs });
    }
    return found;
  }
}

function seriesKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
