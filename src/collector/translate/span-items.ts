/**
 * An OTLP export request as trace items, one per span, each pointing at the resource and scope it came under.
 * Spans whose ids break the OTLP rules (a trace id of 16 bytes and a span id of 8, neither all zero; a parent span
 * id empty or 8 bytes) are refused here, as no exporter could use them.
 */
import type { OtlpSpanItem } from '../model.js';
import type { ExportTracesRequest, Resource, Span } from './otlp-types.js';

export interface SpanItems {
  items: OtlpSpanItem[];
  /** spans refused for their ids */
  rejected: number;
  /** why the first refused span was refused */
  problem?: string;
}

const NO_RESOURCE: Resource = { attributes: [] };

function isValidId(bytes: Uint8Array | undefined, length: number): boolean {
  return bytes !== undefined && bytes.length === length && bytes.some((byte) => byte !== 0);
}

/** What is wrong with a span's ids, or undefined when they are valid. */
export function spanIdProblem(span: Span): string | undefined {
  if (!isValidId(span.traceId, 16)) return 'the trace id is not 16 bytes (or is all zero)';
  if (!isValidId(span.spanId, 8)) return 'the span id is not 8 bytes (or is all zero)';
  const parent = span.parentSpanId;
  if (parent !== undefined && parent.length > 0 && !isValidId(parent, 8)) return 'the parent span id is not 8 bytes';
  return undefined;
}

/** Every span of the request with valid ids, in request order. */
export function spanItems(request: ExportTracesRequest): SpanItems {
  const result: SpanItems = { items: [], rejected: 0 };
  for (const resourceSpans of request.resourceSpans) {
    const resource = resourceSpans.resource ?? NO_RESOURCE;
    for (const { scope, spans } of resourceSpans.scopeSpans) {
      for (const span of spans) {
        const problem = spanIdProblem(span);
        if (problem === undefined) {
          result.items.push({ kind: 'otlp-span', span, resource, ...(scope === undefined ? {} : { scope }) });
        } else {
          result.rejected += 1;
          result.problem ??= problem;
        }
      }
    }
  }
  return result;
}
