/**
 * The text report: checks grouped by category with ✓ ! ✗ - symbols, details under what is not passing, and a
 * summary line. `short` lists only warnings and failures.
 */
import { Chalk } from 'chalk';
import type { DoctorDocument } from './document.js';

const SYMBOL = { pass: '✓', warn: '!', fail: '✗', skip: '-' } as const;

export function renderDoctorText(document: DoctorDocument, options: { color: boolean; short: boolean }): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const paint = { pass: chalk.green, warn: chalk.yellow, fail: chalk.red, skip: chalk.dim } as const;
  const lines: string[] = [];
  const shown = options.short
    ? document.checks.filter((c) => c.status === 'warn' || c.status === 'fail')
    : document.checks;
  let category: string | undefined;
  for (const check of shown) {
    if (check.category !== category) {
      category = check.category;
      if (lines.length > 0) lines.push('');
      lines.push(chalk.bold(category));
    }
    lines.push(`  ${paint[check.status](SYMBOL[check.status])} ${check.id}: ${check.message}`);
    if (check.status === 'warn' || check.status === 'fail') {
      if (check.observed !== undefined) lines.push(`      observed: ${check.observed}`);
      if (check.expected !== undefined) lines.push(`      expected: ${check.expected}`);
      if (check.hint !== undefined) lines.push(`      ${chalk.cyan('hint:')} ${check.hint}`);
    }
  }
  const { pass, warn, fail, skip } = document.summary;
  if (lines.length > 0) lines.push('');
  const verdict = document.ok ? paint.pass('Status check results are ✓') : paint.fail('Status check results are ✗');
  lines.push(
    `${verdict}  ${pass} passed, ${warn} warning${warn === 1 ? '' : 's'}, ${fail} failed, ${skip} skipped (cluster ${document.cluster})`,
  );
  return `${lines.join('\n')}\n`;
}
