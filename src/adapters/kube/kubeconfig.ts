import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { failure } from '../../core/errors.js';
import type { KubeContextInfo } from '../../ports.js';

/** Where the kubeconfig comes from: given text (the sandbox), files (--kubeconfig / KUBECONFIG), or ~/.kube/config. */
export type KubeconfigSource = { text: string } | { paths: string[] };

export interface KubeconfigOptions {
  source: KubeconfigSource | undefined;
  /** --context */
  context?: string;
  /** HOME, for the default ~/.kube/config */
  home?: string;
  /** --cluster, for hints */
  clusterName?: string;
}

/** kubectl's rule: the explicit list, else ~/.kube/config. */
export function resolveKubeconfigSource(options: KubeconfigOptions): KubeconfigSource {
  if (options.source !== undefined) return options.source;
  const fallback = options.home === undefined ? undefined : join(options.home, '.kube', 'config');
  if (fallback !== undefined && existsSync(fallback)) return { paths: [fallback] };
  throw failure('KubeconfigMissing', 'no kubeconfig found (no --kubeconfig, no KUBECONFIG, no ~/.kube/config)', {
    hint: updateKubeconfigHint(options.clusterName),
  });
}

export function updateKubeconfigHint(clusterName: string | undefined): string {
  return `aws eks update-kubeconfig --name ${clusterName ?? '<cluster>'}`;
}

interface NamedEntry {
  name?: string;
  cluster?: { server?: string };
  context?: { cluster?: string; user?: string };
}

interface KubeconfigDocument {
  'current-context'?: string;
  clusters?: NamedEntry[];
  contexts?: NamedEntry[];
  users?: NamedEntry[];
}

/**
 * The context in use, read with the same merge rule kubectl applies to a KUBECONFIG list (the first file that
 * sets current-context wins; for each name the first definition wins). Used before @kubernetes/client-node is
 * loaded, so that `context()` stays synchronous without loading the client.
 */
export function describeKubeconfigContext(source: KubeconfigSource, contextName?: string): KubeContextInfo {
  const documents = 'text' in source ? [parseDocument(source.text, 'kubeconfig')] : source.paths.map(readDocument);
  const where = 'text' in source ? 'the kubeconfig' : `kubeconfig ${source.paths.join(':')}`;
  if (documents.every((doc) => (doc.clusters ?? []).length === 0 && (doc.contexts ?? []).length === 0)) {
    throw failure('KubeconfigEmpty', `${where} defines no cluster and no context`, {
      hint: 'write one for your EKS cluster: aws eks update-kubeconfig --name <cluster>',
    });
  }
  const current = contextName ?? documents.map((doc) => doc['current-context']).find((name) => !!name);
  if (!current)
    throw failure('KubeContextMissing', `${where} sets no current context`, { hint: 'pass --context NAME' });
  const context = firstNamed(
    documents.map((doc) => doc.contexts),
    current,
  );
  if (!context) {
    throw failure('KubeContextNotFound', `context "${current}" not found in the kubeconfig`, {
      hint: 'list the contexts with: kubectl config get-contexts',
    });
  }
  const clusterName = context.context?.cluster ?? '';
  const cluster = firstNamed(
    documents.map((doc) => doc.clusters),
    clusterName,
  );
  if (cluster === undefined) {
    throw failure(
      'KubeClusterNotFound',
      `context "${current}" names cluster "${clusterName}", which ${where} does not define`,
      {
        hint: 'list them with: kubectl config view; or rewrite the context: aws eks update-kubeconfig --name <cluster>',
      },
    );
  }
  // EKS refuses anonymous requests: without a user no credentials are sent, and the failure that follows (a TLS or
  // 401 error) would not say why
  const userName = context.context?.user;
  if (
    !userName ||
    firstNamed(
      documents.map((doc) => doc.users),
      userName,
    ) === undefined
  ) {
    throw failure(
      'KubeUserMissing',
      userName
        ? `context "${current}" names user "${userName}", which ${where} does not define: no credentials would be sent`
        : `context "${current}" names no user: no credentials would be sent to the Kubernetes API`,
      { hint: 'aws eks update-kubeconfig --name <cluster> writes a context with its user (an aws eks get-token exec)' },
    );
  }
  return { contextName: current, clusterName, server: cluster.cluster?.server ?? '' };
}

function firstNamed(lists: (NamedEntry[] | undefined)[], name: string): NamedEntry | undefined {
  for (const list of lists) {
    const found = (list ?? []).find((entry) => entry.name === name);
    if (found) return found;
  }
  return undefined;
}

function readDocument(path: string): KubeconfigDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw failure('KubeconfigUnreadable', `cannot read kubeconfig ${path}: ${(error as Error).message}`, {
      cause: error,
      hint: 'check --kubeconfig / KUBECONFIG',
    });
  }
  return parseDocument(text, path);
}

function parseDocument(text: string, source: string): KubeconfigDocument {
  try {
    return (parseYaml(text) as KubeconfigDocument | null) ?? {};
  } catch (error) {
    throw failure('KubeconfigInvalid', `${source} is not valid YAML: ${(error as Error).message}`, { cause: error });
  }
}
