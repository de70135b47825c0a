import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsServer } from '../../src/sandbox/aws/index.js';
import { logsService, LogsState } from '../../src/sandbox/aws/logs/index.js';
import { COLLECTOR_TEST_ACCOUNT, COLLECTOR_TEST_REGION, startAwsEndpoint } from '../helpers/collector-aws.js';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src/sandbox/seed/identity.js';

async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('the call succeeded');
}

describe('sandbox CloudWatch Logs through the real SDK (awsJson1.1)', () => {
  let server: AwsServer;
  let logs: CloudWatchLogsClient;
  const now = Date.now();

  beforeAll(async () => {
    const account = COLLECTOR_TEST_ACCOUNT;
    const region = COLLECTOR_TEST_REGION;
    server = await startAwsEndpoint([logsService(new LogsState(account, region))]);
    logs = new CloudWatchLogsClient({
      endpoint: server.url,
      region,
      credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
      maxAttempts: 1,
    });
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/app/one' }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/app/one', logStreamName: 'a' }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/app/one', logStreamName: 'b' }));
  });

  afterAll(async () => {
    logs?.destroy();
    await server?.close();
  });

  it('creates groups and streams once; a missing group or stream is ResourceNotFoundException', async () => {
    expect(await rejection(logs.send(new CreateLogGroupCommand({ logGroupName: '/app/one' })))).toMatchObject({
      name: 'ResourceAlreadyExistsException',
    });
    expect(
      await rejection(logs.send(new CreateLogStreamCommand({ logGroupName: '/nope', logStreamName: 'a' }))),
    ).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The specified log group does not exist.',
    });
    expect(
      await rejection(
        logs.send(
          new PutLogEventsCommand({
            logGroupName: '/app/one',
            logStreamName: 'zzz',
            logEvents: [{ timestamp: now, message: 'x' }],
          }),
        ),
      ),
    ).toMatchObject({ name: 'ResourceNotFoundException', message: 'The specified log stream does not exist.' });
    expect(await rejection(logs.send(new CreateLogGroupCommand({ logGroupName: 'bad name!' })))).toMatchObject({
      name: 'InvalidParameterException',
    });
  });

  it('PutLogEvents refuses out-of-order, too many and too large batches for the whole call', async () => {
    const put = (logEvents: { timestamp: number; message: string }[]) =>
      logs.send(new PutLogEventsCommand({ logGroupName: '/app/one', logStreamName: 'b', logEvents }));
    expect(
      await rejection(
        put([
          { timestamp: now, message: 'late' },
          { timestamp: now - 1, message: 'early' },
        ]),
      ),
    ).toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('chronological order') as unknown as string,
    });
    const many = Array.from({ length: 10_001 }, () => ({ timestamp: now, message: 'x' }));
    expect((await rejection(put(many))).name).toBe('InvalidParameterException');
    // 1 MiB counts 26 bytes per event: 100 events of 10,460 bytes are 1,048,600 bytes with the overhead
    const large = Array.from({ length: 100 }, () => ({ timestamp: now, message: 'y'.repeat(10_460) }));
    expect(await rejection(put(large))).toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('Upload too large') as unknown as string,
    });
    await put(large.slice(1));
    const stored = await logs.send(
      new GetLogEventsCommand({ logGroupName: '/app/one', logStreamName: 'b', startFromHead: true }),
    );
    expect(stored.events).toHaveLength(99);
  });

  it('skips events older than 14 days or more than 2 hours ahead and reports them in rejectedLogEventsInfo', async () => {
    const day = 24 * 3600 * 1000;
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/app/one', logStreamName: 'edges' }));
    // one call may not span more than 24 hours, so the old and the new edge need a call each
    const put = (logEvents: { timestamp: number; message: string }[]) =>
      logs.send(new PutLogEventsCommand({ logGroupName: '/app/one', logStreamName: 'edges', logEvents }));
    const old = await put([
      { timestamp: now - 15 * day, message: 'too old' },
      { timestamp: now - 15 * day + 1, message: 'too old too' },
    ]);
    expect(old.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 1 });
    const ahead = await put([
      { timestamp: now, message: 'kept' },
      { timestamp: now + 3 * 3600 * 1000, message: 'too new' },
    ]);
    expect(ahead.rejectedLogEventsInfo).toEqual({ tooNewLogEventStartIndex: 1 });
    expect(
      (
        await rejection(
          put([
            { timestamp: now - 2 * day, message: 'a' },
            { timestamp: now, message: 'b' },
          ]),
        )
      ).message,
    ).toContain('cannot span more than 24 hours');
    const stored = await logs.send(
      new GetLogEventsCommand({ logGroupName: '/app/one', logStreamName: 'edges', startFromHead: true }),
    );
    expect(stored.events?.map((event) => event.message)).toEqual(['kept']);
  });

  it('GetLogEvents pages forward with nextForwardToken and reads the newest events by default', async () => {
    const events = Array.from({ length: 25 }, (_, index) => ({ timestamp: now + index, message: `event ${index}` }));
    await logs.send(new PutLogEventsCommand({ logGroupName: '/app/one', logStreamName: 'a', logEvents: events }));
    const seen: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      const answer = await logs.send(
        new GetLogEventsCommand({
          logGroupName: '/app/one',
          logStreamName: 'a',
          startFromHead: true,
          limit: 10,
          ...(token ? { nextToken: token } : {}),
        }),
      );
      if (answer.events?.length === 0) break;
      seen.push(...(answer.events ?? []).map((event) => event.message ?? ''));
      token = answer.nextForwardToken;
    }
    expect(seen).toEqual(events.map((event) => event.message));
    const newest = await logs.send(new GetLogEventsCommand({ logGroupName: '/app/one', logStreamName: 'a', limit: 2 }));
    expect(newest.events?.map((event) => event.message)).toEqual(['event 23', 'event 24']);
    expect(newest.events?.[0]?.ingestionTime).toBeGreaterThanOrEqual(now);
  });

  it('FilterLogEvents matches terms and { $.field = value } patterns across streams', async () => {
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/app/one',
        logStreamName: 'b',
        logEvents: [
          { timestamp: now + 100, message: JSON.stringify({ level: 'error', code: 500, text: 'disk full' }) },
          { timestamp: now + 101, message: JSON.stringify({ level: 'info', code: 200, text: 'ok' }) },
        ],
      }),
    );
    const terms = await logs.send(
      new FilterLogEventsCommand({ logGroupName: '/app/one', filterPattern: '"disk full"' }),
    );
    expect(terms.events?.map((event) => event.logStreamName)).toEqual(['b']);
    const json = await logs.send(
      new FilterLogEventsCommand({ logGroupName: '/app/one', filterPattern: '{ $.code >= 500 }' }),
    );
    expect(json.events?.map((event) => JSON.parse(event.message ?? '{}').level)).toEqual(['error']);
    const level = await logs.send(
      new FilterLogEventsCommand({
        logGroupName: '/app/one',
        filterPattern: '{ $.level = "info" }',
        logStreamNames: ['b'],
      }),
    );
    expect(level.events).toHaveLength(1);
    const prefix = await logs.send(
      new FilterLogEventsCommand({ logGroupName: '/app/one', logStreamNamePrefix: 'a', filterPattern: 'event' }),
    );
    expect(prefix.events).toHaveLength(25);
  });

  it('describes groups and streams, and DeleteLogGroup removes a group', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/app/two' }));
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/app/' }));
    expect(groups.logGroups?.map((group) => group.logGroupName)).toEqual(['/app/one', '/app/two']);
    expect(groups.logGroups?.[0]?.arn).toBe('arn:aws:logs:us-east-1:111122223333:log-group:/app/one:*');
    const streams = await logs.send(
      new DescribeLogStreamsCommand({ logGroupName: '/app/one', orderBy: 'LogStreamName' }),
    );
    expect(streams.logStreams?.map((stream) => stream.logStreamName)).toEqual(['a', 'b', 'edges']);
    expect(streams.logStreams?.[0]?.lastEventTimestamp).toBe(now + 24);
    const paged = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/app/one', limit: 2 }));
    expect(paged.nextToken).toBeDefined();
    expect(
      await rejection(
        logs.send(
          new DescribeLogStreamsCommand({
            logGroupName: '/app/one',
            orderBy: 'LastEventTime',
            logStreamNamePrefix: 'a',
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidParameterException' });
    await logs.send(new DeleteLogGroupCommand({ logGroupName: '/app/two' }));
    expect(await rejection(logs.send(new DeleteLogGroupCommand({ logGroupName: '/app/two' })))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(
      server.requests().some((request) => request.service === 'logs' && request.operation === 'PutLogEvents'),
    ).toBe(true);
  });
});
