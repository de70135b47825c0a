import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { frameXRaySegment } from '../../src/collector/receivers/xray-framing.js';

export function newTraceId(epochSeconds = Math.floor(Date.now() / 1000)): string {
  return `1-${epochSeconds.toString(16).padStart(8, '0')}-${randomBytes(12).toString('hex')}`;
}

export function newSegmentId(): string {
  return randomBytes(8).toString('hex');
}

/** A complete segment as an X-Ray SDK sends it. */
export function segment(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Date.now() / 1000;
  return {
    name: 'checkout',
    id: newSegmentId(),
    trace_id: newTraceId(),
    start_time: now - 0.25,
    end_time: now,
    http: { request: { method: 'GET', url: 'http://shop/checkout' }, response: { status: 200 } },
    ...overrides,
  };
}

/** Sends datagrams over UDP to host:port, pausing now and then so the loopback buffer never overflows. */
export async function sendDatagrams(address: string, datagrams: Buffer[]): Promise<void> {
  const match = /^(?:\[(.+)\]|(.+)):(\d+)$/.exec(address);
  if (match === null) throw new Error(`not host:port: ${address}`);
  const host = match[1] ?? match[2] ?? '127.0.0.1';
  const port = Number(match[3]);
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  try {
    for (let index = 0; index < datagrams.length; index++) {
      const datagram = datagrams[index] as Buffer;
      await new Promise<void>((resolve, reject) =>
        socket.send(datagram, port, host, (error) => (error ? reject(error) : resolve())),
      );
      if (index % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    socket.close();
  }
}

export function framed(segments: Record<string, unknown>[]): Buffer[] {
  return segments.map((item) => frameXRaySegment(item));
}

/** A logger that keeps every line, for assertions. */
export function memoryLogger(): {
  lines: string[];
  info(m: string): void;
  warn(m: string): void;
  error(m: string): void;
  debug(m: string): void;
} {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
    debug: (message) => lines.push(`debug ${message}`),
  };
}
