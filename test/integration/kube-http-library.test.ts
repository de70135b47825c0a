import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/adapters/clock.js';
import { ClientNodeKube, loadKubeConfig } from '../../src/adapters/kube/kube.js';
import { mapKubeError } from '../../src/adapters/kube/errors.js';
import { KubeRequestError, nodeHttpLibrary } from '../../src/adapters/kube/node-http-library.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/sandbox.js';
import { scenarioSeed } from '../../src/sandbox/seed/scenarios.js';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

const json = JSON.stringify({ kind: 'Status', message: 'ünïcode ✓', items: Array.from({ length: 200 }, (_, i) => i) });

/** answers by path: /gzip, /deflate, /raw-deflate compress `json`; /echo answers what it got; /hang never answers */
function answer(request: IncomingMessage, body: string, response: ServerResponse, seen: Seen[]): void {
  seen.push({ method: request.method, url: request.url, headers: request.headers, body });
  const encodings: Record<string, [string, Buffer]> = {
    '/gzip': ['gzip', gzipSync(json)],
    '/deflate': ['deflate', deflateSync(json)],
    '/raw-deflate': ['deflate', deflateRawSync(json)],
  };
  const encoded = encodings[request.url ?? ''];
  if (encoded !== undefined) {
    response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoded[0] });
    response.end(encoded[1]);
  } else if (request.url === '/echo') {
    response.setHeader('x-repeated', ['one', 'two']);
    response.writeHead(201, { 'Content-Type': 'application/json' });
    response.end(body);
  } else if (request.url !== '/hang') {
    response.writeHead(404).end();
  }
}

describe('client-node requests over node:http(s) (node-http-library.ts)', () => {
  let server: Server;
  let base: string;
  const seen: Seen[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => answer(request, body, response, seen));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function send(context: RequestContext) {
    return nodeHttpLibrary().send(context).toPromise();
  }

  it.each(['/gzip', '/deflate', '/raw-deflate'])('decodes a %s-encoded answer, as text and as bytes', async (path) => {
    const response = await send(new RequestContext(`${base}${path}`, HttpMethod.GET));
    expect(response.httpStatusCode).toBe(200);
    expect(await response.body.text()).toBe(json);
    expect((await response.body.binary()).equals(Buffer.from(json))).toBe(true);
    expect(seen.at(-1)?.headers['accept-encoding']).toBe('gzip, deflate');
  });

  it('sends the method, headers and body it is given, and answers the status and headers as Fetch would', async () => {
    const context = new RequestContext(`${base}/echo`, HttpMethod.PATCH);
    context.setHeaderParam('Content-Type', 'application/apply-patch+yaml');
    context.setHeaderParam('Authorization', 'Bearer token-x');
    context.setBody('kind: ConfigMap\nmetadata: {name: ü}\n');
    const response = await send(context);
    expect(response.httpStatusCode).toBe(201);
    expect(await response.body.text()).toBe('kind: ConfigMap\nmetadata: {name: ü}\n');
    expect(response.headers).toMatchObject({ 'content-type': 'application/json', 'x-repeated': 'one, two' });
    expect(seen.at(-1)).toMatchObject({
      method: 'PATCH',
      headers: {
        'content-type': 'application/apply-patch+yaml',
        authorization: 'Bearer token-x',
        // bytes, not characters
        'content-length': String(Buffer.byteLength('kind: ConfigMap\nmetadata: {name: ü}\n')),
      },
    });
  });

  it('turns a refused connection into a KubeRequestError with its code, which becomes KubeUnreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await send(new RequestContext(`http://127.0.0.1:${port}/version`, HttpMethod.GET)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(KubeRequestError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
    expect((error as Error).message).toMatch(
      new RegExp(`^request to http://127.0.0.1:${port}/version failed, reason: `),
    );
    const mapped = mapKubeError(error, { what: 'get /version', contextName: 'c', clusterName: 'demo', server: base });
    expect(mapped).toMatchObject({ code: 'KubeUnreachable' });
    expect(mapped.message).toContain('(ECONNREFUSED)');
  });

  it('stops waiting when its signal aborts, with an AbortError', async () => {
    const context = new RequestContext(`${base}/hang`, HttpMethod.GET);
    const controller = new AbortController();
    context.setSignal(controller.signal);
    const pending = send(context).catch((caught: unknown) => caught);
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toMatchObject({ name: 'AbortError' });
  });
});

describe('client-node requests over TLS against the sandbox API server', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: scenarioSeed('installed-healthy') });
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it("a server whose certificate the kubeconfig's CA did not sign is KubeUnreachable, naming the TLS failure", async () => {
    const untrusting = new ClientNodeKube({
      kubeConfig: loadKubeConfig({
        text: sandbox.kubeconfig().replace(/certificate-authority-data: .*/, 'insecure-skip-tls-verify: false'),
      }),
      clock: { now: () => Date.now(), sleep: async () => undefined },
    });
    const error = await untrusting.version().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'KubeUnreachable' });
    expect((error as Error).message).toMatch(/cannot reach the Kubernetes API at https:.*(certificate|CERT)/);
    untrusting.destroy();
  });

  it('reads versions and objects over kept-alive TLS connections', async () => {
    const kube = new ClientNodeKube({ kubeConfig: loadKubeConfig({ text: sandbox.kubeconfig() }), clock: systemClock });
    expect((await kube.version()).gitVersion).toBe('v1.22.17-eks-48e63af');
    expect(await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: 'aws-otel-eks' })).toMatchObject({
      metadata: { name: 'aws-otel-eks' },
    });
    kube.destroy();
  });
});
