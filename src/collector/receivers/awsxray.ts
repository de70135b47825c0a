/**
 * receiver `awsxray`: the X-Ray daemon's UDP endpoint (default 0.0.0.0:2000). Each datagram is one segment;
 * malformed ones are dropped, counted (otelcol_receiver_refused_spans) and logged at a throttled rate. Beside it,
 * always, as the collector's receiver runs it, the TCP proxy that relays the SDKs' sampling calls to X-Ray
 * (`proxy_server`, xray-proxy.ts).
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { parseEndpoint, SettingsError, type Settings } from '../config/settings.js';
import {
  DataRefusedError,
  type ComponentContext,
  type Consumer,
  type ReceiverInstance,
  type TraceItem,
} from '../model.js';
import { ThrottledLog } from '../telemetry/logger.js';
import { formatHostPort } from '../telemetry/server.js';
import { parseXRayDatagram } from './xray-framing.js';
import { readXRayProxySettings, XRayProxyServer, type XRayProxySettings } from './xray-proxy.js';

export interface AwsXRayReceiverSettings {
  host: string;
  port: number;
  proxy: XRayProxySettings;
}

export function readAwsXRayReceiverSettings(settings: Settings): AwsXRayReceiverSettings {
  settings.allowOnly(['endpoint', 'transport', 'proxy_server']);
  const transport = settings.string('transport', 'udp');
  if (transport !== 'udp') {
    throw new SettingsError(
      settings.at('transport'),
      `"${transport}" is not supported: the X-Ray daemon protocol is udp`,
    );
  }
  return {
    ...parseEndpoint(settings.string('endpoint', '0.0.0.0:2000'), settings.at('endpoint')),
    proxy: readXRayProxySettings(settings.nested('proxy_server')),
  };
}

/** Socket receive buffer asked of the kernel, so that bursts are not lost while the event loop is busy. */
const RECEIVE_BUFFER_BYTES = 8 * 1024 * 1024;

export class AwsXRayReceiver implements ReceiverInstance {
  private socket: Socket | undefined;
  private bound: string | undefined;
  private readonly accepted;
  private readonly refused;
  private readonly throttled: ThrottledLog;
  private readonly proxy: XRayProxyServer;

  constructor(
    private readonly context: ComponentContext,
    private readonly settings: AwsXRayReceiverSettings,
    private readonly next: Consumer<TraceItem>,
  ) {
    const labels = { receiver: context.id, transport: 'udp' };
    this.accepted = context.metrics.counter('otelcol_receiver_accepted_spans', 'spans received and passed on', labels);
    this.refused = context.metrics.counter('otelcol_receiver_refused_spans', 'spans refused (malformed)', labels);
    this.throttled = new ThrottledLog((message) => context.logger.warn(message));
    this.proxy = new XRayProxyServer(context, settings.proxy);
  }

  async start(): Promise<void> {
    const socket = createSocket({
      type: isIPv6(this.settings.host) ? 'udp6' : 'udp4',
      recvBufferSize: RECEIVE_BUFFER_BYTES,
    });
    socket.on('message', (datagram) => this.onDatagram(datagram));
    socket.on('error', (error) => this.context.logger.error(`receiver ${this.context.id}: ${error.message}`));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.settings.port, this.settings.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const address = socket.address();
    this.bound = formatHostPort(address.address, address.port);
    this.socket = socket;
    this.context.logger.info(`receiver ${this.context.id} listening on udp ${this.bound}`);
    try {
      await this.proxy.start();
    } catch (error) {
      await this.shutdown();
      throw error;
    }
  }

  address(): string | undefined {
    return this.bound;
  }

  /** udp: the segments; proxy_server: the TCP proxy for sampling calls */
  addresses(): Record<string, string> {
    const proxy = this.proxy.address();
    return {
      ...(this.bound === undefined ? {} : { udp: this.bound }),
      ...(proxy === undefined ? {} : { proxy_server: proxy }),
    };
  }

  async shutdown(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    await this.proxy.shutdown();
    if (socket !== undefined) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  private onDatagram(datagram: Buffer): void {
    const framed = parseXRayDatagram(datagram);
    if (!framed.ok) {
      this.refused.add(1);
      this.throttled.log('malformed', `receiver ${this.context.id}: dropped a malformed datagram: ${framed.reason}`);
      return;
    }
    try {
      this.next.consume([framed.segment]);
      this.accepted.add(1);
    } catch (error) {
      if (!(error instanceof DataRefusedError)) throw error;
      // UDP cannot push back: a refused segment is lost, as in the collector's awsxray receiver
      this.refused.add(1);
      this.throttled.log('refused', `receiver ${this.context.id}: dropped a segment: ${error.message}`);
    }
  }
}
