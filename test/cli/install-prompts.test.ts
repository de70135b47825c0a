import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerInTerminal, KEY, type Answer } from '../helpers/terminal.js';

/**
 * `adot install` answered as a person answers it, in a real pseudo-terminal: each question names its flag, a bad
 * answer is asked again (not a usage error), the plan is shown and confirmed once, and NO_COLOR / --no-color leave
 * no colour on the screen (prompts and spinners included).
 */
const root = resolve('.');
const node = JSON.stringify(process.execPath);
const adot = `${node} bin/adot.js`;
const WORKSPACE = 'ws-12345678-abcd-1234-abcd-123456789012';
// eslint-disable-next-line no-control-regex
const COLOUR = /\x1b\[(?:3[0-8]|9[0-7])(?:;[0-9]+)*m/;
const BACKSPACE = '\x7f';

/** targets amp and xray, the default identity and version, a bad then a good workspace id, yes to the plan */
const answers: Answer[] = [
  {
    after: 'Where should the collector send telemetry? (--target)',
    keys: KEY.space + KEY.down + KEY.down + KEY.space + KEY.enter,
  },
  { after: '(--identity)', keys: KEY.enter },
  { after: '(--addon-version)', keys: KEY.enter },
  { after: 'Prometheus workspace in us-east-1? (--amp-workspace-alias', keys: KEY.down + KEY.enter },
  { after: '(--amp-remote-write-url)', keys: `hello${KEY.enter}` },
  { after: 'not a URL', keys: `${BACKSPACE.repeat(5)}${WORKSPACE}${KEY.enter}` },
  { after: 'Apply these changes to cluster demo? (--yes)', keys: `y${KEY.enter}` },
];

describe('install prompts in a terminal', () => {
  it('names each flag, asks again after a bad AMP answer, confirms once after the plan, exit 0', async () => {
    const run = await answerInTerminal(`${adot} install --sandbox`, { cwd: root, answers });
    expect(run.unanswered, run.screen).toEqual([]);
    expect(run.code, run.screen).toBe(0);
    // one line per choice, saying what each target sends where
    expect(run.screen).toMatch(/amp {2}— metrics to Amazon Managed Service for Prometheus/);
    expect(run.screen).toMatch(/xray {2}— traces to AWS X-Ray/);
    // the bad answer was refused with the flag's own message, and the run went on
    expect(run.screen).toContain('> Invalid --amp-remote-write-url "hello": not a URL');
    expect(run.screen).toMatch(/will make \d+ changes on demo:[\s\S]*Apply these changes to cluster demo\?/);
    // one confirmation in the whole run (a prompt redraws as it is typed into: count the answered one)
    expect(run.screen.match(/✔ Apply these changes/g)).toHaveLength(1);
    expect(run.screen.match(/✔ /g)?.length).toBe(6);
    expect(run.screen).toMatch(/ADOT is installed on demo \(\d+ changes\)/);
    expect(run.screen).toContain('targets amp, xray');
  }, 120_000);

  it('under NO_COLOR and --no-color nothing on the screen is coloured; without them the prompts are', async () => {
    const xrayOnly: Answer[] = [
      { after: '(--identity)', keys: KEY.enter },
      { after: '(--addon-version)', keys: KEY.enter },
      { after: 'Apply these changes', keys: `y${KEY.enter}` },
    ];
    const noColor = await answerInTerminal(`${adot} install --sandbox --target xray`, {
      cwd: root,
      answers: xrayOnly,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined },
    });
    expect(noColor.code, noColor.screen).toBe(0);
    expect(noColor.raw).not.toMatch(COLOUR);

    const flag = await answerInTerminal(`${adot} install --sandbox --target xray --no-color`, {
      cwd: root,
      answers: xrayOnly,
      env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined },
    });
    expect(flag.code, flag.screen).toBe(0);
    expect(flag.raw).not.toMatch(COLOUR);

    const coloured = await answerInTerminal(`${adot} install --sandbox --target xray`, {
      cwd: root,
      answers: xrayOnly,
      env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined },
    });
    expect(coloured.code, coloured.screen).toBe(0);
    expect(coloured.raw).toMatch(COLOUR);
  }, 180_000);
});
