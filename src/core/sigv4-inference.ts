/**
 * The signing service and region the sigv4auth extension infers from the host it sends to when its configuration
 * leaves them out, as opentelemetry-collector-contrib extension/sigv4authextension/signingroundtripper.go,
 * inferServiceAndRegion and extractServiceAndRegion: hosts starting `aps-workspaces` sign for aps, `search-` for es,
 * `logs` for logs, `xray` for xray, and the region is the host's second label
 * (aps-workspaces.us-west-2.amazonaws.com → aps, us-west-2). Configured values win; other hosts infer nothing.
 */
const INFERRED_SERVICES: readonly [prefix: string, service: string][] = [
  ['aps-workspaces', 'aps'],
  ['search-', 'es'],
  ['logs', 'logs'],
  ['xray', 'xray'],
];

export interface SigV4Scope {
  service?: string;
  region?: string;
}

export function inferSigV4Scope(host: string, configured: SigV4Scope = {}): SigV4Scope {
  let { service, region } = configured;
  if (service !== undefined && region !== undefined) return { service, region };
  const match = INFERRED_SERVICES.find(([prefix]) => host.startsWith(prefix));
  if (match !== undefined) {
    service ??= match[1];
    const rest = host.slice(host.indexOf('.') + 1);
    const dot = rest.indexOf('.');
    if (region === undefined && dot > 0) region = rest.slice(0, dot);
  }
  return { ...(service === undefined ? {} : { service }), ...(region === undefined ? {} : { region }) };
}
