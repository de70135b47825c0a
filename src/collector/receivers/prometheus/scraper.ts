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
import { ScrapeLimitError, type ScrapeLimit } from './scrape-limit-error.js';
import { labelLimitProblem } from './scrape-limits.js';
import { SeriesCache, type ResolvedSeries } from './series-cache.js';
import { LineChunker } from './line-chunker.js';
import { ScrapedSamples } from './scraped-samples.js';
import { parseSeries, scanExposition, type SampleVisitor } from './text-format.js';

export { ScrapedSamples } from './scraped-samples.js';
export { SeriesCache } from './series-cache.js';

export interface ScrapeResult {
  /** the exposition's samples (none when the scrape failed), to be handed on slice by slice */
  samples: ScrapedSamples;
  /**
   * the synthetic up, scrape_duration_seconds, scrape_samples_scraped, scrape_samples_post_metric_relabeling (and
   * with report_extra_scrape_metrics scrape_timeout_seconds, scrape_sample_limit, scrape_body_size_bytes)
   */
  synthetic: MetricSample[];
  /** why the scrape failed (up = 0), else undefined */
  error?: string;
  /** the limit the target broke, when that is why it failed */
  limit?: ScrapeLimit;
}

export interface ScrapeOptions {
  /** report_extra_scrape_metrics */
  extraMetrics?: boolean;
  /** fails the scrape without scraping (target_limit), as Prometheus's forced error */
  forcedError?: ScrapeLimitError;
  now?: () => number;
  /** how bearer_token_file and tls_config.ca_file are read (default: this machine's files) */
  files?: CollectorFiles;
}

const ACCEPT = 'text/plain;version=0.0.4;q=0.9,*/*;q=0.1';

/**
 * Scrapes the target once into `samples` (cleared first; a target's scrapes reuse one), resolving series through
 * the target's cache. A failed scrape keeps nothing it saw: its samples are let go and its new series are not cached.
 */
export async function scrapeOnce(
  target: ScrapeTarget,
  cache = new SeriesCache(),
  samples = new ScrapedSamples(),
  options: ScrapeOptions = {},
): Promise<ScrapeResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const { limits } = target;
  let scraped = 0;
  let overSampleLimit = false;
  let error: Error | undefined;
  /** whether the failure came while reading the samples (counts stand) rather than while fetching (they do not) */
  let failedInSamples = false;
  const body = { bytes: 0 };
  const types = new Map<string, MetricType>();
  const metadata = { types, help: new Map<string, string>() };
  samples.begin(started);
  /** samples after metric_relabel_configs, those past sample_limit included (scrape_samples_post_metric_relabeling) */
  let kept = 0;
  const onSample: SampleVisitor = (source, seriesStart, seriesEnd, value, exposedMs, line) => {
    scraped++;
    let series = cache.find(source, seriesStart, seriesEnd);
    if (series === undefined) {
      const resolve = (text: string) => resolveSeries(parseSeries(text, line, types), target, cache);
      if (overSampleLimit) {
        // past sample_limit, as Prometheus: new series are still read (to count them and check the label limits)
        // but not cached, so that the rest of an oversized scrape costs no memory
        if (resolve(source.slice(seriesStart, seriesEnd)) !== null) kept++;
        return;
      }
      series = cache.add(source.slice(seriesStart, seriesEnd), resolve);
    }
    if (series.dropped) return;
    kept++;
    if (overSampleLimit || (limits.sampleLimit > 0 && samples.length >= limits.sampleLimit)) {
      overSampleLimit = true;
      return;
    }
    samples.push(series, value, target.honorTimestamps && exposedMs !== undefined ? exposedMs : started);
  };
  let postRelabel = 0;
  try {
    if (options.forcedError !== undefined) throw options.forcedError;
    cache.begin();
    let lines = 0;
    await fetchExposition(target, options.files ?? machineFiles, body, (text) => {
      try {
        lines = scanExposition(text, metadata, onSample, lines);
      } catch (failure) {
        failedInSamples = true;
        throw failure;
      }
    });
    if (overSampleLimit) {
      failedInSamples = true;
      throw new ScrapeLimitError('sample_limit', 'sample limit exceeded');
    }
    cache.commit();
    postRelabel = kept;
  } catch (failure) {
    cache.abandon();
    postRelabel = failedInSamples ? kept : 0;
    samples.release();
    error = failure instanceof Error ? failure : new Error(String(failure));
  }
  const ok = error === undefined;
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
      synthetic('up', ok ? 1 : 0),
      synthetic('scrape_duration_seconds', (now() - started) / 1000),
      // as Prometheus reports a failed scrape: what was read before a failure in the samples, nothing otherwise
      synthetic('scrape_samples_scraped', ok || failedInSamples ? scraped : 0),
      synthetic('scrape_samples_post_metric_relabeling', postRelabel),
    ],
  };
  if (options.extraMetrics) {
    const bodyBytes = error instanceof ScrapeLimitError && error.limit === 'body_size_limit' ? -1 : body.bytes;
    result.synthetic.push(
      synthetic('scrape_timeout_seconds', target.timeoutMs / 1000),
      synthetic('scrape_sample_limit', limits.sampleLimit),
      synthetic('scrape_body_size_bytes', ok || failedInSamples ? bodyBytes : bodyBytes === -1 ? -1 : 0),
    );
  }
  if (error !== undefined) {
    result.error = error.message;
    if (error instanceof ScrapeLimitError) result.limit = error.limit;
  }
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
  if (target.metricRelabel.length === 0) return withinLabelLimits({ name, family, type: parsed.type, labels }, target);
  const relabeled = relabel({ ...labels, __name__: name }, target.metricRelabel);
  if (relabeled === undefined) return null;
  const newName = cache.intern(relabeled.__name__ || name);
  delete relabeled.__name__;
  for (const key of Object.keys(relabeled)) {
    if (relabeled[key] === '') delete relabeled[key];
    else relabeled[key] = cache.intern(relabeled[key] as string);
  }
  return withinLabelLimits(
    { name: newName, family: newName === name ? family : newName, type: parsed.type, labels: relabeled },
    target,
  );
}

/** The series, unless it breaks a label limit: then the scrape fails (Prometheus checks each new series). */
function withinLabelLimits(series: ResolvedSeries, target: ScrapeTarget): ResolvedSeries {
  const { limits } = target;
  if (limits.labelLimit === 0 && limits.labelNameLengthLimit === 0 && limits.labelValueLengthLimit === 0) return series;
  const problem = labelLimitProblem(series.name, series.labels, limits);
  if (problem === undefined) return series;
  throw new ScrapeLimitError(problem.slice(0, problem.indexOf(' ')) as ScrapeLimit, problem);
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
  body: { bytes: number },
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
        const decoded = response.headers['content-encoding'] === 'gzip' ? response.pipe(createGunzip()) : response;
        const lines = new LineChunker(onText);
        const limit = target.limits.bodySizeLimit;
        let failed = false;
        const fail = (error: unknown) => {
          if (failed) return;
          failed = true;
          request.destroy();
          decoded.destroy();
          reject(error);
        };
        decoded.on('data', (chunk: Buffer) => {
          if (failed) return;
          body.bytes += chunk.length;
          // the uncompressed body, as Prometheus counts it (a body of exactly the limit fails too: it reads at most
          // that much and fails when it got it all); the rest is not read
          if (limit > 0 && body.bytes >= limit) {
            fail(new ScrapeLimitError('body_size_limit', 'body size limit exceeded'));
            return;
          }
          try {
            lines.write(chunk);
          } catch (error) {
            fail(error);
          }
        });
        decoded.on('end', () => {
          if (failed) return;
          try {
            lines.end();
            resolve();
          } catch (error) {
            fail(error);
          }
        });
        decoded.on('error', fail);
      },
    );
    request.on('error', reject);
    request.end();
  });
}
