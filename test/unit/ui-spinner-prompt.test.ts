import { PassThrough, Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StreamOutput } from '../../src/ui/output.js';
import { InquirerPrompter } from '../../src/ui/prompter.js';
import { createStyle } from '../../src/ui/style.js';

/** a terminal's stream as ora and inquirer use it: what is written, with the cursor moves ora makes */
class TerminalStream extends Writable {
  readonly isTTY = true;
  readonly columns = 120;
  text = '';

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }

  cursorTo(x: number): boolean {
    return this.write(`\x1b[${x + 1}G`);
  }

  moveCursor(_dx: number, dy: number): boolean {
    return this.write(dy < 0 ? `\x1b[${-dy}A` : '');
  }

  clearLine(): boolean {
    return this.write('\x1b[2K');
  }
}

/** the spinner's frames: ora redraws its line with the text on each tick of its interval */
const frames = (text: string, label: string) => text.split(label).length - 1;

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('one owner of the terminal: a prompt opened while a spinner runs', () => {
  it('pauses the spinner (its line cleared, no frame drawn) until the answer, then the spinner goes on', async () => {
    // ora animates with setInterval: fake time makes "no frame while the prompt is open" exact
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const stderr = new TerminalStream();
    const stdout = new TerminalStream();
    const stdin = Object.assign(new PassThrough(), { isTTY: true as const });
    const output = new StreamOutput({
      format: 'text',
      stdout,
      stderr,
      stdoutStyle: createStyle(0),
      stderrStyle: createStyle(0),
      verbose: false,
      animate: true,
    });
    const prompter = new InquirerPrompter({ stdin, stdout, env: {}, yes: false, color: false, terminal: output });

    const spinner = output.spinner('addon adot');
    await until(() => frames(stderr.text, 'addon adot') > 0);
    vi.advanceTimersByTime(400);
    expect(frames(stderr.text, 'addon adot')).toBeGreaterThan(1);

    const answer = prompter.confirm({ message: 'Replace the add-on?', flag: '--yes' });
    await until(() => stdout.text.includes('Replace the add-on? (--yes)'));
    // the spinner's line was cleared when the prompt opened, and nothing is drawn on stderr while it is open
    // (ora's stop: back to column 1, line erased, cursor shown again for the prompt)
    expect(stderr.text.endsWith('\x1b[1G\x1b[2K\x1b[?25h')).toBe(true);
    const whileOpen = stderr.text.length;
    vi.advanceTimersByTime(2000);
    expect(stderr.text.length).toBe(whileOpen);

    stdin.write('y\r');
    expect(await answer).toBe(true);
    // answered: the spinner is back, animating with its text
    const afterAnswer = stderr.text.length;
    vi.advanceTimersByTime(400);
    expect(frames(stderr.text.slice(afterAnswer), 'addon adot')).toBeGreaterThan(1);
    spinner.succeed('addon adot: updated');
    expect(stderr.text).toContain('✓ addon adot: updated');
  });

  it('a spinner started while a prompt is open waits for the answer; an ended one is not brought back', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const stderr = new TerminalStream();
    const output = new StreamOutput({
      format: 'text',
      stdout: new TerminalStream(),
      stderr,
      stdoutStyle: createStyle(0),
      stderrStyle: createStyle(0),
      verbose: false,
      animate: true,
    });
    const ended = output.spinner('observing');
    await until(() => frames(stderr.text, 'observing') > 0);
    ended.succeed('observed');
    let started: ReturnType<StreamOutput['spinner']> | undefined;
    await output.whilePrompting(async () => {
      started = output.spinner('collector');
      // ora loads, and stays off the terminal while the prompt is open
      await new Promise((resolve) => setTimeout(resolve, 50));
      vi.advanceTimersByTime(1000);
      expect(stderr.text).not.toContain('collector');
    });
    vi.advanceTimersByTime(400);
    expect(frames(stderr.text, 'collector')).toBeGreaterThan(0);
    expect(frames(stderr.text, 'observing')).toBe(1);
    started?.stop();
  });
});
