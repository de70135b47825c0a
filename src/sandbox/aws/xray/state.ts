import { AwsServiceError } from '../../types.js';

/** One segment as X-Ray stores it: the document as sent, and the fields summaries are built from. */
interface StoredSegment {
  id: string;
  document: string;
  name: string;
  startTime: number;
  endTime: number | undefined;
  isSubsegment: boolean;
  parentId: string | undefined;
  flags: { fault: boolean; error: boolean; throttle: boolean };
  http: Record<string, unknown> | undefined;
}

export interface UnprocessedSegment {
  Id?: string;
  ErrorCode: string;
  Message: string;
}

export interface TraceSummaryQuery {
  startTime: number;
  endTime: number;
  timeRangeType: 'TraceId' | 'Event' | 'Service';
}

export interface TraceSummary {
  Id: string;
  StartTime: Date;
  Duration: number;
  ResponseTime: number;
  HasFault: boolean;
  HasError: boolean;
  HasThrottle: boolean;
  IsPartial: boolean;
  Http?: Record<string, unknown>;
  EntryPoint?: { Name: string; Names: string[] };
  ServiceIds: { Name: string; Names: string[] }[];
}

export interface StoredTrace {
  Id: string;
  Duration: number;
  LimitExceeded: boolean;
  Segments: { Id: string; Document: string }[];
}

const TRACE_ID = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
const SEGMENT_ID = /^[0-9a-f]{16}$/;
/** PutTraceSegments takes at most this many documents in one call, as X-Ray does. */
export const MAX_SEGMENTS_PER_PUT = 50;
const MAX_DOCUMENT_BYTES = 64 * 1024;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The traces the emulated X-Ray holds. Documents are checked as X-Ray checks them (JSON, id, trace_id, name,
 * start_time, end_time or in_progress); a bad one is answered in UnprocessedTraceSegments, never stored.
 */
export class XRayState {
  private readonly traces = new Map<string, StoredSegment[]>();

  putTraceSegments(documents: unknown): UnprocessedSegment[] {
    if (!Array.isArray(documents) || documents.length === 0) {
      throw new AwsServiceError('InvalidRequestException', 'TraceSegmentDocuments must list at least one document');
    }
    if (documents.length > MAX_SEGMENTS_PER_PUT) {
      throw new AwsServiceError(
        'InvalidRequestException',
        `TraceSegmentDocuments has ${documents.length} documents; at most ${MAX_SEGMENTS_PER_PUT} are accepted`,
      );
    }
    const unprocessed: UnprocessedSegment[] = [];
    for (const document of documents) {
      const outcome = this.store(document);
      if (outcome !== undefined) unprocessed.push(outcome);
    }
    return unprocessed;
  }

  private store(document: unknown): UnprocessedSegment | undefined {
    if (typeof document !== 'string') return { ErrorCode: 'InvalidSegment', Message: 'The document is not a string' };
    if (Buffer.byteLength(document) > MAX_DOCUMENT_BYTES) {
      return { ErrorCode: 'SegmentTooLarge', Message: 'The document is larger than 64 KB' };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(document);
    } catch {
      return { ErrorCode: 'InvalidSegment', Message: 'The document is not valid JSON' };
    }
    if (!isRecord(parsed)) return { ErrorCode: 'InvalidSegment', Message: 'The document is not a JSON object' };
    const id = typeof parsed.id === 'string' ? parsed.id : undefined;
    const problem = segmentProblem(parsed);
    if (problem !== undefined)
      return { ...(id === undefined ? {} : { Id: id }), ErrorCode: 'InvalidSegment', Message: problem };
    const traceId = parsed.trace_id as string;
    const segments = this.traces.get(traceId) ?? [];
    const stored: StoredSegment = {
      id: id as string,
      document,
      name: parsed.name as string,
      startTime: parsed.start_time as number,
      endTime: typeof parsed.end_time === 'number' ? parsed.end_time : undefined,
      isSubsegment: parsed.type === 'subsegment',
      parentId: typeof parsed.parent_id === 'string' ? parsed.parent_id : undefined,
      flags: { fault: parsed.fault === true, error: parsed.error === true, throttle: parsed.throttle === true },
      http: isRecord(parsed.http) ? httpSummary(parsed.http) : undefined,
    };
    // a segment sent again (in_progress, then complete) replaces the earlier version
    const earlier = segments.findIndex((segment) => segment.id === stored.id);
    if (earlier >= 0) segments[earlier] = stored;
    else segments.push(stored);
    this.traces.set(traceId, segments);
    return undefined;
  }

  traceSummaries(query: TraceSummaryQuery): TraceSummary[] {
    const summaries: TraceSummary[] = [];
    for (const [traceId, segments] of this.traces) {
      const time = query.timeRangeType === 'TraceId' ? traceIdEpoch(traceId) : earliestStart(segments);
      if (time < query.startTime || time > query.endTime) continue;
      summaries.push(summarise(traceId, segments));
    }
    return summaries.sort((a, b) => a.StartTime.getTime() - b.StartTime.getTime());
  }

  trace(traceId: string): StoredTrace | undefined {
    const segments = this.traces.get(traceId);
    if (segments === undefined) return undefined;
    return {
      Id: traceId,
      Duration: traceDuration(segments),
      LimitExceeded: false,
      Segments: segments.map((segment) => ({ Id: segment.id, Document: segment.document })),
    };
  }

  /** how many segments are stored, over every trace */
  segmentCount(): number {
    let count = 0;
    for (const segments of this.traces.values()) count += segments.length;
    return count;
  }
}

function segmentProblem(segment: Record<string, unknown>): string | undefined {
  if (typeof segment.id !== 'string' || !SEGMENT_ID.test(segment.id)) return 'id must be 16 hexadecimal digits';
  if (typeof segment.trace_id !== 'string' || !TRACE_ID.test(segment.trace_id)) {
    return 'trace_id must look like 1-5759e988-bd862e3fe1be46a994272793';
  }
  if (typeof segment.name !== 'string' || segment.name === '' || segment.name.length > 200) {
    return 'name must be a string of 1 to 200 characters';
  }
  if (typeof segment.start_time !== 'number') return 'start_time must be a number (epoch seconds)';
  if (typeof segment.end_time !== 'number' && segment.in_progress !== true)
    return 'end_time or in_progress is required';
  if (segment.type === 'subsegment' && typeof segment.parent_id !== 'string') return 'a subsegment needs parent_id';
  return undefined;
}

function traceIdEpoch(traceId: string): number {
  return Number.parseInt(traceId.slice(2, 10), 16);
}

function earliestStart(segments: StoredSegment[]): number {
  return Math.min(...segments.map((segment) => segment.startTime));
}

function traceDuration(segments: StoredSegment[]): number {
  const ends = segments.map((segment) => segment.endTime ?? segment.startTime);
  return Math.max(0, Math.max(...ends) - earliestStart(segments));
}

function flag(segments: StoredSegment[], name: 'fault' | 'error' | 'throttle'): boolean {
  return segments.some((segment) => segment.flags[name]);
}

function summarise(traceId: string, segments: StoredSegment[]): TraceSummary {
  const roots = segments.filter((segment) => !segment.isSubsegment && segment.parentId === undefined);
  const entry = roots.sort((a, b) => a.startTime - b.startTime)[0];
  const names = [...new Set(segments.filter((segment) => !segment.isSubsegment).map((segment) => segment.name))];
  const http = entry?.http;
  return {
    Id: traceId,
    StartTime: new Date(earliestStart(segments) * 1000),
    Duration: traceDuration(segments),
    ResponseTime: entry === undefined ? 0 : Math.max(0, (entry.endTime ?? entry.startTime) - entry.startTime),
    HasFault: flag(segments, 'fault'),
    HasError: flag(segments, 'error'),
    HasThrottle: flag(segments, 'throttle'),
    IsPartial: entry === undefined || segments.some((segment) => segment.endTime === undefined),
    ...(http === undefined ? {} : { Http: http }),
    ...(entry === undefined ? {} : { EntryPoint: { Name: entry.name, Names: [entry.name] } }),
    ServiceIds: names.map((name) => ({ Name: name, Names: [name] })),
  };
}

function httpSummary(http: Record<string, unknown>): Record<string, unknown> {
  const request = isRecord(http.request) ? http.request : {};
  const response = isRecord(http.response) ? http.response : {};
  return {
    ...(typeof request.url === 'string' ? { HttpURL: request.url } : {}),
    ...(typeof request.method === 'string' ? { HttpMethod: request.method } : {}),
    ...(typeof request.user_agent === 'string' ? { UserAgent: request.user_agent } : {}),
    ...(typeof request.client_ip === 'string' ? { ClientIp: request.client_ip } : {}),
    ...(typeof response.status === 'number' ? { HttpStatus: response.status } : {}),
  };
}
