/**
 * The awsxray receiver's proxy_server against the sandbox's X-Ray: an X-Ray SDK asks the daemon address for
 * sampling rules and targets with plain unsigned HTTP POSTs (POST /GetSamplingRules, POST /SamplingTargets); the
 * proxy signs them for xray and relays them. The AWS CLI through the same proxy parses the answers with botocore's
 * xray model, so their shapes are the model's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareConfigText } from '../../src/collector/config/load.js';
import { startCollector, type RunningCollector } from '../../src/collector/runtime/collector.js';
import { awsJson, runAwsCli } from '../helpers/aws-cli.js';
import {
  COLLECTOR_TEST_ACCOUNT,
  startCollectorAwsSandbox,
  type CollectorAwsSandbox,
} from '../helpers/collector-aws.js';
import { memoryLogger } from '../helpers/collector-segments.js';

const config = (proxy: string) => `
receivers:
  awsxray:
    endpoint: 127.0.0.1:0
    proxy_server: {endpoint: "127.0.0.1:0"${proxy}}
exporters:
  awsxray:
    region: us-east-1
service:
  telemetry: {metrics: {level: none}}
  pipelines:
    traces: {receivers: [awsxray], exporters: [awsxray]}
`;

const DEFAULT_RULE = {
  RuleName: 'Default',
  RuleARN: `arn:aws:xray:us-east-1:${COLLECTOR_TEST_ACCOUNT}:sampling-rule/Default`,
  ResourceARN: '*',
  Priority: 10000,
  FixedRate: 0.05,
  ReservoirSize: 1,
  ServiceName: '*',
  ServiceType: '*',
  Host: '*',
  HTTPMethod: '*',
  URLPath: '*',
  Version: 1,
  Attributes: {},
};

describe('awsxray receiver proxy_server -> sandbox X-Ray sampling', () => {
  let sandbox: CollectorAwsSandbox;
  let collector: RunningCollector;
  let proxy: string;

  async function start(proxySettings: string, env: Record<string, string>): Promise<RunningCollector> {
    const { config: prepared } = prepareConfigText(config(proxySettings), 'otel.yaml', env);
    return startCollector({ config: prepared, env, logger: memoryLogger() });
  }

  beforeAll(async () => {
    sandbox = await startCollectorAwsSandbox();
    collector = await start('', sandbox.env);
    proxy = `http://${collector.receiverAddresses('awsxray').proxy_server}`;
  }, 30_000);
  afterAll(async () => {
    await collector?.shutdown();
    await sandbox?.close();
  });

  /** As an X-Ray SDK calls the daemon: unsigned JSON POSTs. */
  const post = (path: string, body: unknown) =>
    fetch(`${proxy}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it("GetSamplingRules: the account's Default rule, signed for xray on the way", async () => {
    const response = await post('/GetSamplingRules', {});
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      SamplingRuleRecords: [{ SamplingRule: DEFAULT_RULE, CreatedAt: 0, ModifiedAt: 0 }],
    });
  });

  it('GetSamplingTargets: a target for each reported rule, valid for the reporting interval', async () => {
    const now = Math.floor(Date.now() / 1000);
    const response = await post('/SamplingTargets', {
      SamplingStatisticsDocuments: [
        {
          RuleName: 'Default',
          ClientID: 'a1b2c3d4e5f6a1b2c3d4e5f6',
          Timestamp: now,
          RequestCount: 10,
          SampledCount: 2,
          BorrowCount: 1,
        },
      ],
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as {
      SamplingTargetDocuments: {
        RuleName: string;
        FixedRate: number;
        ReservoirQuota: number;
        ReservoirQuotaTTL: number;
        Interval: number;
      }[];
      LastRuleModification: number;
      UnprocessedStatistics: unknown[];
    };
    expect(answer.SamplingTargetDocuments).toEqual([
      { RuleName: 'Default', FixedRate: 0.05, ReservoirQuota: 1, ReservoirQuotaTTL: expect.any(Number), Interval: 10 },
    ]);
    expect(answer.SamplingTargetDocuments[0]!.ReservoirQuotaTTL).toBeGreaterThan(now);
    expect(answer).toMatchObject({ LastRuleModification: 0, UnprocessedStatistics: [] });
  });

  it("X-Ray's errors come back as X-Ray gave them", async () => {
    const response = await post('/SamplingTargets', {
      SamplingStatisticsDocuments: [
        { RuleName: 'Default', ClientID: 'short', Timestamp: 0, RequestCount: 1, SampledCount: 1 },
      ],
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidRequestException');
  });

  it('the AWS CLI (botocore xray model) reads both answers through the proxy', async () => {
    const rules = await awsJson<{ SamplingRuleRecords: { SamplingRule: Record<string, unknown> }[] }>(proxy, [
      'xray',
      'get-sampling-rules',
    ]);
    expect(rules.SamplingRuleRecords.map((record) => record.SamplingRule)).toEqual([DEFAULT_RULE]);
    const targets = await runAwsCli(proxy, [
      'xray',
      'get-sampling-targets',
      '--sampling-statistics-documents',
      JSON.stringify([
        {
          RuleName: 'Default',
          ClientID: 'a1b2c3d4e5f6a1b2c3d4e5f6',
          Timestamp: Math.floor(Date.now() / 1000),
          RequestCount: 3,
          SampledCount: 1,
        },
      ]),
    ]);
    expect(targets.code, targets.stderr).toBe(0);
    expect(JSON.parse(targets.stdout)).toMatchObject({
      SamplingTargetDocuments: [{ RuleName: 'Default', FixedRate: 0.05, ReservoirQuota: 1, Interval: 10 }],
    });
  });

  it('without a region anywhere, the proxy still listens and answers 502 with the reason', async () => {
    const { AWS_REGION: _region, ...withoutRegion } = sandbox.env;
    const regionless = await start('', withoutRegion);
    try {
      const response = await fetch(`http://${regionless.receiverAddresses('awsxray').proxy_server}/GetSamplingRules`, {
        method: 'POST',
        body: '{}',
      });
      expect(response.status).toBe(502);
      expect(await response.text()).toContain('proxy_server.region');
    } finally {
      await regionless.shutdown();
    }
  });
});
