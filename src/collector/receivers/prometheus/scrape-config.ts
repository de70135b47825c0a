/**
 * The prometheus receiver's settings: `config` holds a Prometheus configuration (global + scrape_configs) whose
 * targets come from static_configs and kubernetes_sd_configs (roles pod, service, endpoints, node).
 */
import { Settings, SettingsError } from '../../config/settings.js';
import { readKubernetesSdConfigs, type KubernetesSdSettings } from './kubernetes/sd-config.js';
import { readRelabelRules, relabel, type RelabelRule } from './relabel.js';
import { LIMIT_KEYS, readScrapeLimits, type ScrapeLimits } from './scrape-limits.js';

export interface ScrapeTarget {
  job: string;
  url: string;
  /** the target's labels after relabel_configs (job, instance, static labels …), without `__` labels */
  labels: Record<string, string>;
  intervalMs: number;
  timeoutMs: number;
  honorLabels: boolean;
  honorTimestamps: boolean;
  /** body_size_limit, sample_limit and the label limits (target_limit is the job's) */
  limits: ScrapeLimits;
  metricRelabel: RelabelRule[];
  bearerTokenFile?: string;
  tls: ScrapeTls;
}

/** tls_config of a scrape: the CA to trust (e.g. the service account's ca.crt) or no verification at all. */
export interface ScrapeTls {
  caFile?: string;
  insecureSkipVerify: boolean;
  serverName?: string;
}

const SCRAPE_KEYS = [
  'job_name',
  'scrape_interval',
  'scrape_timeout',
  'metrics_path',
  'scheme',
  'params',
  'honor_labels',
  'honor_timestamps',
  'static_configs',
  'relabel_configs',
  'metric_relabel_configs',
  ...LIMIT_KEYS,
  'kubernetes_sd_configs',
  'tls_config',
  'bearer_token_file',
];

function settingsFor(raw: unknown, path: string): Settings {
  return new Settings(raw, path);
}

/** One scrape configuration: how to scrape, and where targets come from (static groups, Kubernetes discovery). */
export interface ScrapeJob {
  job: string;
  intervalMs: number;
  timeoutMs: number;
  scheme: string;
  metricsPath: string;
  params: Record<string, string[]>;
  relabel: RelabelRule[];
  metricRelabel: RelabelRule[];
  honorLabels: boolean;
  honorTimestamps: boolean;
  limits: ScrapeLimits;
  bearerTokenFile?: string;
  tls: ScrapeTls;
  /** label sets of static_configs targets (__address__ plus the group's labels) */
  staticTargets: Record<string, string>[];
  kubernetes: KubernetesSdSettings[];
}

export function readScrapeJobs(settings: Settings): ScrapeJob[] {
  settings.allowOnly([
    'config',
    'use_start_time_metric',
    'start_time_metric_regex',
    'trim_metric_suffixes',
    'report_extra_scrape_metrics',
  ]);
  const config = settings.nested('config').allowOnly(['global', 'scrape_configs']);
  const global = config
    .nested('global')
    .allowOnly(['scrape_interval', 'scrape_timeout', 'evaluation_interval', 'external_labels', ...LIMIT_KEYS]);
  const globalLimits = readScrapeLimits(global);
  const defaultInterval = global.prometheusDuration('scrape_interval', 60_000);
  const defaultTimeout = global.prometheusDuration('scrape_timeout', 10_000);
  const list = config.raw('scrape_configs');
  if (!Array.isArray(list) || list.length === 0) {
    throw new SettingsError(config.at('scrape_configs'), 'must list at least one scrape configuration');
  }
  const jobs = new Set<string>();
  return list.map((raw, index) => {
    const scrape = settingsFor(raw, `${config.at('scrape_configs')}[${index}]`).allowOnly(SCRAPE_KEYS);
    const job = scrape.requiredString('job_name');
    if (jobs.has(job)) throw new SettingsError(scrape.at('job_name'), `job "${job}" is defined twice`);
    jobs.add(job);
    const intervalMs = scrape.prometheusDuration('scrape_interval', defaultInterval);
    const scheme = scrape.string('scheme', 'http');
    if (scheme !== 'http' && scheme !== 'https') throw new SettingsError(scrape.at('scheme'), 'must be http or https');
    const bearerTokenFile = scrape.string('bearer_token_file');
    const tls = scrape
      .nested('tls_config')
      .allowOnly(['ca_file', 'insecure_skip_verify', 'server_name', 'cert_file', 'key_file']);
    if (tls.has('cert_file') || tls.has('key_file')) {
      throw new SettingsError(
        tls.at('cert_file'),
        'client certificates are not supported by the bundled collector runtime',
      );
    }
    const caFile = tls.string('ca_file');
    const serverName = tls.string('server_name');
    const statics = scrape.raw('static_configs');
    if (statics !== undefined && statics !== null && !Array.isArray(statics)) {
      throw new SettingsError(scrape.at('static_configs'), 'must be a list');
    }
    const staticTargets = ((statics ?? []) as unknown[]).flatMap((entry, staticIndex) => {
      const group = settingsFor(entry, `${scrape.at('static_configs')}[${staticIndex}]`).allowOnly([
        'targets',
        'labels',
      ]);
      const groupLabels = group.nested('labels');
      const extra: Record<string, string> = {};
      for (const key of Object.keys((group.raw('labels') as Record<string, unknown> | undefined) ?? {})) {
        extra[key] = groupLabels.requiredString(key);
      }
      return group.stringList('targets').map((address) => ({ ...extra, __address__: address }));
    });
    return {
      job,
      intervalMs,
      timeoutMs: Math.min(scrape.prometheusDuration('scrape_timeout', defaultTimeout), intervalMs),
      scheme,
      metricsPath: scrape.string('metrics_path', '/metrics'),
      params: readParams(scrape),
      relabel: readRelabelRules(scrape.raw('relabel_configs'), scrape.at('relabel_configs'), settingsFor),
      metricRelabel: readRelabelRules(
        scrape.raw('metric_relabel_configs'),
        scrape.at('metric_relabel_configs'),
        settingsFor,
      ),
      honorLabels: scrape.boolean('honor_labels', false),
      honorTimestamps: scrape.boolean('honor_timestamps', true),
      limits: readScrapeLimits(scrape, globalLimits),
      ...(bearerTokenFile === undefined ? {} : { bearerTokenFile }),
      tls: {
        insecureSkipVerify: tls.boolean('insecure_skip_verify', false),
        ...(caFile === undefined ? {} : { caFile }),
        ...(serverName === undefined ? {} : { serverName }),
      },
      staticTargets,
      kubernetes: readKubernetesSdConfigs(scrape.raw('kubernetes_sd_configs'), scrape.at('kubernetes_sd_configs')),
    };
  });
}

/**
 * The targets of discovered label sets, as Prometheus makes them: job and scrape defaults added, relabel_configs
 * applied (a rule may drop the target), `instance` defaulting to the address, `__` labels removed.
 */
export function targetsFor(job: ScrapeJob, discovered: readonly Record<string, string>[]): ScrapeTarget[] {
  return discovered.flatMap((labels) => {
    const initial: Record<string, string> = {
      job: job.job,
      __scheme__: job.scheme,
      __metrics_path__: job.metricsPath,
      __scrape_interval__: `${job.intervalMs / 1000}s`,
      __scrape_timeout__: `${job.timeoutMs / 1000}s`,
      ...Object.fromEntries(Object.entries(job.params).map(([name, values]) => [`__param_${name}`, values[0] ?? ''])),
      ...labels,
    };
    const relabeled = relabel(initial, job.relabel);
    if (relabeled === undefined || !relabeled.__address__) return [];
    const targetLabels: Record<string, string> = {};
    for (const [name, value] of Object.entries(relabeled))
      if (!name.startsWith('__') && value !== '') targetLabels[name] = value;
    targetLabels.instance ??= relabeled.__address__;
    let url: URL;
    try {
      url = new URL(
        `${relabeled.__scheme__ ?? job.scheme}://${relabeled.__address__}${relabeled.__metrics_path__ ?? job.metricsPath}`,
      );
    } catch {
      return []; // an address relabeling made unusable is not a target, as in Prometheus
    }
    for (const [name, values] of Object.entries(job.params))
      for (const value of values) url.searchParams.append(name, value);
    const target: ScrapeTarget = {
      job: job.job,
      url: url.href,
      labels: targetLabels,
      intervalMs: job.intervalMs,
      timeoutMs: job.timeoutMs,
      honorLabels: job.honorLabels,
      honorTimestamps: job.honorTimestamps,
      limits: job.limits,
      metricRelabel: job.metricRelabel,
      ...(job.bearerTokenFile === undefined ? {} : { bearerTokenFile: job.bearerTokenFile }),
      tls: job.tls,
    };
    return [target];
  });
}

/** The targets of the static_configs of every job (Kubernetes-discovered ones come at run time). */
export function readScrapeTargets(settings: Settings): ScrapeTarget[] {
  return readScrapeJobs(settings).flatMap((job) => targetsFor(job, job.staticTargets));
}

function readParams(scrape: Settings): Record<string, string[]> {
  const raw = scrape.raw('params');
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new SettingsError(scrape.at('params'), 'must map names to lists of values');
  const params = scrape.nested('params');
  return Object.fromEntries(Object.keys(raw).map((name) => [name, params.stringList(name)]));
}
