/**
 * Retry-After as the exporters read it: seconds or an HTTP date, only on 429 and 503; through a real AWS SDK client
 * (the answer's headers ride on the error's hidden $response) as through a plain HTTP answer.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchLogsClient, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { afterEach, describe, expect, it } from 'vitest';
import { sdkSendFailure } from '../../src/collector/aws/client-settings.js';
import { retryAfterMs, throttleFor } from '../../src/collector/runtime/retry-after.js';
import { PermanentError, ThrottleError } from '../../src/collector/runtime/send-errors.js';

describe('Retry-After', () => {
  const servers: Server[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });

  it('reads delay-seconds and RFC 1123 dates; anything else leaves the backoff alone', () => {
    const now = Date.parse('Sun, 06 Nov 1994 08:49:30 GMT');
    expect(retryAfterMs('7', now)).toBe(7_000);
    expect(retryAfterMs(' 7 ', now)).toBe(7_000);
    expect(retryAfterMs('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(7_000);
    expect(retryAfterMs('Sun, 06 Nov 1994 08:49:00 GMT', now)).toBe(0);
    expect(retryAfterMs('1.5', now)).toBeUndefined();
    expect(retryAfterMs('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBeUndefined();
  });

  it('applies to 429 and 503 only', () => {
    expect(throttleFor(429, '2', 'throttled', 0)).toBeInstanceOf(ThrottleError);
    expect(throttleFor(503, ['3', '9'], 'unavailable', 0)?.delayMs).toBe(3_000);
    expect(throttleFor(500, '2', 'failed', 0)).toBeUndefined();
    expect(throttleFor(429, undefined, 'throttled', 0)).toBeUndefined();
  });

  async function answering(status: number, headers: Record<string, string>): Promise<string> {
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () =>
        response
          .writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...headers })
          .end(JSON.stringify({ __type: 'ServiceUnavailableException', message: 'slow down' })),
      );
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async function sdkError(status: number, headers: Record<string, string>): Promise<unknown> {
    const client = new CloudWatchLogsClient({
      endpoint: await answering(status, headers),
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    try {
      await client.send(new PutLogEventsCommand({ logGroupName: 'g', logStreamName: 's', logEvents: [] }));
    } catch (error) {
      return error;
    } finally {
      client.destroy();
    }
    throw new Error('the call succeeded');
  }

  it('an AWS SDK error of a 503 with Retry-After becomes a throttle; without one a retryable failure', async () => {
    const throttled = sdkSendFailure(await sdkError(503, { 'retry-after': '4' }));
    expect(throttled).toBeInstanceOf(ThrottleError);
    expect((throttled as ThrottleError).delayMs).toBe(4_000);
    const plain = sdkSendFailure(await sdkError(503, {}));
    expect(plain).not.toBeInstanceOf(ThrottleError);
    expect(plain).not.toBeInstanceOf(PermanentError);
    expect(sdkSendFailure(await sdkError(400, { 'retry-after': '4' }))).toBeInstanceOf(PermanentError);
  });
});
