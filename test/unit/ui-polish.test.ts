import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatElapsed } from '../../src/core/elapsed.js';
import { InquirerPrompter } from '../../src/ui/prompter.js';
import { createSpinner } from '../../src/ui/spinner.js';
import { createStyle } from '../../src/ui/style.js';

/** a stream that claims to be a sized terminal, as ora and inquirer want before they draw */
function terminalSink(): { stream: Writable & { isTTY: true; columns: number }; text(): string } {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    }),
    {
      isTTY: true as const,
      columns: 100,
      rows: 40,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    },
  );
  return { stream, text: () => chunks.join('') };
}

// eslint-disable-next-line no-control-regex
const COLOUR = /\x1b\[(?:3[0-9]|9[0-7])(?:;[0-9]+)*m/;

const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describe('formatElapsed', () => {
  it('keeps one decimal under 10 s and whole seconds above, never "0 s" for a second', () => {
    expect(formatElapsed(1_000)).toBe('1.0 s');
    expect(formatElapsed(1_400)).toBe('1.4 s');
    expect(formatElapsed(40)).toBe('0.0 s');
    expect(formatElapsed(9_949)).toBe('9.9 s');
    expect(formatElapsed(9_960)).toBe('10 s');
    expect(formatElapsed(90_400)).toBe('90 s');
    expect(formatElapsed(-5)).toBe('0.0 s');
  });
});

describe('spinner marks', () => {
  it('a skipped step ends with its own neutral mark, not the warning', () => {
    const out = terminalSink();
    const spinner = createSpinner('add-on RBAC', { stream: out.stream, animate: false, style: createStyle(0) });
    spinner.skip('add-on RBAC: skipped (not needed)');
    expect(out.text()).toBe('- add-on RBAC: skipped (not needed)\n');
  });

  it('the skip mark is dim, not yellow, when colour is on', () => {
    const out = terminalSink();
    createSpinner('x', { stream: out.stream, animate: false, style: createStyle(2) }).skip('x: skipped');
    expect(out.text()).toBe('\x1b[2m-\x1b[22m x: skipped\n');
  });

  it('an animated spinner draws no colour at all when colour is off, and a colour when on', async () => {
    const plain = terminalSink();
    const spinner = createSpinner('working', { stream: plain.stream, animate: true, style: createStyle(0) });
    await settle();
    spinner.warn('careful');
    const done = createSpinner('other', { stream: plain.stream, animate: true, style: createStyle(0) });
    await settle();
    done.succeed('done');
    expect(plain.text()).toContain('! careful');
    expect(plain.text()).toContain('✓ done');
    expect(plain.text()).not.toMatch(COLOUR);

    const coloured = terminalSink();
    const colourSpinner = createSpinner('working', { stream: coloured.stream, animate: true, style: createStyle(2) });
    await settle();
    colourSpinner.fail('broken');
    expect(coloured.text()).toMatch(COLOUR);
  });
});

describe('prompts', () => {
  function prompter(color: boolean) {
    const stdin = Object.assign(new PassThrough(), { isTTY: true as const, setRawMode: () => stdin });
    const out = terminalSink();
    const asker = new InquirerPrompter({ stdin, stdout: out.stream, env: {}, yes: false, color });
    return { asker, stdin, out };
  }

  it('name the flag that answers them and ask again on a bad answer, without colour when colour is off', async () => {
    const { asker, stdin, out } = prompter(false);
    const answer = asker.input({
      message: 'AMP workspace alias',
      flag: '--amp-workspace-alias',
      validate: (value) => (value.startsWith('ws') ? true : 'not a workspace'),
    });
    await settle();
    stdin.write('hello\r');
    await settle();
    stdin.write('\x15ws-1\r');
    await expect(answer).resolves.toBe('ws-1');
    expect(out.text()).toContain('AMP workspace alias (--amp-workspace-alias)');
    expect(out.text()).toContain('> not a workspace');
    expect(out.text()).not.toMatch(COLOUR);
  });

  it('keep inquirer colours when colour is on', async () => {
    const { asker, stdin, out } = prompter(true);
    const answer = asker.confirm({ message: 'Apply?', flag: '--yes' });
    await settle();
    stdin.write('y\r');
    await expect(answer).resolves.toBe(true);
    expect(out.text()).toContain('Apply? (--yes)');
  });
});
