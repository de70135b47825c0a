/**
 * The Amazon Managed Service for Prometheus workspace a collector writes to: the prometheusremotewrite exporter's
 * endpoint names the workspace and the region it lives in; its sigv4auth extension names the region the requests
 * are signed for, which must be the same (SigV4 scopes a signature to one region).
 */
import { componentType, exportersInUse, type CollectorConfig } from '../collector-config.js';
import { ampWorkspaceOfUrl } from './required-permissions.js';

export interface AmpWorkspaceTarget {
  workspaceId: string;
  endpointRegion: string;
  /** undefined when the authenticator names no region (sigv4auth then infers it from the endpoint) */
  signingRegion: string | undefined;
  exporter: string;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The first AMP workspace a prometheusremotewrite exporter in the pipelines writes to, if any. */
export function ampWorkspaceOfExporters(config: CollectorConfig): AmpWorkspaceTarget | undefined {
  for (const id of exportersInUse(config)) {
    if (componentType(id) !== 'prometheusremotewrite') continue;
    const settings = record(config.exporters[id]);
    const endpoint = typeof settings.endpoint === 'string' ? settings.endpoint : '';
    const workspace = ampWorkspaceOfUrl(endpoint);
    if (workspace === undefined) continue;
    const authenticator = record(settings.auth).authenticator;
    const extension = typeof authenticator === 'string' ? record(config.extensions[authenticator]) : {};
    const signingRegion =
      typeof extension.region === 'string' && extension.region !== '' ? extension.region : undefined;
    return { workspaceId: workspace.workspaceId, endpointRegion: workspace.region, signingRegion, exporter: id };
  }
  return undefined;
}

/**
 * The hosts SigV4-signed remote writes go to that are not Amazon Managed Service for Prometheus endpoints: a
 * prometheusremotewrite exporter in the pipelines authenticated by a sigv4auth extension, whose endpoint names no
 * workspace of an AMP host. Signed requests carry the role's credentials' signature to that host.
 */
export function customSignedRemoteWrites(config: CollectorConfig): string[] {
  const hosts: string[] = [];
  for (const id of exportersInUse(config)) {
    if (componentType(id) !== 'prometheusremotewrite') continue;
    const settings = record(config.exporters[id]);
    const authenticator = record(settings.auth).authenticator;
    if (typeof authenticator !== 'string' || componentType(authenticator) !== 'sigv4auth') continue;
    const endpoint = typeof settings.endpoint === 'string' ? settings.endpoint : '';
    if (ampWorkspaceOfUrl(endpoint) !== undefined) continue;
    try {
      hosts.push(new URL(endpoint).host);
    } catch {
      // an endpoint that is not a URL is collector.resource's finding
    }
  }
  return hosts;
}
