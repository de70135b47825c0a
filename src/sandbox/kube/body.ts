import { parse as parseYaml } from 'yaml';
import { decodeProtobufObject, protobufContentType } from './protobuf.js';
import { badRequest } from './status.js';

/** the request body as JSON (or YAML for apply patches, of which JSON is a subset); 400 BadRequest when unreadable */
export function parseBody(body: Buffer, contentType: string): unknown {
  if (contentType.startsWith(protobufContentType)) return decodeProtobufObject(body);
  const text = body.toString('utf8');
  if (text.trim() === '') throw badRequest('the request body is empty');
  try {
    return contentType.startsWith('application/apply-patch+yaml')
      ? (parseYaml(text) as unknown)
      : (JSON.parse(text) as unknown);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw badRequest(`the body of the request could not be decoded: ${reason}`);
  }
}
