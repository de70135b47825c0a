import { userOfEksToken } from './eks-token.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { FaultInjector } from '../faults.js';
import type { ClusterStore } from '../types.js';
import { startApiControllers } from './api-controllers.js';
import { createServingCertificate, type ServingCertificate } from './certificate.js';
import { apiGroup, apiGroupList, apiVersions, resourceList } from './discovery.js';
import { EventLog } from './event-log.js';
import { openApiDocument, openApiIndex } from './openapi.js';
import { forbiddenMessage, RbacAuthorizer, superuserGroup, type RequestAttributes } from './rbac.js';
import { apiVersionOf, ResourceRegistry, storageApiVersion } from './registry.js';
import { podLog, podNotFound, type PodLogSource } from './pod-log.js';
import { parseRequest, type NonResourceRequest, type ResourceRequest } from './request-info.js';
import { actingUser } from './impersonation.js';
import { ResourceApi, type UserInfo } from './resource-api.js';
import { KubeApiError, statusError } from './status.js';
import { kubeVersionInfo } from './version.js';
import { WatchStreams } from './watch.js';

export interface KubeApiServerOptions {
  store: ClusterStore;
  /** what /version reports, e.g. v1.22.17-eks-48e63af */
  gitVersion: string;
  faults?: FaultInjector;
  /** default 127.0.0.1 */
  host?: string;
  /** default 0 (an ephemeral port) */
  port?: number;
  /**
   * bearer token -> user name. Without it the server does not authenticate and every request acts as a member of
   * system:masters (which RBAC does not restrict, as in Kubernetes).
   */
  tokens?: Record<string, string>;
  /** access key id -> user name for EKS tokens (`aws eks get-token`, see eks-token.ts); needs `tokens` set */
  eksTokenUsers?: Record<string, string>;
  /**
   * the user a bearer token that is not in `tokens` stands for when it is a service-account token of this cluster
   * (pods reach the API with their service account's token); undefined when it is not one
   */
  serviceAccountTokens?: (token: string) => UserInfo | undefined;
  /** serving certificate; default: a fresh self-signed one for the host, localhost and 127.0.0.1 */
  certificate?: ServingCertificate;
  /** the containers' log files, for pods/log (`kubectl logs`); without it no pod has logs */
  podLogs?: PodLogSource;
}

export interface KubeApiServer {
  /** https://127.0.0.1:<port> (HTTPS because kubectl sends credentials only over TLS) */
  url: string;
  /** PEM certificate clients must trust (kubeconfig certificate-authority-data) */
  certificateAuthority: string;
  /** every request answered so far, in order, for tests and benchmarks to count calls (as AwsServer's) */
  requests(): KubeRequestRecord[];
  close(): Promise<void>;
}

export interface KubeRequestRecord {
  method: string;
  /** the request target without its query, as sent, e.g. /apis/apps/v1 */
  path: string;
  status: number;
}

/** answered to anyone, as Kubernetes' system:public-info-viewer allows */
const publicPaths = /^\/(healthz|livez|readyz|version)(\/.*)?$/;

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
    ...headers,
  });
  response.end(response.req.method === 'HEAD' ? undefined : text);
}

function sendError(response: ServerResponse, error: KubeApiError): void {
  send(response, error.code, error.toStatus(), error.code === 429 ? { 'Retry-After': '1' } : {});
}

const notFoundResource = (): KubeApiError =>
  new KubeApiError(404, 'NotFound', 'the server could not find the requested resource');

export async function startKubeApiServer(options: KubeApiServerOptions): Promise<KubeApiServer> {
  const { store, faults } = options;
  const now = (): Date => new Date();
  const registry = new ResourceRegistry(store);
  const log = new EventLog(store);
  const authorizer = new RbacAuthorizer(store);
  const api = new ResourceApi({ store, log, authorizer, now });
  const watches = new WatchStreams(log, now);
  const stopControllers = startApiControllers(store, now);
  let serverAddress = '';

  const authenticate = (request: IncomingMessage): UserInfo | undefined => {
    if (options.tokens === undefined) return { name: 'system:admin', groups: [superuserGroup, 'system:authenticated'] };
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const token = match?.[1] ?? '';
    const name = options.tokens[token] ?? userOfEksToken(token, options.eksTokenUsers ?? {});
    if (name !== undefined) return { name, groups: ['system:authenticated'] };
    return token === '' ? undefined : options.serviceAccountTokens?.(token);
  };

  const authorize = (attributes: RequestAttributes): void => {
    const decision = authorizer.authorize(attributes);
    if (decision.allowed) return;
    throw new KubeApiError(403, 'Forbidden', forbiddenMessage(attributes), {
      ...(attributes.name === undefined ? {} : { name: attributes.name }),
      ...(attributes.resource === undefined ? {} : { group: attributes.apiGroup ?? '', kind: attributes.resource }),
    });
  };

  const serveNonResource = (info: NonResourceRequest, user: UserInfo | undefined, response: ServerResponse): void => {
    const path = info.path.replace(/\/+$/, '') || '/';
    if (user !== undefined) authorize({ user: user.name, groups: user.groups, verb: info.verb, path });
    if (info.verb !== 'get')
      throw new KubeApiError(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      );
    if (/^\/(healthz|livez|readyz)(\/.*)?$/.test(path)) return send(response, 200, 'ok');
    if (path === '/version') return send(response, 200, kubeVersionInfo(options.gitVersion));
    if (path === '/api') return send(response, 200, apiVersions(serverAddress));
    if (path === '/apis') return send(response, 200, apiGroupList(registry));
    if (path === '/openapi/v3') return send(response, 200, openApiIndex(registry));
    const openApi = /^\/openapi\/v3\/(.+)$/.exec(path);
    const parts = path.split('/').filter((part) => part !== '');
    const document =
      openApi !== null
        ? openApiDocument(registry, openApi[1] ?? '')
        : parts[0] === 'api' && parts.length === 2
          ? resourceList(registry, '', parts[1] ?? '')
          : parts[0] === 'apis' && parts.length === 2
            ? apiGroup(registry, parts[1] ?? '')
            : parts[0] === 'apis' && parts.length === 3
              ? resourceList(registry, parts[1] ?? '', parts[2] ?? '')
              : undefined;
    if (document === undefined) throw notFoundResource();
    send(response, 200, document);
  };

  const serveResource = (
    info: ResourceRequest,
    user: UserInfo,
    request: IncomingMessage,
    query: URLSearchParams,
    body: Buffer,
    response: ServerResponse,
  ): void => {
    const type = registry.byResource(info.group, info.version, info.plural);
    if (type === undefined || (info.namespace !== undefined && !type.namespaced)) throw notFoundResource();
    const attributes: RequestAttributes = {
      user: user.name,
      groups: user.groups,
      verb: info.verb,
      apiGroup: info.group,
      resource: info.plural,
      ...(info.subresource === undefined ? {} : { subresource: info.subresource }),
      ...(info.namespace === undefined ? {} : { namespace: info.namespace }),
      ...(info.name === undefined ? {} : { name: info.name }),
    };
    authorize(attributes);
    const contentType = request.headers['content-type'] ?? 'application/json';
    if (info.verb === 'patch' && contentType.startsWith('application/apply-patch+yaml') && info.name !== undefined) {
      const absent =
        store.get(storageApiVersion(type), type.kind, info.name, type.namespaced ? info.namespace : undefined) ===
        undefined;
      if (absent) authorize({ ...attributes, verb: 'create' });
    }
    const injected = faults?.pick({ service: 'kubernetes', verb: info.verb, resource: info.plural });
    if (injected !== undefined)
      throw statusError(injected, `injected fault: ${info.verb} ${info.plural} answered ${injected}`);
    // https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definition-versioning/#version-deprecation
    if (type.deprecationWarning !== undefined)
      response.setHeader('Warning', `299 - ${JSON.stringify(type.deprecationWarning)}`);
    if (info.plural === 'pods' && info.subresource === 'log' && info.group === '' && info.name !== undefined) {
      if (info.verb !== 'get')
        throw new KubeApiError(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        );
      const pod = store.get('v1', 'Pod', info.name, info.namespace);
      if (pod === undefined) throw podNotFound(info.name);
      return send(response, 200, podLog(pod, query, options.podLogs, now()));
    }
    const accept = request.headers.accept;
    if (info.verb === 'watch') {
      watches.serve(
        {
          info,
          type,
          query,
          ...(accept === undefined ? {} : { accept }),
          initialObjects: () => api.matching({ info, type, query }),
          served: (object) => api.convert(object, apiVersionOf(type), 'watch'),
        },
        response,
      );
      return;
    }
    const userAgent = request.headers['user-agent'];
    const result = api.handle({
      info,
      type,
      query,
      body,
      contentType,
      user,
      ...(accept === undefined ? {} : { accept }),
      ...(userAgent === undefined ? {} : { userAgent }),
    });
    send(response, result.status, result.body);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const body = await readBody(request);
    const authenticated = authenticate(request);
    const user =
      authenticated === undefined ? undefined : actingUser(request.headersDistinct, authenticated, authorize);
    if (user === undefined && !(publicPaths.test(url.pathname) && request.headers.authorization === undefined)) {
      throw new KubeApiError(401, 'Unauthorized', 'Unauthorized');
    }
    const info = parseRequest(request.method ?? 'GET', url.pathname, url.searchParams);
    if (info === undefined) throw notFoundResource();
    if (info.type === 'nonResource') return serveNonResource(info, user, response);
    if (user === undefined) throw new KubeApiError(401, 'Unauthorized', 'Unauthorized');
    serveResource(info, user, request, url.searchParams, body, response);
  };

  const host = options.host ?? '127.0.0.1';
  const certificate =
    options.certificate ??
    createServingCertificate({
      commonName: 'adot-sandbox-kube-apiserver',
      hosts: [...new Set([host, 'localhost', '127.0.0.1'])],
    });
  const requests: KubeRequestRecord[] = [];
  const server = createServer({ cert: certificate.cert, key: certificate.key }, (request, response) => {
    response.once('finish', () => {
      // the request target as sent, without its query: a target that is no URL (answered 400/500 by handle) is
      // logged too, where parsing it here would throw in an event listener and end the server
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      requests.push({ method: request.method ?? 'GET', path, status: response.statusCode });
    });
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      sendError(
        response,
        error instanceof KubeApiError
          ? error
          : statusError(500, error instanceof Error ? error.message : String(error)),
      );
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  serverAddress = `${shownHost}:${address.port}`;

  return {
    url: `https://${serverAddress}`,
    certificateAuthority: certificate.cert,
    requests: () => requests.map((record) => ({ ...record })),
    close: async () => {
      watches.closeAll();
      stopControllers();
      log.close();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      });
    },
  };
}
