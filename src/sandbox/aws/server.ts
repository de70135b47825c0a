import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultInjector } from '../faults.js';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../seed/identity.js';
import { AwsServiceError } from '../types.js';
import { authorizeRoleSession } from './authorize.js';
import { CredentialStore } from './credentials.js';
import type { EksEmulator } from './eks/emulator.js';
import { eksService } from './eks/service.js';
import type { IamEmulator } from './iam/emulator.js';
import { iamService } from './iam/service.js';
import {
  scopeFromAuthorization,
  scopeFromPresignedQuery,
  type AwsRequest,
  type AwsResponse,
} from './protocols/request.js';
import type { AwsService } from './protocols/service.js';
import { SANDBOX_USER_NAME, stsService } from './sts/service.js';

export interface AwsServerOptions {
  account: string;
  region: string;
  eks: EksEmulator;
  iam: IamEmulator;
  faults?: FaultInjector;
  /** the sandbox's credentials (default: a store with only the sandbox user's keys) */
  credentials?: CredentialStore;
  /** more services on the same endpoint (e.g. X-Ray, CloudWatch Logs), found by their signing name */
  services?: AwsService[];
  host?: string;
  port?: number;
}

export interface RequestRecord {
  service: string;
  operation: string;
  status: number;
}

export interface AwsServer {
  url: string;
  /** who may sign requests: the sandbox user and the role sessions STS (or the sandbox itself) issued */
  credentials: CredentialStore;
  /** every request served so far, in order, for tests and benchmarks to count calls */
  requests(): RequestRecord[];
  close(): Promise<void>;
}

/** STS calls that carry no signature by design: the token in the form is the credential. */
const UNSIGNED_STS_ACTIONS = new Set(['AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML']);
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** The store of the sandbox user's fixed keys, to which STS adds the role sessions it issues. */
export function sandboxCredentialStore(account: string, iam: IamEmulator): CredentialStore {
  return new CredentialStore({
    account,
    user: { name: SANDBOX_USER_NAME, accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    findRole: (roleArn) => iam.findRoleByArn(roleArn),
  });
}

/**
 * One loopback HTTP endpoint for every emulated AWS service. A request goes to the service its SigV4 credential
 * scope names (Authorization header, or X-Amz-Credential of a presigned URL). Its access key must be one the
 * sandbox issued (signatures themselves are not verified); a role session's request is authorized against the
 * role's policies with the IAM policy evaluator, and refused in the service's own error shape when IAM would.
 */
export async function startAwsServer(options: AwsServerOptions): Promise<AwsServer> {
  const credentials = options.credentials ?? sandboxCredentialStore(options.account, options.iam);
  const services = [
    eksService(options.eks),
    iamService(options.iam),
    stsService(options.iam, credentials),
    ...(options.services ?? []),
  ];
  const log: RequestRecord[] = [];
  const dispatch = (request: AwsRequest): AwsResponse => {
    const service = chooseService(services, request);
    if (service === undefined) {
      log.push({ service: 'unknown', operation: 'Unknown', status: 400 });
      return unknownServiceResponse(request);
    }
    const operation = service.operationOf(request);
    const answer = (response: AwsResponse): AwsResponse => {
      log.push({ service: service.faultService, operation: operation ?? 'Unknown', status: response.status });
      return response;
    };
    try {
      if (!isAuthenticated(request, operation)) throw service.missingAuthentication();
      if (request.scope !== undefined) {
        const caller = credentials.authenticate(request.scope.accessKeyId, request.sessionToken);
        if (caller === 'unrecognized' || caller === 'expired') throw service.authFailure({ kind: caller });
        request.caller = caller;
      }
      if (operation === undefined) throw service.unknownOperation(request);
      if (request.caller?.kind === 'role-session') {
        const permissions = service.permissions(request, operation);
        const refusal = authorizeRoleSession(request.caller, permissions, request, options.iam, credentials);
        if (refusal !== undefined) throw service.authFailure(refusal);
      }
      const fault = options.faults?.pick({ service: service.faultService, operation });
      if (fault !== undefined) throw service.faultError(fault);
      return answer(service.serve(request, operation));
    } catch (error) {
      const serviceError = error instanceof AwsServiceError ? error : internalError(service, error);
      return answer(service.renderError(serviceError, request));
    }
  };

  const server = createServer((incoming, outgoing) => {
    readRequest(incoming)
      .then((request) => send(outgoing, dispatch(request)))
      .catch((error: unknown) => {
        send(outgoing, {
          status: 400,
          headers: { 'content-type': 'text/plain' },
          body: error instanceof Error ? error.message : String(error),
        });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    credentials,
    requests: () => log.map((record) => ({ ...record })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}

function chooseService(services: AwsService[], request: AwsRequest): AwsService | undefined {
  if (request.scope !== undefined) return services.find((service) => service.signingName === request.scope?.service);
  // Unsigned: the service whose protocol recognises the request, so that its own error shape answers it.
  const claimedBy = services.find((service) => service.operationOf(request) !== undefined);
  if (claimedBy !== undefined) return claimedBy;
  const loose = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(String(request.headers.authorization ?? ''));
  return services.find((service) => service.signingName === (loose?.[1] ?? 'eks'));
}

function isAuthenticated(request: AwsRequest, operation: string | undefined): boolean {
  if (request.scope !== undefined) return true;
  return operation !== undefined && UNSIGNED_STS_ACTIONS.has(operation);
}

function internalError(service: AwsService, error: unknown): AwsServiceError {
  const failure = service.faultError(500);
  return new AwsServiceError(
    failure.code,
    `${failure.message}: ${error instanceof Error ? error.message : String(error)}`,
    500,
  );
}

function unknownServiceResponse(request: AwsRequest): AwsResponse {
  const service = request.scope?.service ?? '(none)';
  return {
    status: 400,
    headers: {
      'content-type': 'application/json',
      'x-amzn-requestid': request.requestId,
      'x-amzn-errortype': 'UnknownServiceException',
    },
    body: JSON.stringify({ message: `The sandbox does not emulate the AWS service "${service}"` }),
  };
}

async function readRequest(incoming: IncomingMessage): Promise<AwsRequest> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error('Request body too large');
    chunks.push(buffer);
  }
  const url = new URL(incoming.url ?? '/', 'http://sandbox.invalid');
  const authorization = incoming.headers.authorization;
  return {
    method: incoming.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: incoming.headers,
    body: Buffer.concat(chunks),
    scope: scopeFromAuthorization(authorization) ?? scopeFromPresignedQuery(url.searchParams),
    sessionToken:
      headerValue(incoming.headers['x-amz-security-token']) ??
      url.searchParams.get('X-Amz-Security-Token') ??
      undefined,
    sourceIp: incoming.socket.remoteAddress ?? '127.0.0.1',
    requestId: randomUUID(),
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function send(outgoing: ServerResponse, response: AwsResponse): void {
  const body = Buffer.from(response.body, 'utf8');
  outgoing.writeHead(response.status, { ...response.headers, 'content-length': String(body.length) });
  outgoing.end(body);
}
