/**
 * X-Ray sampling as the SDKs (through a daemon or the collector's proxy) call it: GetSamplingRules and
 * GetSamplingTargets (xray/2016-04-12 model: POST /GetSamplingRules and POST /SamplingTargets). The account has the
 * rule every account starts with, Default, as AWS describes it: it records the first request each second and five
 * percent of any additional requests (https://docs.aws.amazon.com/xray/latest/devguide/xray-console-sampling.html),
 * i.e. ReservoirSize 1 and FixedRate 0.05, at Priority 10000 with `*` for every matcher and CreatedAt 0, as the
 * Default rule appears in https://docs.aws.amazon.com/xray/latest/devguide/xray-api-sampling.html.
 *
 * What the sandbox cannot know: how X-Ray splits a rule's reservoir between the services that report (here the
 * caller gets the whole reservoir), and when a never-modified Default rule says it was modified (here 0, as created).
 */
import { AwsServiceError } from '../../types.js';

export interface SamplingRule {
  RuleName: string;
  RuleARN: string;
  ResourceARN: string;
  Priority: number;
  FixedRate: number;
  ReservoirSize: number;
  ServiceName: string;
  ServiceType: string;
  Host: string;
  HTTPMethod: string;
  URLPath: string;
  Version: number;
  Attributes: Record<string, string>;
}

/** How long a reservoir quota lasts and how often the SDK reports: the SDKs report every 10 seconds (the model). */
const TARGET_INTERVAL_SECONDS = 10;
/** SamplingStatisticsDocumentList: at most 25 (xray/2016-04-12 model). */
const MAX_STATISTICS_DOCUMENTS = 25;

function invalid(message: string): AwsServiceError {
  return new AwsServiceError('InvalidRequestException', message, 400);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class XRaySampling {
  private readonly rules: { rule: SamplingRule; createdAt: Date; modifiedAt: Date }[];

  constructor(
    account: string,
    region: string,
    private readonly now: () => number = Date.now,
  ) {
    this.rules = [
      {
        rule: {
          RuleName: 'Default',
          RuleARN: `arn:aws:xray:${region}:${account}:sampling-rule/Default`,
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
        },
        createdAt: new Date(0),
        modifiedAt: new Date(0),
      },
    ];
  }

  /** GetSamplingRules: every rule, in one page. */
  samplingRules(): unknown {
    return {
      SamplingRuleRecords: this.rules.map(({ rule, createdAt, modifiedAt }) => ({
        SamplingRule: rule,
        CreatedAt: createdAt,
        ModifiedAt: modifiedAt,
      })),
    };
  }

  /** GetSamplingTargets: a target for each reported rule that exists; statistics of other rules get none. */
  samplingTargets(input: Record<string, unknown>): unknown {
    const documents = input.SamplingStatisticsDocuments;
    if (!Array.isArray(documents)) throw invalid('SamplingStatisticsDocuments is required');
    if (documents.length > MAX_STATISTICS_DOCUMENTS) {
      throw invalid(`SamplingStatisticsDocuments must have at most ${MAX_STATISTICS_DOCUMENTS} members`);
    }
    const nowSeconds = this.now() / 1000;
    const targets: unknown[] = [];
    for (const [index, document] of documents.entries()) {
      const ruleName = statisticsRuleName(document, index);
      const known = this.rules.find(({ rule }) => rule.RuleName === ruleName);
      if (known === undefined || targets.some((target) => (target as { RuleName: string }).RuleName === ruleName))
        continue;
      targets.push({
        RuleName: ruleName,
        FixedRate: known.rule.FixedRate,
        ReservoirQuota: known.rule.ReservoirSize,
        ReservoirQuotaTTL: new Date(Math.floor(nowSeconds + TARGET_INTERVAL_SECONDS) * 1000),
        Interval: TARGET_INTERVAL_SECONDS,
      });
    }
    const lastModification = Math.max(...this.rules.map(({ modifiedAt }) => modifiedAt.getTime()));
    return {
      SamplingTargetDocuments: targets,
      LastRuleModification: new Date(lastModification),
      UnprocessedStatistics: [],
    };
  }
}

/** A SamplingStatisticsDocument's rule name, once its required members (RuleName, ClientID, Timestamp,
 * RequestCount, SampledCount) are there with the model's constraints. */
function statisticsRuleName(document: unknown, index: number): string {
  const where = `SamplingStatisticsDocuments[${index}]`;
  if (!isRecord(document)) throw invalid(`${where} must be an object`);
  const { RuleName, ClientID, Timestamp, RequestCount, SampledCount, BorrowCount } = document;
  if (typeof RuleName !== 'string' || RuleName.length < 1 || RuleName.length > 32) {
    throw invalid(`${where}.RuleName must be 1 to 32 characters`);
  }
  if (typeof ClientID !== 'string' || ClientID.length !== 24) {
    throw invalid(`${where}.ClientID must be 24 characters`);
  }
  if (Timestamp === undefined || Timestamp === null) throw invalid(`${where}.Timestamp is required`);
  for (const [name, value] of [
    ['RequestCount', RequestCount],
    ['SampledCount', SampledCount],
  ] as const) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw invalid(`${where}.${name} must be an integer of at least 0`);
    }
  }
  if (
    BorrowCount !== undefined &&
    (typeof BorrowCount !== 'number' || !Number.isInteger(BorrowCount) || BorrowCount < 0)
  ) {
    throw invalid(`${where}.BorrowCount must be an integer of at least 0`);
  }
  return RuleName;
}
