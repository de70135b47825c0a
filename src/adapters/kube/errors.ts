import { AdotError, failure } from '../../core/errors.js';
import { updateKubeconfigHint } from './kubeconfig.js';
import { KubeRequestError } from './node-http-library.js';

/** The HTTP status of a failed client-node call (ApiException.code), if it got an answer. */
export function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof Error && typeof (error as { code?: unknown }).code === 'number') {
    return (error as unknown as { code: number }).code;
  }
  return undefined;
}

/** The socket error code (ECONNREFUSED …) of a call that got no answer. */
export function networkCodeOf(error: unknown): string | undefined {
  for (let current = error; current instanceof Error; current = (current as { cause?: unknown }).cause) {
    const code = (current as { code?: unknown }).code ?? (current as { errno?: unknown }).errno;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  }
  return undefined;
}

/** The Kubernetes Status message of an error answer, when the body carries one. */
export function statusMessageOf(error: unknown): string | undefined {
  const body = (error as { body?: unknown }).body;
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.trim() === '' ? undefined : body.trim();
    }
  }
  const message = (parsed as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

export interface KubeCall {
  /** e.g. "get apps/v1 Deployment aws-otel-eks/observability-collector" */
  what: string;
  /** context and cluster, for hints */
  contextName: string;
  clusterName: string | undefined;
  server: string;
}

export function unknownKindError(apiVersion: string, kind: string, cause?: unknown): AdotError {
  return failure('KindNotFound', `no matches for kind "${kind}" in version "${apiVersion}"`, {
    cause,
    hint:
      kind === 'OpenTelemetryCollector'
        ? 'the ADOT add-on (and its CRD) is not installed or not ACTIVE yet: adot doctor'
        : `the API server does not serve ${apiVersion} ${kind}: kubectl api-resources`,
  });
}

/** client-node's discovery found no such kind in the group/version, or the group/version itself is not served */
export function isUnknownKind(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (/^Unrecognized API version and kind/.test(error.message)) return true;
  return /^Failed to fetch resource metadata/.test(error.message) && httpStatusOf(error) === 404;
}

/** client-node errors as AdotErrors with a hint; never includes tokens or certificates. */
export function mapKubeError(error: unknown, call: KubeCall): AdotError {
  if (error instanceof AdotError) return error;
  const hint = updateKubeconfigHint(call.clusterName);
  const status = httpStatusOf(error);
  const detail = statusMessageOf(error) ?? (error instanceof Error ? error.message : String(error));
  if (status === 401) {
    return failure(
      'KubeUnauthorized',
      `the Kubernetes API (${call.server}) rejected the credentials of context "${call.contextName}"`,
      {
        cause: error,
        hint,
      },
    );
  }
  if (status === 403) {
    return failure('KubeForbidden', `${call.what}: forbidden: ${detail}`, {
      cause: error,
      hint: 'ask a cluster admin for the RBAC permission, or check with: kubectl auth can-i --list',
    });
  }
  if (status !== undefined) {
    return failure('KubeError', `${call.what}: ${status} ${detail}`, { cause: error, details: { httpStatus: status } });
  }
  const code = networkCodeOf(error);
  if (code !== undefined || error instanceof KubeRequestError) {
    return failure('KubeUnreachable', `cannot reach the Kubernetes API at ${call.server} (${code ?? detail})`, {
      cause: error,
      hint: `check the kubeconfig context "${call.contextName}", or refresh it: ${hint}`,
    });
  }
  if (error instanceof Error && /exec|credential|token/i.test(error.message)) {
    return failure('KubeCredentials', `cannot get credentials for context "${call.contextName}": ${error.message}`, {
      cause: error,
      hint,
    });
  }
  return failure('KubeError', `${call.what}: ${detail}`, { cause: error });
}
