/** An OTLP logs export request as log items, one per record, each pointing at the resource and scope it came under. */
import type { LogItem } from '../model.js';
import type { ExportLogsRequest, Resource } from './otlp-types.js';

const NO_RESOURCE: Resource = { attributes: [] };

export function logItems(request: ExportLogsRequest): LogItem[] {
  const items: LogItem[] = [];
  for (const resourceLogs of request.resourceLogs) {
    const resource = resourceLogs.resource ?? NO_RESOURCE;
    for (const { scope, logRecords } of resourceLogs.scopeLogs) {
      for (const record of logRecords)
        items.push({ kind: 'log', record, resource, ...(scope === undefined ? {} : { scope }) });
    }
  }
  return items;
}
