import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { resolveColorLevel } from '../../src/ui/color.js';
import { errorDocument } from '../../src/ui/json.js';
import { StreamOutput } from '../../src/ui/output.js';
import { createStyle } from '../../src/ui/style.js';
import { renderTable } from '../../src/ui/table.js';
import type { OutputFormat } from '../../src/ports.js';

function sink(): { stream: Writable; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

function output(format: OutputFormat, verbose = false) {
  const stdout = sink();
  const stderr = sink();
  const plain = createStyle(0);
  const out = new StreamOutput({
    format,
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdoutStyle: plain,
    stderrStyle: plain,
    verbose,
    animate: false,
  });
  return { out, stdout, stderr };
}

describe('StreamOutput', () => {
  it('writes the result as JSON, YAML or text on stdout and nothing on stderr', () => {
    const document = { schemaVersion: 1, ok: true };
    for (const [format, expected] of [
      ['json', '{\n  "schemaVersion": 1,\n  "ok": true\n}\n'],
      ['yaml', 'schemaVersion: 1\nok: true\n'],
      ['text', 'all good\n'],
      ['short', 'all good\n'],
    ] as const) {
      const { out, stdout, stderr } = output(format);
      out.result(document, () => 'all good');
      expect(stdout.text()).toBe(expected);
      expect(stderr.text()).toBe('');
    }
  });

  it('sends progress, warnings, errors and verbose lines to stderr only', () => {
    const { out, stdout, stderr } = output('json', true);
    out.info('working');
    out.warn('careful');
    out.error('broken');
    out.verbose('detail');
    const spinner = out.spinner('waiting');
    spinner.update('still waiting');
    spinner.succeed();
    out.spinner('other').fail('it failed');
    expect(stdout.text()).toBe('');
    expect(stderr.text()).toBe('working\nwarning: careful\nerror: broken\ndetail\n✓ still waiting\n✗ it failed\n');
  });

  it('drops verbose lines unless -v, and a stopped spinner prints nothing', () => {
    const { out, stderr } = output('text');
    out.verbose('detail');
    const spinner = out.spinner('waiting');
    spinner.stop();
    spinner.succeed('late');
    expect(stderr.text()).toBe('');
  });
});

describe('resolveColorLevel', () => {
  it.each([
    [{ flag: true, env: {}, isTTY: true }, 2],
    [{ flag: true, env: {}, isTTY: false }, 0],
    [{ flag: true, env: { TERM: 'dumb' }, isTTY: true }, 0],
    [{ flag: true, env: { NO_COLOR: '1' }, isTTY: true }, 0],
    [{ flag: true, env: { NO_COLOR: '' }, isTTY: true }, 2],
    [{ flag: true, env: { FORCE_COLOR: '1', NO_COLOR: '1' }, isTTY: false }, 1],
    [{ flag: true, env: { FORCE_COLOR: '3' }, isTTY: false }, 3],
    [{ flag: true, env: { FORCE_COLOR: '0' }, isTTY: true }, 0],
    [{ flag: false, env: { FORCE_COLOR: '1' }, isTTY: true }, 0],
  ])('%j -> %d', (inputs, level) => expect(resolveColorLevel(inputs)).toBe(level));
});

describe('renderTable', () => {
  it('aligns columns, ignoring colour codes, without trailing blanks', () => {
    const bold = createStyle(1).bold;
    expect(
      renderTable(
        ['A', 'LONGER', 'C'],
        [
          [bold('xyz'), '1', ''],
          ['w', '22', 'last'],
        ],
      ),
    ).toBe(`A    LONGER  C\n${bold('xyz')}  1\nw    22      last`);
  });
});

describe('errorDocument', () => {
  it('always carries schemaVersion 1 and a null hint when there is none', () => {
    expect(errorDocument({ code: 'X', message: 'm' })).toEqual({
      schemaVersion: 1,
      ok: false,
      error: { code: 'X', message: 'm', hint: null },
    });
  });
});
