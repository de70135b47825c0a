/**
 * Check ids are a union derived from ALL_CHECKS, so naming a check that does not exist is a compile error: this file
 * is compiled by `npm run typecheck` (tsconfig.json includes test/), where every `@ts-expect-error` below fails the
 * typecheck if the error it expects is gone. At run time the runner refuses a dependency it was not given.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { hintFor } from '../../src/core/checks/helpers.js';
import { ALL_CHECKS, orderByDependencies, runChecks } from '../../src/core/checks/index.js';
import type { Check, CheckId, CheckOutcome, RunnableCheck } from '../../src/core/checks/types.js';
import { CHECK_IDS } from '../helpers/check-ids.js';
import { context, healthyFacts } from './checks-fixtures.js';

const passing = (): CheckOutcome => ({ status: 'pass', message: 'ok' });

describe('check ids', () => {
  it('are exactly the checks listed, each once, in report order', () => {
    const ids: CheckId[] = ALL_CHECKS.map((check) => check.id);
    expect(ids).toEqual(CHECK_IDS);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('are a union of literals, not any string', () => {
    expectTypeOf<'aws.credentials'>().toExtend<CheckId>();
    expectTypeOf<'collector.service'>().toExtend<CheckId>();
    expectTypeOf<'aws.credential'>().not.toExtend<CheckId>();
    expectTypeOf<string>().not.toExtend<CheckId>();
  });

  it('make a misspelled dependency a compile error, and the runner refuse it at run time', () => {
    const misspelled: Check<'test.misspelled-dependency'> = {
      id: 'test.misspelled-dependency',
      category: 'aws',
      title: 'depends on a check that does not exist',
      appliesToPre: true,
      retryable: false,
      // @ts-expect-error -- 'aws.credential' is no check's id ('aws.credentials' is)
      dependsOn: ['aws.credential'],
      run: passing,
    };
    expect(() => orderByDependencies([...ALL_CHECKS, misspelled])).toThrow(
      'check test.misspelled-dependency depends on aws.credential, which is not among the checks',
    );
  });

  it('make a hint naming a check that does not exist a compile error', () => {
    // @ts-expect-error -- hints link to docs/checks.md#<id>, so the id must be a check's
    const hint = hintFor('eks.clusters', 'aws eks list-clusters');
    expect(hint).toBe('aws eks list-clusters (see docs/checks.md#eks.clusters)');
  });
});

describe('the runner over made-up ids', () => {
  const check = (id: string, dependsOn: string[]): RunnableCheck => ({
    id,
    category: 'aws',
    title: id,
    appliesToPre: true,
    retryable: false,
    dependsOn,
    run: passing,
  });

  it('throws on a dependency that is not among the checks, instead of running as if it had passed', () => {
    expect(() => runChecks([check('a', []), check('b', ['c'])], healthyFacts(), context())).toThrow(
      'check b depends on c, which is not among the checks',
    );
  });

  it('runs checks whose dependencies are all given', () => {
    const results = runChecks([check('b', ['a']), check('a', [])], healthyFacts(), context());
    expect(results.map((result) => [result.id, result.status])).toEqual([
      ['b', 'pass'],
      ['a', 'pass'],
    ]);
  });
});
