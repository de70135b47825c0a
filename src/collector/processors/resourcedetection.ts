/**
 * processor `resourcedetection` (opentelemetry-collector-contrib processor/resourcedetectionprocessor): the
 * `detectors` run once, at start, within `timeout` (5s); what they find is added to every item's resource — over
 * existing attributes with `override: true` (the default), else only where the attribute is missing. A detector that
 * fails is logged and skipped, as upstream. Detectors here:
 * - `env`: OTEL_RESOURCE_ATTRIBUTES (`key=value,key2=value2`, values percent-decoded);
 * - `eks`: when the Kubernetes API answers and its /version is an EKS build (`-eks-` in gitVersion; upstream also
 *   needs KUBERNETES_SERVICE_HOST, here $KUBECONFIG does too), cloud.provider `aws` and cloud.platform `aws_eks` —
 *   the two attributes the detector enables by default. The others it can enable (cloud.region,
 *   cloud.availability_zone, cloud.account.id, host.id, host.name, host.type, host.image.id, k8s.cluster.name) come
 *   from EC2 instance metadata and EC2 DescribeInstances; the bundled runtime cannot reach instance metadata (nor
 *   can the sandbox emulate it), so enabling them leaves them unset, with a warning;
 * - `system`: host.name (os.hostname) and os.type.
 * Other detectors (ec2, ecs, docker, gcp, azure, …) are refused by name.
 */
import { hostname, type as osType } from 'node:os';
import { SettingsError, type Settings } from '../config/settings.js';
import type { ComponentContext, Consumer, ProcessorInstance, Signal } from '../model.js';
import { kubeConfigFor } from '../runtime/kube-client.js';
import { updateResources, type AttributeMap } from './resource-items.js';

const SUPPORTED = ['env', 'eks', 'system'];
const EKS_ATTRIBUTES: Record<string, boolean> = {
  'cloud.provider': true,
  'cloud.platform': true,
  'cloud.account.id': false,
  'cloud.region': false,
  'cloud.availability_zone': false,
  'host.name': false,
  'host.id': false,
  'host.image.id': false,
  'host.type': false,
  'k8s.cluster.name': false,
};
const SYSTEM_ATTRIBUTES: Record<string, boolean> = {
  'host.name': true,
  'os.type': true,
  'host.id': false,
  'host.arch': false,
};

export interface ResourceDetectionSettings {
  detectors: string[];
  timeoutMs: number;
  override: boolean;
  eksAttributes: Record<string, boolean>;
  systemAttributes: Record<string, boolean>;
}

function enabledAttributes(settings: Settings, defaults: Record<string, boolean>): Record<string, boolean> {
  const enabled = { ...defaults };
  const configured = settings.nested('resource_attributes');
  for (const name of Object.keys((settings.raw('resource_attributes') as Record<string, unknown> | null) ?? {})) {
    if (!(name in defaults))
      throw new SettingsError(
        configured.at(name),
        `unknown resource attribute "${name}"`,
        `Known: ${Object.keys(defaults).join(', ')}`,
      );
    enabled[name] = configured
      .nested(name)
      .allowOnly(['enabled'])
      .boolean('enabled', defaults[name] ?? false);
  }
  return enabled;
}

export function readResourceDetectionSettings(settings: Settings): ResourceDetectionSettings {
  settings.allowOnly([
    'detectors',
    'timeout',
    'override',
    'attributes',
    'client',
    'eks',
    'system',
    'env',
    'refresh_interval',
  ]);
  if (settings.has('attributes')) {
    throw new SettingsError(
      settings.at('attributes'),
      '"attributes" is not supported by the bundled collector runtime (deprecated upstream: use each detector\'s resource_attributes)',
    );
  }
  const detectors = settings.stringList('detectors');
  detectors.forEach((detector, index) => {
    if (!SUPPORTED.includes(detector)) {
      throw new SettingsError(
        `${settings.at('detectors')}[${index}]`,
        `the detector "${detector}" is not supported by the bundled collector runtime`,
        `Supported detectors: ${SUPPORTED.join(', ')}`,
      );
    }
  });
  const eks = settings
    .nested('eks')
    .allowOnly(['resource_attributes', 'node_from_env_var', 'max_attempts', 'max_backoff']);
  const system = settings.nested('system').allowOnly(['resource_attributes', 'hostname_sources']);
  return {
    detectors,
    timeoutMs: settings.duration('timeout', 5_000),
    override: settings.boolean('override', true),
    eksAttributes: enabledAttributes(eks, EKS_ATTRIBUTES),
    systemAttributes: enabledAttributes(system, SYSTEM_ATTRIBUTES),
  };
}

/** OTEL_RESOURCE_ATTRIBUTES as the env detector reads it; throws for a malformed value. */
export function parseResourceAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of text.split(',')) {
    if (pair.trim() === '') continue;
    const equals = pair.indexOf('=');
    if (equals < 0) throw new Error(`invalid resource format: "${pair}"`);
    attributes[pair.slice(0, equals).trim()] = decodeURIComponent(pair.slice(equals + 1).trim());
  }
  return attributes;
}

export class ResourceDetectionProcessor<T> implements ProcessorInstance<T> {
  private detected: Record<string, string> = {};

  constructor(
    private readonly context: ComponentContext,
    private readonly settings: ResourceDetectionSettings,
    private readonly next: Consumer<T>,
    private readonly signal: Signal,
  ) {}

  async start(): Promise<void> {
    const deadline = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), this.settings.timeoutMs).unref(),
    );
    for (const detector of this.settings.detectors) {
      try {
        const found = await Promise.race([this.detect(detector), deadline]);
        if (found === 'timeout') throw new Error(`timed out after ${this.settings.timeoutMs}ms`);
        // an earlier detector wins over a later one (the collector merges in detector order)
        this.detected = { ...found, ...this.detected };
      } catch (error) {
        this.context.logger.warn(
          `processor ${this.context.id}: failed to detect resource with ${detector}: ${(error as Error).message}`,
        );
      }
    }
  }

  consume(items: T[]): void {
    const detected = Object.entries(this.detected);
    if (detected.length === 0) {
      this.next.consume(items);
      return;
    }
    const update = (attributes: AttributeMap) => {
      for (const [key, value] of detected) {
        if (this.settings.override || !attributes.has(key)) attributes.set(key, { stringValue: value });
      }
    };
    this.next.consume(updateResources(this.signal, items, update) as T[]);
  }

  async shutdown(): Promise<void> {}

  private async detect(detector: string): Promise<Record<string, string>> {
    if (detector === 'env') {
      const text = this.context.env['OTEL_RESOURCE_ATTRIBUTES'];
      return text === undefined ? {} : parseResourceAttributes(text);
    }
    if (detector === 'system') {
      const enabled = this.settings.systemAttributes;
      return {
        ...(enabled['host.name'] ? { 'host.name': hostname() } : {}),
        ...(enabled['os.type'] ? { 'os.type': osType().toLowerCase() } : {}),
        ...(enabled['host.arch'] ? { 'host.arch': process.arch === 'x64' ? 'amd64' : process.arch } : {}),
      };
    }
    return this.detectEks();
  }

  private async detectEks(): Promise<Record<string, string>> {
    const config = await kubeConfigFor(this.context.env, this.context.files).catch(() => undefined);
    if (config === undefined) return {};
    const { VersionApi } = await import('../runtime/kube-api.js');
    const version = await config.makeApiClient(VersionApi).getCode();
    if (!version.gitVersion.includes('-eks-')) return {};
    const enabled = this.settings.eksAttributes;
    const unreachable = Object.entries(enabled)
      .filter(([name, on]) => on && name !== 'cloud.provider' && name !== 'cloud.platform')
      .map(([name]) => name);
    if (unreachable.length > 0) {
      this.context.logger.warn(
        `processor ${this.context.id}: eks detector: ${unreachable.join(', ')} come from EC2 instance metadata, which the bundled collector runtime cannot reach; left unset`,
      );
    }
    return {
      ...(enabled['cloud.provider'] ? { 'cloud.provider': 'aws' } : {}),
      ...(enabled['cloud.platform'] ? { 'cloud.platform': 'aws_eks' } : {}),
    };
  }
}
