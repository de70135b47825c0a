/**
 * One target's scrape: GET the exposition with the scrape timeout, parse it, attach the target's labels
 * (honor_labels), apply metric_relabel_configs, stamp samples (honor_timestamps), and add the synthetic `up`,
 * `scrape_duration_seconds`, `scrape_samples_scraped` and `scrape_samples_post_metric_relabeling` series.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createGunzip } from 'node:zlib';
import { machineFiles, type CollectorFiles } from '../../runtime/files.js';
import type { MetricSample, MetricType } from '../../model.js';
import { relabel } from './relabel.js';
import type { ScrapeTarget } from './scrape-config.js';
import { SeriesCache, type ResolvedSeries } from './series-cache.js';
import { LineChunker } from './line-chunker.js';
import { ScrapedSamples } from './scraped-samples.js';
import { parseSeries, scanExposition, type SampleVisitor } from './text-format.js';

export { ScrapedSamples } from './scraped-samples.js';
export { SeriesCache } from './series-cache.js';

export interface ScrapeResult {
  /** the exposition's samples (none when the scrape failed), to be handed on slice by slice */
  samples: ScrapedSamples;
  /** the synthetic up, scrape_duration_seconds, scrape_samples_scraped, scrape_samples_post_metric_relabeling */
  synthetic: MetricSample[];
  /** why the scrape failed (up = 0), else undefined */
  error?: string;
}

const ACCEPT = 'text/plain;version=0.0.4;q=0.9,*/*;q=0.1';

/**
 * Scrapes the target once into `samples` (cleared first; a target's scrapes reuse one), resolving series through
 * the target's cache.
 */
export async function scrapeOnce(
  target: ScrapeTarget,
  cache = new SeriesCache(),
  samples = new ScrapedSamples(),
  now: () => number = Date.now,
  /** how bearer_token_file and tls_config.ca_file are read */
  files: CollectorFiles = machineFiles,
): Promise<ScrapeResult> {
  const started = now();
  let scraped = 0;
  let error: string | undefined;
  const types = new Map<string, MetricType>();
  const metadata = { types, help: new Map<string, string>() };
  samples.begin(started);
  const onSample: SampleVisitor = (source, seriesStart, seriesEnd, value, exposedMs, line) => {
    scraped++;
    const series =
      cache.find(source, seriesStart, seriesEnd) ??
      cache.add(source.slice(seriesStart, seriesEnd), (text) =>
        resolveSeries(parseSeries(text, line, types), target, cache),
      );
    if (series.dropped) return;
    samples.push(series, value, target.honorTimestamps && exposedMs !== undefined ? exposedMs : started);
  };
  try {
    cache.begin();
    let lines = 0;
    await fetchExposition(target, files, (text) => {
      lines = scanExposition(text, metadata, onSample, lines);
    });
    if (target.sampleLimit > 0 && scraped > target.sampleLimit) {
      throw new Error(`${scraped} samples exceed sample_limit ${target.sampleLimit}`);
    }
    cache.commit();
  } catch (failure) {
    cache.abandon();
    samples.clear();
    error = failure instanceof Error ? failure.message : String(failure);
  }
  const synthetic = (name: string, value: number): MetricSample => ({
    name,
    family: name,
    type: 'gauge',
    labels: target.labels,
    value,
    timestampMs: started,
  });
  const result: ScrapeResult = {
    samples,
    synthetic: [
      synthetic('up', error === undefined ? 1 : 0),
      synthetic('scrape_duration_seconds', (now() - started) / 1000),
      synthetic('scrape_samples_scraped', error === undefined ? scraped : 0),
      synthetic('scrape_samples_post_metric_relabeling', samples.length),
    ],
  };
  if (error !== undefined) result.error = error;
  return result;
}

/**
 * Target labels, then metric_relabel_configs (which see __name__); null when a rule drops the series. Names and
 * values come out interned (one copy per distinct string across the target's series).
 */
function resolveSeries(
  parsed: { name: string; family: string; type: MetricType; labels: Record<string, string> },
  target: ScrapeTarget,
  cache: SeriesCache,
): ResolvedSeries | null {
  const labels = withTargetLabels(parsed.labels, target, cache);
  const name = cache.intern(parsed.name);
  const family = cache.intern(parsed.family);
  if (target.metricRelabel.length === 0) return { name, family, type: parsed.type, labels };
  const relabeled = relabel({ ...labels, __name__: name }, target.metricRelabel);
  if (relabeled === undefined) return null;
  const newName = cache.intern(relabeled.__name__ || name);
  delete relabeled.__name__;
  for (const key of Object.keys(relabeled)) {
    if (relabeled[key] === '') delete relabeled[key];
    else relabeled[key] = cache.intern(relabeled[key] as string);
  }
  return { name: newName, family: newName === name ? family : newName, type: parsed.type, labels: relabeled };
}

/**
 * A series' labels, kept for as long as it is scraped. An instance of a class rather than a `{}` literal because
 * V8 sizes a class's instances by how many properties its instances get (every property inside the object), where
 * a literal has room for four and puts the rest in a second array: a third more memory per labels object. Reads,
 * spreads and JSON see a plain object (no methods, no enumerable inherited properties).
 */
class LabelSet {
  [name: string]: string;
}

/** The sample's labels plus the target's; on a clash the target wins and the sample's moves to exported_<name>. */
function withTargetLabels(
  sampleLabels: Record<string, string>,
  target: ScrapeTarget,
  cache: SeriesCache,
): Record<string, string> {
  const labels = new LabelSet();
  for (const name in sampleLabels) labels[cache.intern(name)] = cache.intern(sampleLabels[name] as string);
  for (const [name, value] of Object.entries(target.labels)) {
    if (Object.hasOwn(labels, name)) {
      if (target.honorLabels) continue;
      labels[`exported_${name}`] = labels[name] as string;
    }
    labels[name] = value;
  }
  return labels;
}

/**
 * GET over node:http(s), which (unlike fetch) takes a per-target CA and server name for tls_config. The body is
 * handed to `onText` as it arrives, in pieces cut at line ends, so that a large exposition is never held whole
 * (neither as bytes nor as one string); an exception from `onText` aborts the scrape.
 */
async function fetchExposition(
  target: ScrapeTarget,
  files: CollectorFiles,
  onText: (text: string) => void,
): Promise<void> {
  const headers: Record<string, string> = {
    accept: ACCEPT,
    'accept-encoding': 'gzip',
    'user-agent': 'adot-collector',
    'x-prometheus-scrape-timeout-seconds': String(target.timeoutMs / 1000),
  };
  if (target.bearerTokenFile !== undefined) {
    headers.authorization = `Bearer ${(await files.readFile(target.bearerTokenFile)).toString('utf8').trim()}`;
  }
  const url = new URL(target.url);
  const tls =
    url.protocol === 'https:'
      ? {
          rejectUnauthorized: !target.tls.insecureSkipVerify,
          ...(target.tls.caFile === undefined ? {} : { ca: await files.readFile(target.tls.caFile) }),
          ...(target.tls.serverName === undefined ? {} : { servername: target.tls.serverName }),
        }
      : {};
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<void>((resolve, reject) => {
    const request = send(
      url,
      { headers, signal: AbortSignal.timeout(target.timeoutMs), agent: false, ...tls },
      (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          reject(
            new Error(`server returned HTTP status ${response.statusCode} ${response.statusMessage ?? ''}`.trim()),
          );
          return;
        }
        if (/application\/vnd\.google\.protobuf/.test(response.headers['content-type'] ?? '')) {
          response.resume();
          reject(new Error('protobuf expositions are not supported'));
          return;
        }
        const body = response.headers['content-encoding'] === 'gzip' ? response.pipe(createGunzip()) : response;
        const lines = new LineChunker(onText);
        const fail = (error: unknown) => {
          request.destroy();
          body.destroy();
          reject(error);
        };
        body.on('data', (chunk: Buffer) => {
          try {
            lines.write(chunk);
          } catch (error) {
            fail(error);
          }
        });
        body.on('end', () => {
          try {
            lines.end();
            resolve();
          } catch (error) {
            fail(error);
          }
        });
        body.on('error', fail);
      },
    );
    request.on('error', reject);
    request.end();
  });
}
