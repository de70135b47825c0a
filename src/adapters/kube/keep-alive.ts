import { Agent as HttpsAgent, type AgentOptions } from 'node:https';
import { createSecureContext } from 'node:tls';
import type { KubeConfig, RequestContext, SecurityAuthentication } from '@kubernetes/client-node';

/** The agent options that decide which TLS connection a request may reuse. */
const TLS_OPTIONS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;

/**
 * The kubeconfig's authentication (KubeConfig.applySecurityAuthentication), sending every request over one pool of
 * keep-alive connections. client-node gives each request an https.Agent of its own, so each request opened a TLS
 * connection of its own and closed it (doctor: ~45 handshakes against one API server). A new pool is made only when
 * the TLS options change (an exec credential plugin may hand out a new client certificate). Proxied clusters
 * (proxy-url) keep client-node's agents.
 */
export class KeepAliveAuthentication implements SecurityAuthentication {
  private pool: HttpsAgent | undefined;
  private readonly retired: HttpsAgent[] = [];

  constructor(private readonly kubeConfig: KubeConfig) {}

  getName(): string {
    return 'kubeconfig authentication over keep-alive connections';
  }

  async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await this.kubeConfig.applySecurityAuthentication(context);
    const agent = context.getAgent();
    // exactly https.Agent: proxy agents (hpagent, socks-proxy-agent) subclass the http(s) agents
    if (agent?.constructor !== HttpsAgent) return;
    const options = (agent as HttpsAgent).options;
    if (this.pool === undefined || !sameTls(this.pool.options, options)) {
      if (this.pool !== undefined) this.retired.push(this.pool);
      // one TLS context for every connection of the pool: without it, each connection builds its own from the same
      // options, and a context with a `ca` copies Node's whole root-certificate store (~1-2 ms each; doctor opens
      // ~30 connections at once). tls.connect builds it from these same options otherwise: `options.secureContext ||
      // tls.createSecureContext(options)` in https://github.com/nodejs/node/blob/v20.x/lib/_tls_wrap.js (tls.connect)
      this.pool = new HttpsAgent({ ...options, keepAlive: true, secureContext: createSecureContext(options) });
    }
    context.setAgent(this.pool);
  }

  /** closes the pooled connections */
  destroy(): void {
    for (const agent of [...this.retired, this.pool]) agent?.destroy();
  }
}

function sameTls(a: AgentOptions, b: AgentOptions): boolean {
  return TLS_OPTIONS.every((name) => sameValue(a[name], b[name]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  return a === b;
}
