/**
 * Extensions the bundled runtime accepts but does not serve, because what they expose belongs to the Go runtime of
 * the collector: `pprof` (Go's net/http/pprof profiles, default localhost:1777) and `zpages` (the collector's
 * in-process debug pages, default localhost:55679). Their settings are checked; nothing listens.
 */
import { parseEndpoint, type Settings } from '../config/settings.js';
import type { ComponentContext, ExtensionInstance } from '../model.js';

const KEYS: Record<string, string[]> = {
  pprof: ['endpoint', 'block_profile_fraction', 'mutex_profile_fraction', 'save_to_file'],
  zpages: [
    'endpoint',
    'expvar',
    'cors',
    'tls',
    'auth',
    'include_metadata',
    'response_headers',
    'max_request_body_size',
  ],
};

export function readNoopExtensionSettings(settings: Settings, type: 'pprof' | 'zpages'): void {
  settings.allowOnly(KEYS[type] ?? []);
  const endpoint = settings.string('endpoint');
  if (endpoint !== undefined && endpoint !== '') parseEndpoint(endpoint, settings.at('endpoint'));
}

export class AcceptedNoopExtension implements ExtensionInstance {
  constructor(private readonly context: ComponentContext) {}

  async start(): Promise<void> {
    this.context.logger.info(
      `extension ${this.context.id}: accepted, not served (the bundled collector runtime has no Go runtime to profile or inspect)`,
    );
  }

  async shutdown(): Promise<void> {}
}
