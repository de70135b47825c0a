import { invalidParameter, resourceAlreadyExists as alreadyExists, resourceNotFound as notFound } from './errors.js';
import { matchesFilterPattern, parseFilterPattern } from './filter-pattern.js';

/** PutLogEvents limits, as CloudWatch Logs documents them. */
export const MAX_EVENTS_PER_PUT = 10_000;
export const MAX_PUT_BYTES = 1_048_576;
/** bytes CloudWatch Logs adds to each event's UTF-8 message length when it sizes a batch */
export const EVENT_OVERHEAD_BYTES = 26;
export const MAX_EVENT_BYTES = 262_144;
const MAX_BATCH_SPAN_MS = 24 * 3600 * 1000;
const TOO_OLD_MS = 14 * 24 * 3600 * 1000;
const TOO_NEW_MS = 2 * 3600 * 1000;
const NAME_PATTERN = /^[.\-_/#A-Za-z0-9]{1,512}$/;

export interface InputLogEvent {
  timestamp: number;
  message: string;
}

export interface StoredLogEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
  eventId: string;
}

export interface RejectedLogEventsInfo {
  tooNewLogEventStartIndex?: number;
  tooOldLogEventEndIndex?: number;
}

interface LogStream {
  name: string;
  creationTime: number;
  events: StoredLogEvent[];
  storedBytes: number;
}

interface LogGroup {
  name: string;
  creationTime: number;
  streams: Map<string, LogStream>;
}

export interface LogGroupView {
  logGroupName: string;
  creationTime: number;
  arn: string;
  logGroupArn: string;
  storedBytes: number;
  metricFilterCount: number;
  logGroupClass: string;
}

export interface LogStreamView {
  logStreamName: string;
  creationTime: number;
  arn: string;
  storedBytes: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
}

export interface FilteredLogEvent extends StoredLogEvent {
  logStreamName: string;
}

/** The UTF-8 size PutLogEvents counts for one event. */
export function eventSize(message: string): number {
  return Buffer.byteLength(message, 'utf8') + EVENT_OVERHEAD_BYTES;
}

/**
 * The log groups, streams and events the emulated CloudWatch Logs holds, with the service's validation of names
 * and of PutLogEvents batches. Events are kept per stream in timestamp order.
 */
export class LogsState {
  private readonly groups = new Map<string, LogGroup>();
  private nextEventId = 1;

  constructor(
    readonly account: string,
    readonly region: string,
    private readonly now: () => number = Date.now,
  ) {}

  createLogGroup(name: string): void {
    checkName(name, 'logGroupName');
    if (this.groups.has(name)) throw alreadyExists('The specified log group already exists');
    this.groups.set(name, { name, creationTime: this.now(), streams: new Map() });
  }

  createLogStream(groupName: string, streamName: string): void {
    const group = this.group(groupName);
    if (streamName.length === 0 || streamName.length > 512 || /[:*]/.test(streamName)) {
      throw invalidParameter('logStreamName must be 1 to 512 characters, without ":" or "*"');
    }
    if (group.streams.has(streamName)) throw alreadyExists('The specified log stream already exists');
    group.streams.set(streamName, { name: streamName, creationTime: this.now(), events: [], storedBytes: 0 });
  }

  deleteLogGroup(name: string): void {
    this.group(name);
    this.groups.delete(name);
  }

  putLogEvents(groupName: string, streamName: string, events: InputLogEvent[]): RejectedLogEventsInfo | undefined {
    const stream = this.stream(groupName, streamName);
    checkBatch(events);
    const now = this.now();
    let tooOldEnd = -1;
    let tooNewStart = -1;
    events.forEach((event, index) => {
      if (event.timestamp < now - TOO_OLD_MS) tooOldEnd = index;
      if (event.timestamp > now + TOO_NEW_MS && tooNewStart < 0) tooNewStart = index;
    });
    const acceptedEnd = tooNewStart < 0 ? events.length : tooNewStart;
    for (const event of events.slice(tooOldEnd + 1, acceptedEnd)) {
      insertInOrder(stream.events, {
        timestamp: event.timestamp,
        message: event.message,
        ingestionTime: now,
        eventId: String(this.nextEventId++).padStart(56, '0'),
      });
      stream.storedBytes += Buffer.byteLength(event.message, 'utf8');
    }
    if (tooOldEnd < 0 && tooNewStart < 0) return undefined;
    return {
      ...(tooNewStart < 0 ? {} : { tooNewLogEventStartIndex: tooNewStart }),
      ...(tooOldEnd < 0 ? {} : { tooOldLogEventEndIndex: tooOldEnd }),
    };
  }

  /** events of one stream, in timestamp order, within [startTime, endTime) when given */
  streamEvents(
    groupName: string,
    streamName: string,
    range: { startTime?: number; endTime?: number } = {},
  ): StoredLogEvent[] {
    return this.stream(groupName, streamName).events.filter((event) => inRange(event.timestamp, range));
  }

  filterLogEvents(
    groupName: string,
    options: {
      streamNames?: string[];
      streamPrefix?: string;
      startTime?: number;
      endTime?: number;
      filterPattern?: string;
    },
  ): FilteredLogEvent[] {
    const group = this.group(groupName);
    if (options.streamNames !== undefined && options.streamPrefix !== undefined) {
      throw invalidParameter('logStreamNames and logStreamNamePrefix cannot be given together');
    }
    const pattern = parseFilterPattern(options.filterPattern ?? '');
    const found: FilteredLogEvent[] = [];
    for (const stream of group.streams.values()) {
      if (options.streamNames !== undefined && !options.streamNames.includes(stream.name)) continue;
      if (options.streamPrefix !== undefined && !stream.name.startsWith(options.streamPrefix)) continue;
      for (const event of stream.events) {
        if (inRange(event.timestamp, options) && matchesFilterPattern(pattern, event.message)) {
          found.push({ ...event, logStreamName: stream.name });
        }
      }
    }
    return found.sort((a, b) => a.timestamp - b.timestamp || a.eventId.localeCompare(b.eventId));
  }

  describeLogGroups(prefix: string | undefined): LogGroupView[] {
    return [...this.groups.values()]
      .filter((group) => prefix === undefined || group.name.startsWith(prefix))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((group) => {
        const arn = `arn:aws:logs:${this.region}:${this.account}:log-group:${group.name}`;
        return {
          logGroupName: group.name,
          creationTime: group.creationTime,
          arn: `${arn}:*`,
          logGroupArn: arn,
          storedBytes: [...group.streams.values()].reduce((sum, stream) => sum + stream.storedBytes, 0),
          metricFilterCount: 0,
          logGroupClass: 'STANDARD',
        };
      });
  }

  describeLogStreams(
    groupName: string,
    options: { prefix?: string; orderBy: 'LogStreamName' | 'LastEventTime'; descending: boolean },
  ): LogStreamView[] {
    const group = this.group(groupName);
    const views = [...group.streams.values()]
      .filter((stream) => options.prefix === undefined || stream.name.startsWith(options.prefix))
      .map((stream) => this.streamView(group.name, stream));
    const byName = (a: LogStreamView, b: LogStreamView) => a.logStreamName.localeCompare(b.logStreamName);
    const byLastEvent = (a: LogStreamView, b: LogStreamView) =>
      (a.lastEventTimestamp ?? 0) - (b.lastEventTimestamp ?? 0) || byName(a, b);
    views.sort(options.orderBy === 'LastEventTime' ? byLastEvent : byName);
    return options.descending ? views.reverse() : views;
  }

  private streamView(groupName: string, stream: LogStream): LogStreamView {
    const first = stream.events[0];
    const last = stream.events[stream.events.length - 1];
    const lastIngestion = stream.events.reduce((latest, event) => Math.max(latest, event.ingestionTime), 0);
    return {
      logStreamName: stream.name,
      creationTime: stream.creationTime,
      arn: `arn:aws:logs:${this.region}:${this.account}:log-group:${groupName}:log-stream:${stream.name}`,
      storedBytes: stream.storedBytes,
      ...(first === undefined ? {} : { firstEventTimestamp: first.timestamp }),
      ...(last === undefined ? {} : { lastEventTimestamp: last.timestamp, lastIngestionTime: lastIngestion }),
    };
  }

  private group(name: string): LogGroup {
    const group = this.groups.get(name);
    if (group === undefined) throw notFound('The specified log group does not exist.');
    return group;
  }

  private stream(groupName: string, streamName: string): LogStream {
    const stream = this.group(groupName).streams.get(streamName);
    if (stream === undefined) throw notFound('The specified log stream does not exist.');
    return stream;
  }
}

function checkName(name: string, field: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw invalidParameter(`${field} must be 1 to 512 characters of letters, digits and . - _ / #`);
  }
}

/** What the service refuses for the whole call (as opposed to the too old / too new events it skips). */
function checkBatch(events: InputLogEvent[]): void {
  if (events.length === 0) throw invalidParameter('logEvents must hold at least one event');
  if (events.length > MAX_EVENTS_PER_PUT) {
    throw invalidParameter(`logEvents has ${events.length} events; a call takes at most ${MAX_EVENTS_PER_PUT}`);
  }
  let bytes = 0;
  for (const [index, event] of events.entries()) {
    if (!Number.isInteger(event.timestamp) || typeof event.message !== 'string' || event.message === '') {
      throw invalidParameter(`logEvents.${index + 1} needs an integer timestamp and a non-empty message`);
    }
    const size = eventSize(event.message);
    if (size > MAX_EVENT_BYTES)
      throw invalidParameter(`Log event too large: ${size} bytes (at most ${MAX_EVENT_BYTES})`);
    bytes += size;
    const previous = events[index - 1];
    if (previous !== undefined && event.timestamp < previous.timestamp) {
      throw invalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
    }
  }
  if (bytes > MAX_PUT_BYTES) {
    throw invalidParameter(`Upload too large: ${bytes} bytes exceeds the limit of ${MAX_PUT_BYTES}`);
  }
  const first = events[0]?.timestamp ?? 0;
  const last = events[events.length - 1]?.timestamp ?? 0;
  if (last - first > MAX_BATCH_SPAN_MS) {
    throw invalidParameter('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
  }
}

function inRange(timestamp: number, range: { startTime?: number; endTime?: number }): boolean {
  return (
    (range.startTime === undefined || timestamp >= range.startTime) &&
    (range.endTime === undefined || timestamp < range.endTime)
  );
}

/** Appends, or inserts after every event with the same or an earlier timestamp (streams take calls in any order). */
function insertInOrder(events: StoredLogEvent[], event: StoredLogEvent): void {
  let index = events.length;
  while (index > 0 && (events[index - 1]?.timestamp ?? 0) > event.timestamp) index -= 1;
  events.splice(index, 0, event);
}
