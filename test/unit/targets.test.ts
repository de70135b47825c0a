import { describe, expect, test } from 'vitest';
import { AdotError } from '../../src/core/errors.js';
import {
  isMetricsTarget,
  parseTargets,
  policyArnsForTargets,
  TARGETS,
  targetForExporter,
} from '../../src/core/targets.js';

describe('parseTargets', () => {
  test('accepts repeated flags and comma lists, deduplicated in canonical order', () => {
    expect(parseTargets(['xray,amp', 'amp', ' CloudWatch '])).toEqual(['amp', 'cloudwatch', 'xray']);
    expect(parseTargets(['xray'])).toEqual(['xray']);
  });

  test('ignores empty items and returns an empty list for no input', () => {
    expect(parseTargets(['xray,', ''])).toEqual(['xray']);
    expect(parseTargets([])).toEqual([]);
  });

  test('refuses an unknown target with a usage error that lists the valid ones', () => {
    let error: unknown;
    try {
      parseTargets(['xray,prometheus']);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AdotError);
    const adotError = error as AdotError;
    expect(adotError.code).toBe('UnknownTarget');
    expect(adotError.exitStatus).toBe(2);
    expect(adotError.message).toContain('"prometheus"');
    expect(adotError.hint).toContain('amp, cloudwatch, xray');
  });
});

test('policyArnsForTargets maps targets to sorted unique AWS managed policies', () => {
  expect(policyArnsForTargets(['xray', 'amp', 'xray'])).toEqual([
    'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess',
    'arn:aws:iam::aws:policy/AmazonPrometheusRemoteWriteAccess',
  ]);
  expect(policyArnsForTargets(TARGETS)).toEqual([
    'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess',
    'arn:aws:iam::aws:policy/AmazonPrometheusRemoteWriteAccess',
    'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy',
  ]);
  expect(policyArnsForTargets([])).toEqual([]);
});

test('targetForExporter uses the type before the slash', () => {
  expect(targetForExporter('awsxray')).toBe('xray');
  expect(targetForExporter('awsxray/eu')).toBe('xray');
  expect(targetForExporter('prometheusremotewrite')).toBe('amp');
  expect(targetForExporter('awsemf/custom')).toBe('cloudwatch');
  expect(targetForExporter('debug')).toBeUndefined();
  expect(targetForExporter('constructor')).toBeUndefined();
});

test('isMetricsTarget is true for amp and cloudwatch only', () => {
  expect(TARGETS.filter(isMetricsTarget)).toEqual(['amp', 'cloudwatch']);
});
