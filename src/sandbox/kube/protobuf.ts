import { badRequest, KubeApiError } from './status.js';

/**
 * Kubernetes' protobuf wire format, read just far enough for the requests typed client-go clients (kubectl auth
 * can-i) send as application/vnd.kubernetes.protobuf: the `k8s\0` envelope (runtime.Unknown) and the
 * SelfSubjectAccessReview and SelfSubjectRulesReview messages. Answers are always JSON, which those clients also accept.
 */
export const protobufContentType = 'application/vnd.kubernetes.protobuf';

type Fields = Map<number, (Buffer | number)[]>;

function readVarint(buffer: Buffer, start: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  let position = start;
  for (;;) {
    const byte = buffer[position];
    if (byte === undefined) throw badRequest('truncated protobuf message');
    value += (byte & 0x7f) * 2 ** shift;
    position += 1;
    shift += 7;
    if ((byte & 0x80) === 0) return { value, next: position };
  }
}

function readFields(buffer: Buffer): Fields {
  const fields: Fields = new Map();
  let position = 0;
  while (position < buffer.length) {
    const tag = readVarint(buffer, position);
    const field = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    position = tag.next;
    let value: Buffer | number;
    if (wireType === 0) {
      const varint = readVarint(buffer, position);
      value = varint.value;
      position = varint.next;
    } else if (wireType === 2) {
      const size = readVarint(buffer, position);
      value = buffer.subarray(size.next, size.next + size.value);
      position = size.next + size.value;
    } else if (wireType === 1 || wireType === 5) {
      const width = wireType === 1 ? 8 : 4;
      value = buffer.subarray(position, position + width);
      position += width;
    } else {
      throw badRequest(`unsupported protobuf wire type ${wireType}`);
    }
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

function text(fields: Fields, field: number): string | undefined {
  const value = fields.get(field)?.[0];
  return Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
}

function message(fields: Fields, field: number): Fields | undefined {
  const value = fields.get(field)?.[0];
  return Buffer.isBuffer(value) ? readFields(value) : undefined;
}

function definedOnly(entries: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(entries).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}

function selfSubjectAccessReview(raw: Buffer): Record<string, unknown> {
  const spec = message(readFields(raw), 2) ?? new Map();
  const resource = message(spec, 1);
  const nonResource = message(spec, 2);
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: {
      ...(resource === undefined
        ? {}
        : {
            resourceAttributes: definedOnly({
              namespace: text(resource, 1),
              verb: text(resource, 2),
              group: text(resource, 3),
              version: text(resource, 4),
              resource: text(resource, 5),
              subresource: text(resource, 6),
              name: text(resource, 7),
            }),
          }),
      ...(nonResource === undefined
        ? {}
        : { nonResourceAttributes: definedOnly({ path: text(nonResource, 1), verb: text(nonResource, 2) }) }),
    },
  };
}

/** k8s.io/api/authorization/v1 generated.proto: SelfSubjectRulesReview.spec = 2, its namespace = 1 */
function selfSubjectRulesReview(raw: Buffer): Record<string, unknown> {
  const spec = message(readFields(raw), 2) ?? new Map();
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectRulesReview',
    metadata: {},
    spec: definedOnly({ namespace: text(spec, 1) }),
  };
}

/** the JSON equivalent of a protobuf-encoded request body */
export function decodeProtobufObject(body: Buffer): unknown {
  const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
  if (!body.subarray(0, 4).equals(magic)) throw badRequest('the protobuf body does not start with the k8s envelope');
  const unknown = readFields(body.subarray(4));
  const typeMeta = message(unknown, 1) ?? new Map();
  const apiVersion = text(typeMeta, 1) ?? '';
  const kind = text(typeMeta, 2) ?? '';
  const raw = unknown.get(2)?.[0];
  if (!Buffer.isBuffer(raw)) throw badRequest('the protobuf envelope carries no object');
  if (kind === 'SelfSubjectAccessReview') return selfSubjectAccessReview(raw);
  if (kind === 'SelfSubjectRulesReview') return selfSubjectRulesReview(raw);
  throw new KubeApiError(
    415,
    'UnsupportedMediaType',
    `the sandbox reads ${kind || 'objects'} (${apiVersion}) as JSON only; send application/json`,
  );
}
