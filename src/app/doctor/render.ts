/**
 * The text report: checks grouped by category with ✓ ! ✗ - symbols, details under what is not passing, and a
 * summary line. `short` lists only warnings and failures.
 */
import { createStyle } from '../../ui/style.js';
import type { DoctorDocument } from './document.js';

const SYMBOL = { pass: '✓', warn: '!', fail: '✗', skip: '-' } as const;

export function renderDoctorText(document: DoctorDocument, options: { color: boolean; short: boolean }): string {
  const style = createStyle(options.color ? 1 : 0);
  const paint = { pass: style.ok, warn: style.warn, fail: style.fail, skip: style.dim } as const;
  const lines: string[] = [];
  const shown = options.short
    ? document.checks.filter((c) => c.status === 'warn' || c.status === 'fail')
    : document.checks;
  let category: string | undefined;
  for (const check of shown) {
    if (check.category !== category) {
      category = check.category;
      if (lines.length > 0) lines.push('');
      lines.push(style.bold(category));
    }
    lines.push(`  ${paint[check.status](SYMBOL[check.status])} ${check.id}: ${check.message}`);
    if (check.status === 'warn' || check.status === 'fail') {
      if (check.observed !== undefined) lines.push(`      observed: ${check.observed}`);
      if (check.expected !== undefined) lines.push(`      expected: ${check.expected}`);
      if (check.hint !== undefined) lines.push(`      ${style.bold('hint:')} ${check.hint}`);
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
