import { describe, expect, it } from 'vitest';
import { Settings, SettingsError } from '../../src/collector/config/settings.js';
import { readOtlpReceiverSettings } from '../../src/collector/receivers/otlp/settings.js';

const read = (raw: unknown) => readOtlpReceiverSettings(new Settings(raw, 'receivers.otlp'));

describe('otlp receiver settings', () => {
  it('enables a protocol named without settings, with the collector defaults', () => {
    expect(read({ protocols: { grpc: null, http: null } })).toEqual({
      grpc: { host: '0.0.0.0', port: 4317, maxReceiveMessageBytes: 4 * 1024 * 1024, maxConcurrentStreams: 0 },
      http: {
        host: '0.0.0.0',
        port: 4318,
        maxRequestBodyBytes: 20 * 1024 * 1024,
        tracesPath: '/v1/traces',
        metricsPath: '/v1/metrics',
        logsPath: '/v1/logs',
      },
    });
    expect(read({ protocols: { http: { endpoint: '127.0.0.1:0', traces_url_path: '/traces' } } })).toEqual({
      http: expect.objectContaining({ host: '127.0.0.1', port: 0, tracesPath: '/traces' }),
    });
  });

  it('refuses a receiver without protocols, unknown keys, TLS and bad paths, naming the key', () => {
    const failure = (raw: unknown) => {
      try {
        read(raw);
      } catch (error) {
        return error as SettingsError;
      }
      throw new Error('expected a SettingsError');
    };
    expect(failure({}).path).toBe('receivers.otlp.protocols');
    expect(failure({ protocols: { thrift: {} } }).path).toBe('receivers.otlp.protocols.thrift');
    expect(failure({ protocols: { grpc: { tls: { cert_file: 'x' } } } }).path).toBe(
      'receivers.otlp.protocols.grpc.tls',
    );
    expect(failure({ protocols: { http: { traces_url_path: 'v1/traces' } } }).path).toBe(
      'receivers.otlp.protocols.http.traces_url_path',
    );
    expect(failure({ protocols: { grpc: { max_recv_msg_size_mib: 0 } } }).path).toBe(
      'receivers.otlp.protocols.grpc.max_recv_msg_size_mib',
    );
  });
});
