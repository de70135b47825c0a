/**
 * fault / error / throttle and the `cause` of a segment, as the awsxray exporter computes them
 * (opentelemetry-collector-contrib exporter/awsxrayexporter/internal/translator/cause.go, makeCause and
 * parseException): the HTTP status decides when there is one (4xx error, 429 also throttle, 5xx fault), else a span
 * in error is a fault; exception events become the cause's exceptions (`remote` for client and producer spans), with
 * stack frames read from JavaScript and Java stack traces; a span in error without exception events gets one
 * exception carrying its status message (or its http.status_text attribute).
 */
import { randomBytes } from 'node:crypto';
import { attributeMap, numberAttribute, stringAttribute } from './any-value.js';
import { SpanKind, StatusCode, type AnyValue, type Span } from './otlp-types.js';

type Attributes = Map<string, AnyValue | undefined>;

interface StackFrame {
  path: string;
  line: number;
  label: string;
}

/** An exception in the field order of awsxray's Exception struct. */
export interface XRayException {
  id: string;
  message?: string;
  type?: string;
  remote?: boolean;
  cause?: string;
  stack?: StackFrame[];
}

export interface Cause {
  error: boolean;
  fault: boolean;
  throttle: boolean;
  cause?: { exceptions: XRayException[] };
  /** attributes the cause consumed (http.status_text) */
  consumed: string[];
}

function newId(): string {
  return randomBytes(8).toString('hex');
}

export function makeCause(span: Span, attributes: Attributes, resource: Attributes): Cause {
  const exceptionEvents = span.events.filter((event) => event.name === 'exception');
  const inError = span.status?.code === StatusCode.ERROR;
  const consumed: string[] = [];
  let cause: Cause['cause'];
  if (exceptionEvents.length > 0) {
    const language = stringAttribute(resource, 'telemetry.sdk.language') ?? '';
    const remote = span.kind === SpanKind.CLIENT || span.kind === SpanKind.PRODUCER;
    cause = {
      exceptions: exceptionEvents.flatMap((event) => {
        const eventAttributes = attributeMap(event.attributes);
        return parseException(
          stringAttribute(eventAttributes, 'exception.type') ?? '',
          stringAttribute(eventAttributes, 'exception.message') ?? '',
          stringAttribute(eventAttributes, 'exception.stacktrace') ?? '',
          remote,
          language,
        );
      }),
    };
  } else if (inError) {
    let message = span.status?.message ?? '';
    if (attributes.has('http.status_text')) {
      consumed.push('http.status_text');
      if (message === '') message = stringAttribute(attributes, 'http.status_text') ?? '';
    }
    if (message !== '') cause = { exceptions: [{ id: newId(), message, type: '' }] };
  }
  const status = numberAttribute(attributes, 'http.status_code', 'http.response.status_code');
  let error = false;
  let fault = false;
  let throttle = false;
  if (status === undefined || status < 400 || status > 599) fault = inError;
  else if (status <= 499) {
    error = true;
    throttle = status === 429;
  } else fault = true;
  return { error, fault, throttle, ...(cause === undefined ? {} : { cause }), consumed };
}

function parseException(
  type: string,
  message: string,
  stacktrace: string,
  remote: boolean,
  language: string,
): XRayException[] {
  const exceptions: XRayException[] = [{ id: newId(), message, type, remote }];
  if (stacktrace === '') return exceptions;
  if (language === 'javascript') exceptions[0]!.stack = javaScriptFrames(stacktrace);
  else if (language === 'java' || language === 'php') return javaExceptions(stacktrace, exceptions);
  return exceptions;
}

/** fillJavaScriptStacktrace: `    at label (path:line:column)` after the first line. */
function javaScriptFrames(stacktrace: string): StackFrame[] | undefined {
  const lines = stacktrace.split(/\r?\n/).slice(1);
  const frames: StackFrame[] = [];
  for (const line of lines) {
    if (!line.startsWith('    at ')) continue;
    const paren = line.indexOf('(');
    let label = '';
    let path = '';
    if (paren >= 0 && line.endsWith(')')) {
      label = line.slice(7, paren);
      path = line.slice(paren + 1, -1);
    } else if (paren < 0) path = line.slice(7);
    let lineNumber = 0;
    const first = path.indexOf(':');
    const second = first >= 0 ? path.indexOf(':', first + 1) : -1;
    if (first >= 0 && second >= 0) {
      lineNumber = Number.parseInt(path.slice(first + 1, second), 10) || 0;
      path = path.slice(0, first);
    } else if (first < 0 && path.includes('native')) path = 'native';
    if (path !== '' || label !== '' || lineNumber !== 0) frames.push({ path, line: lineNumber, label });
  }
  return frames.length === 0 ? undefined : frames;
}

/** fillJavaStacktrace: `\tat label(path:line)` frames, `Caused by: type: message` starting the next exception. */
function javaExceptions(stacktrace: string, exceptions: XRayException[]): XRayException[] {
  const lines = stacktrace.split(/\r?\n/).slice(1);
  let current = exceptions[0]!;
  for (const line of lines) {
    if (line.startsWith('\tat ')) {
      const paren = line.indexOf('(');
      if (paren < 0 || !line.endsWith(')')) continue;
      let label = line.slice(4, paren);
      const slash = label.indexOf('/');
      if (slash >= 0) label = label.slice(slash + 1);
      let path = line.slice(paren + 1, -1);
      let lineNumber = 0;
      const colon = path.indexOf(':');
      if (colon >= 0) {
        lineNumber = Number.parseInt(path.slice(colon + 1), 10) || 0;
        path = path.slice(0, colon);
      }
      (current.stack ??= []).push({ path, line: lineNumber, label });
    } else if (line.startsWith('Caused by: ')) {
      let type = line.slice('Caused by: '.length);
      let message = '';
      const colon = type.indexOf(':');
      if (colon >= 0) {
        message = type.slice(colon + 2);
        type = type.slice(0, colon);
      }
      const next: XRayException = {
        id: newId(),
        message,
        type,
        ...(current.remote === undefined ? {} : { remote: current.remote }),
      };
      current.cause = next.id;
      exceptions.push(next);
      current = next;
    }
  }
  return exceptions;
}
