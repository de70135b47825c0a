/**
 * receiver `prometheus`: runs one scrape loop per target, each on its own interval, and passes each scrape's
 * samples on as one batch. Targets come from static_configs and from Kubernetes discovery; when discovery changes
 * a job's targets, loops of vanished targets stop and new ones start (a target keeps its loop, and its series
 * cache, while its URL and labels stay the same; a vanished target's loop goes with its cache). A failed scrape
 * still yields `up 0`, logged with the reason (throttled) and counted, by limit when a scrape limit was exceeded
 * (scrape-limits.ts); it keeps nothing of what it read.
 */
import type { Settings } from '../../config/settings.js';
import {
  DataRefusedError,
  type ComponentContext,
  type Consumer,
  type MetricSample,
  type ReceiverInstance,
} from '../../model.js';
import { ThrottledLog } from '../../telemetry/logger.js';
import { KubernetesDiscovery } from './kubernetes/discovery.js';
import type { LabelSet } from './kubernetes/targets.js';
import { readScrapeJobs, targetsFor, type ScrapeJob, type ScrapeTarget } from './scrape-config.js';
import { ScrapeLimitError, type ScrapeLimit } from './scrape-limit-error.js';
import { ScrapedSamples, scrapeOnce, SeriesCache } from './scraper.js';

export interface PrometheusReceiverSettings {
  jobs: ScrapeJob[];
  /** report_extra_scrape_metrics: scrape_timeout_seconds, scrape_sample_limit, scrape_body_size_bytes */
  reportExtraScrapeMetrics: boolean;
}

export function readPrometheusReceiverSettings(settings: Settings): PrometheusReceiverSettings {
  const jobs = readScrapeJobs(settings);
  return { jobs, reportExtraScrapeMetrics: settings.boolean('report_extra_scrape_metrics', false) };
}

interface Loop {
  target: ScrapeTarget;
  cache: SeriesCache;
  samples: ScrapedSamples;
  timer: NodeJS.Timeout | undefined;
  stopped: boolean;
}

function targetKey(target: ScrapeTarget): string {
  const labels = Object.keys(target.labels)
    .sort()
    .map((name) => `${name}=${target.labels[name]}`)
    .join(',');
  return `${target.url}|${labels}`;
}

export class PrometheusReceiver implements ReceiverInstance {
  private readonly loops = new Map<string, Loop>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly discoveries: KubernetesDiscovery[] = [];
  private stopped = false;
  private readonly accepted;
  private readonly failedScrapes;
  private readonly refused;
  private readonly throttled: ThrottledLog;
  private readonly jobs: ScrapeJob[];
  /** per job over its target_limit: the error each of its targets fails with instead of being scraped */
  private readonly overTargetLimit = new Map<string, ScrapeLimitError>();
  private readonly exceeded: Record<ScrapeLimit, { add(amount: number): void }>;

  constructor(
    private readonly context: ComponentContext,
    private readonly settings: PrometheusReceiverSettings,
    private readonly next: Consumer<MetricSample>,
  ) {
    this.jobs = settings.jobs;
    const labels = { receiver: context.id, transport: 'http' };
    this.accepted = context.metrics.counter(
      'otelcol_receiver_accepted_metric_points',
      'samples scraped and passed on',
      labels,
    );
    this.refused = context.metrics.counter(
      'otelcol_receiver_refused_metric_points',
      'samples a pipeline refused (memory_limiter)',
      labels,
    );
    this.failedScrapes = context.metrics.counter(
      'otelcol_receiver_failed_scrapes',
      'scrapes that failed (up = 0)',
      labels,
    );
    context.metrics.gauge('otelcol_receiver_scrape_targets', 'targets being scraped', labels, () => this.loops.size);
    const exceeded = (limit: ScrapeLimit) =>
      context.metrics.counter(
        'otelcol_receiver_scrapes_exceeded_limit',
        'scrapes (target_limit: target sets) that failed because a limit was exceeded, by limit',
        { ...labels, limit },
      );
    this.exceeded = {
      body_size_limit: exceeded('body_size_limit'),
      sample_limit: exceeded('sample_limit'),
      label_limit: exceeded('label_limit'),
      label_name_length_limit: exceeded('label_name_length_limit'),
      label_value_length_limit: exceeded('label_value_length_limit'),
      target_limit: exceeded('target_limit'),
      max_line_size: exceeded('max_line_size'),
    };
    this.throttled = new ThrottledLog((message) => context.logger.warn(message));
  }

  async start(): Promise<void> {
    for (const job of this.jobs) {
      const discovered: LabelSet[][] = job.kubernetes.map(() => []);
      const update = () => this.reconcile(job, [...job.staticTargets, ...discovered.flat()]);
      update();
      job.kubernetes.forEach((settings, index) => {
        const discovery = new KubernetesDiscovery(
          settings,
          this.context.env,
          this.context.logger,
          (targets) => {
            discovered[index] = targets;
            update();
          },
          this.context.files,
        );
        this.discoveries.push(discovery);
      });
    }
    // discovery failures are logged and retried by each discovery; the receiver starts regardless
    await Promise.all(
      this.discoveries.map((discovery) =>
        discovery.start().catch((error: unknown) => {
          this.context.logger.error(`receiver ${this.context.id}: kubernetes_sd_configs: ${(error as Error).message}`);
        }),
      ),
    );
    this.context.logger.info(`receiver ${this.context.id}: scraping ${this.loops.size} target(s)`);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.discoveries.map((discovery) => discovery.stop()));
    for (const loop of this.loops.values()) this.stopLoop(loop);
    this.loops.clear();
    await Promise.all(this.inFlight);
  }

  private reconcile(job: ScrapeJob, labelSets: LabelSet[]): void {
    if (this.stopped) return;
    const wanted = new Map(targetsFor(job, labelSets).map((target) => [targetKey(target), target]));
    this.checkTargetLimit(job, wanted.size);
    for (const [key, loop] of this.loops) {
      if (loop.target.job === job.job && !wanted.has(key)) {
        this.stopLoop(loop);
        this.loops.delete(key);
      }
    }
    for (const [key, target] of wanted) {
      if (this.loops.has(key)) continue;
      const loop: Loop = {
        target,
        cache: new SeriesCache(),
        samples: new ScrapedSamples(),
        timer: undefined,
        stopped: false,
      };
      this.loops.set(key, loop);
      this.schedule(loop, 0);
    }
  }

  /**
   * target_limit, as Prometheus's scrape pool (refreshTargetLimitErr): over the limit, every target of the job fails
   * without being scraped (up 0) until discovery brings the count back within it.
   */
  private checkTargetLimit(job: ScrapeJob, targets: number): void {
    const limit = job.limits.targetLimit;
    if (limit === 0 || targets <= limit) {
      if (this.overTargetLimit.delete(job.job)) {
        this.context.logger.info(`receiver ${this.context.id}: job ${job.job} is back within target_limit`);
      }
      return;
    }
    const error = new ScrapeLimitError(
      'target_limit',
      `target_limit exceeded (number of targets: ${targets}, limit: ${limit})`,
    );
    this.overTargetLimit.set(job.job, error);
    this.exceeded.target_limit.add(1);
    this.throttled.log(
      `target_limit:${job.job}`,
      `receiver ${this.context.id}: job ${job.job}: ${error.message}: none of its targets is scraped`,
    );
  }

  private stopLoop(loop: Loop): void {
    loop.stopped = true;
    if (loop.timer !== undefined) clearTimeout(loop.timer);
    loop.timer = undefined;
  }

  private schedule(loop: Loop, delayMs: number): void {
    if (this.stopped || loop.stopped) return;
    loop.timer = setTimeout(() => {
      loop.timer = undefined;
      const started = Date.now();
      const run = this.scrape(loop).finally(() => {
        this.inFlight.delete(run);
        this.schedule(loop, Math.max(0, loop.target.intervalMs - (Date.now() - started)));
      });
      this.inFlight.add(run);
    }, delayMs);
  }

  private async scrape(loop: Loop): Promise<void> {
    const { target } = loop;
    const forcedError = this.overTargetLimit.get(target.job);
    const result = await scrapeOnce(target, loop.cache, loop.samples, {
      extraMetrics: this.settings.reportExtraScrapeMetrics,
      files: this.context.files,
      ...(forcedError === undefined ? {} : { forcedError }),
    });
    if (result.error !== undefined) {
      this.failedScrapes.add(1);
      // target_limit is counted once per change of the target set, as Prometheus counts it
      if (result.limit !== undefined && result.limit !== 'target_limit') this.exceeded[result.limit].add(1);
      this.throttled.log(
        target.url,
        `receiver ${this.context.id}: scrape of ${target.url} (job ${target.job}) failed: ${result.error}`,
      );
    }
    if (loop.stopped && result.samples.length === 0) return;
    try {
      result.samples.forEachSlice((slice) => this.next.consume(slice));
      this.next.consume(result.synthetic);
      this.accepted.add(result.samples.length + result.synthetic.length);
    } catch (error) {
      if (!(error instanceof DataRefusedError)) throw error;
      // the scrape is lost, as a refused append is for the collector's receiver: the next scrape tries again
      this.refused.add(result.samples.length + result.synthetic.length);
      this.throttled.log(
        `refused:${target.url}`,
        `receiver ${this.context.id}: scrape of ${target.url} refused: ${error.message}`,
      );
    } finally {
      result.samples.clear();
    }
  }
}
