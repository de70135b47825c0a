import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import fetch, {
  AbortError,
  FetchError,
  Headers,
  nodeFetchLoaded,
  realNodeFetch,
} from '../../src/adapters/kube/node-fetch-on-first-use.js';

// the CLI bundle's node-fetch for @kubernetes/client-node (rolldown.config.mjs); one test, as the module loads
// node-fetch once per test file
describe("node-fetch, loaded on first use (the CLI bundle's node-fetch for client-node)", () => {
  it('loads nothing when imported, then behaves as node-fetch: fetch, Headers, FetchError, AbortError', async () => {
    expect(nodeFetchLoaded()).toBe(false);
    expect({} instanceof Headers).toBe(false);
    expect(nodeFetchLoaded()).toBe(false);

    const headers = new Headers({ 'X-One': '1' });
    expect(nodeFetchLoaded()).toBe(true);
    headers.append('x-one', '2');
    expect(headers.get('x-one')).toBe('1, 2');
    expect(headers).toBeInstanceOf(Headers);
    expect(headers).toBeInstanceOf(realNodeFetch().Headers);

    const error = new FetchError('request failed', 'system', Object.assign(new Error('x'), { code: 'ECONNRESET' }));
    expect(error).toBeInstanceOf(FetchError);
    expect(error).toMatchObject({ name: 'FetchError', code: 'ECONNRESET' });
    expect(new AbortError('stopped')).toBeInstanceOf(AbortError);
    expect(new Error('other')).not.toBeInstanceOf(FetchError);

    const server = createServer((_request, response) => response.end('answered'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(await response.text()).toBe('answered');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
