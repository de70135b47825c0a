import type { ServerResponse } from 'node:http';
import type { KubeObject, WatchEvent } from '../types.js';
import type { EventLog, LoggedEvent } from './event-log.js';
import { apiVersionOf, splitApiVersion, type ResourceType } from './registry.js';
import type { ResourceRequest } from './request-info.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { KubeApiError, statusError } from './status.js';
import { toTable, wantsTable } from './table.js';

export interface WatchRequest {
  info: ResourceRequest;
  type: ResourceType;
  query: URLSearchParams;
  accept?: string;
  /** current objects of the request's type, namespace and selectors (for the initial ADDED events), as served */
  initialObjects(): KubeObject[];
  /** a stored object in the request's version; throws a KubeApiError when it cannot be converted */
  served(object: KubeObject): KubeObject;
}

const defaultTimeoutSeconds = 1800;

/**
 * Streams watch events as newline-delimited JSON, from the given resourceVersion on (or, without one or with "0",
 * an ADDED event per existing object first), filtered like the list; ends after timeoutSeconds or on close().
 */
export class WatchStreams {
  private readonly open = new Set<() => void>();

  constructor(
    private readonly log: EventLog,
    private readonly now: () => Date,
  ) {}

  serve(request: WatchRequest, response: ServerResponse): void {
    const { info, type, query } = request;
    const labels = parseLabelSelector(query.get('labelSelector') ?? undefined);
    const fieldSelector = [
      query.get('fieldSelector'),
      info.name === undefined ? undefined : `metadata.name=${info.name}`,
    ]
      .filter((part): part is string => part !== null && part !== undefined && part !== '')
      .join(',');
    const fields = parseFieldSelector(fieldSelector, type.kind);
    // stored objects of any version of the group: each is converted to the requested version
    const matches = (object: KubeObject): boolean =>
      splitApiVersion(object.apiVersion).group === type.group &&
      object.kind === type.kind &&
      (!type.namespaced || info.namespace === undefined || object.metadata.namespace === info.namespace) &&
      labels(object) &&
      fields(object);

    const startValue = query.get('resourceVersion');
    const sendInitial =
      query.get('sendInitialEvents') === 'true' || startValue === null || startValue === '' || startValue === '0';
    let backlog: LoggedEvent[] = [];
    if (!sendInitial) {
      const start = Number(startValue);
      if (!Number.isInteger(start) || start < 0)
        throw new KubeApiError(400, 'BadRequest', `invalid resource version: ${startValue}`);
      const since = this.log.since(start);
      if (since === undefined) {
        this.begin(response);
        const expired = statusError(410, `too old resource version: ${start} (${this.log.resourceVersion})`);
        response.end(`${JSON.stringify({ type: 'ERROR', object: expired.toStatus() })}\n`);
        return;
      }
      backlog = since;
    }

    this.begin(response);
    const table = wantsTable(request.accept);
    let failed = false;
    const write = (event: WatchEvent | { type: 'BOOKMARK'; object: unknown }, alreadyServed = false): void => {
      if (failed) return;
      let object: unknown = event.object;
      if (event.type !== 'BOOKMARK') {
        let servedObject: KubeObject;
        try {
          servedObject = alreadyServed ? event.object : request.served(event.object);
        } catch (error) {
          if (!(error instanceof KubeApiError)) throw error;
          // the watch ends with the error, as etcd3's watcher does after a decode failure
          failed = true;
          response.end(`${JSON.stringify({ type: 'ERROR', object: error.toStatus() })}\n`);
          return;
        }
        object = table
          ? toTable(type, [servedObject], servedObject.metadata.resourceVersion ?? '', this.now().getTime())
          : servedObject;
      }
      response.write(`${JSON.stringify({ type: event.type, object })}\n`);
    };

    if (sendInitial) {
      for (const object of request.initialObjects()) write({ type: 'ADDED', object }, true);
      if (query.get('sendInitialEvents') === 'true' && query.get('allowWatchBookmarks') === 'true') {
        write({
          type: 'BOOKMARK',
          object: {
            kind: type.kind,
            apiVersion: apiVersionOf(type),
            metadata: {
              resourceVersion: String(this.log.resourceVersion),
              annotations: { 'k8s.io/initial-events-end': 'true' },
            },
          },
        });
      }
    }
    for (const entry of backlog) if (matches(entry.event.object)) write(entry.event);

    const unsubscribe = this.log.subscribe((entry) => {
      if (matches(entry.event.object)) write(entry.event);
    });
    const timeoutSeconds = Number(query.get('timeoutSeconds') ?? defaultTimeoutSeconds);
    const finish = (): void => {
      clearTimeout(timer);
      unsubscribe();
      this.open.delete(finish);
      if (!response.writableEnded) response.end();
    };
    const timer = setTimeout(
      finish,
      Math.max(0, Number.isFinite(timeoutSeconds) ? timeoutSeconds : defaultTimeoutSeconds) * 1000,
    );
    this.open.add(finish);
    response.on('close', finish);
  }

  /** end every open watch (the server is shutting down) */
  closeAll(): void {
    for (const finish of [...this.open]) finish();
  }

  private begin(response: ServerResponse): void {
    response.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    response.flushHeaders();
  }
}
