/**
 * Persistent sending queues for exporters: the storage extension a `sending_queue.storage` names (checked when the
 * exporter is built, with exporterhelper's messages), and how requests are written to it.
 */
import { SettingsError } from '../config/settings.js';
import type { ComponentContext } from '../model.js';
import type { QueuePersistence } from './queued-sender.js';

export interface RequestCodec<T> {
  encode(batch: T[]): Buffer;
  decode(payload: Buffer): T[];
}

/**
 * The persistence of an exporter's queue in the storage extension `storageId` (undefined: an in-memory queue).
 * Throws SettingsError, as exporterhelper fails to start, when the extension is not enabled or stores nothing.
 */
export function extensionPersistence<T>(
  context: ComponentContext,
  storageId: string | undefined,
  signal: string,
  codec: RequestCodec<T>,
  part?: string,
): QueuePersistence<T> | undefined {
  if (storageId === undefined) return undefined;
  const path = `${context.path}.sending_queue.storage`;
  const extension = context.extension(storageId);
  // exporter/exporterhelper/internal/queue/persistent_queue.go: errNoStorageClient, errWrongExtensionType
  if (extension === undefined) {
    throw new SettingsError(
      path,
      `no storage client extension found: "${storageId}" is not an extension listed in service.extensions`,
      'define a file_storage extension and list it in service.extensions',
    );
  }
  const storage = extension.storage;
  if (storage === undefined) throw new SettingsError(path, 'requested extension is not a storage extension');
  return { open: () => storage.openQueue(context.id, signal, part), ...codec };
}

/** Requests that are a body and a count of items (remote write, OTLP): [count][length][body] each. */
export function bodyCodec<T>(
  parts: (request: T) => { body: Buffer; items: number },
  make: (body: Buffer, items: number) => T,
): RequestCodec<T> {
  return {
    encode(batch) {
      const pieces: Buffer[] = [];
      const count = Buffer.alloc(4);
      count.writeUInt32BE(batch.length);
      pieces.push(count);
      for (const request of batch) {
        const { body, items } = parts(request);
        const header = Buffer.alloc(8);
        header.writeUInt32BE(items, 0);
        header.writeUInt32BE(body.length, 4);
        pieces.push(header, body);
      }
      return Buffer.concat(pieces);
    },
    decode(payload) {
      const batch: T[] = [];
      let offset = 4;
      for (let index = payload.readUInt32BE(0); index > 0; index--) {
        const items = payload.readUInt32BE(offset);
        const length = payload.readUInt32BE(offset + 4);
        offset += 8;
        batch.push(make(payload.subarray(offset, offset + length), items));
        offset += length;
      }
      return batch;
    },
  };
}

/** Requests of plain JSON values (CloudWatch Logs events, EMF events, X-Ray documents). */
export function jsonCodec<T>(): RequestCodec<T> {
  return {
    encode: (batch) => Buffer.from(JSON.stringify(batch), 'utf8'),
    decode: (payload) => JSON.parse(payload.toString('utf8')) as T[],
  };
}

/**
 * What a CloudWatch Logs event weighs (sending_queue.sizer bytes): its message in UTF-8 plus 26 bytes, as PutLogEvents
 * counts a batch (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html).
 */
export function putLogEventsBytes(event: { message: string }): number {
  return Buffer.byteLength(event.message, 'utf8') + 26;
}
