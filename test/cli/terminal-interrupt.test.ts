import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerInTerminal, runInTerminal } from '../helpers/terminal.js';

/**
 * Ctrl-C typed in a real pseudo-terminal, as a person does: at a prompt, during a change, during a wait with a
 * spinner, under throttling, run directly and through npx. Each run stops at a safe point, says what changed, and
 * ends with exit 130 (not killed by the signal, which would print nothing).
 */
const root = resolve('.');
const node = JSON.stringify(process.execPath);
const adot = `${node} bin/adot.js`;

// each run starts a sandbox and a CLI process (npx also npm): generous on a loaded machine
describe('Ctrl-C in a terminal', { timeout: 120_000 }, () => {
  it('at a prompt: nothing changed, exit 130', async () => {
    const run = await runInTerminal(`${adot} install --sandbox --target xray`, {
      cwd: root,
      typeCtrlCAfter: 'get AWS credentials',
      timeoutMs: 110_000,
    });
    expect(run.screen).toMatch(/Interrupted at a prompt/);
    expect(run.code, run.screen).toBe(130);
  });

  it('during the steps, with spinners: the changes so far are listed, exit 130', async () => {
    const run = await runInTerminal(`${adot} install --sandbox --target xray --yes`, {
      cwd: root,
      typeCtrlCAfter: 'ACTIVE after',
      timeoutMs: 110_000,
    });
    expect(run.screen).toMatch(/Interrupted/);
    expect(run.screen).toMatch(/Changed before the failure[\s\S]*create\s+EKS add-on adot on demo/);
    expect(run.code, run.screen).toBe(130);
  });

  it('under throttling and 5xx answers (flaky-api): exit 130', async () => {
    // 30% of the calls fail there, and the SDK's 5 attempts leave about one call in 400 failed for good, so a run can
    // end with its coded error before Ctrl-C is typed: such a run says nothing of interrupts, and is run again
    const command = `${adot} install --sandbox --sandbox-scenario flaky-api --target xray --yes`;
    const answers = [{ after: 'EKS add-on adot on demo', keys: '\x03' }];
    let run = await answerInTerminal(command, { cwd: root, answers, timeoutMs: 110_000 });
    for (let retry = 0; retry < 3 && run.unanswered.length > 0; retry++) {
      run = await answerInTerminal(command, { cwd: root, answers, timeoutMs: 110_000 });
    }
    expect(run.unanswered, run.screen).toEqual([]);
    expect(run.screen).toMatch(/Interrupted/);
    expect(run.code, run.screen).toBe(130);
  });

  it('through npx (npm and node both get the SIGINT): the report is printed, exit 130', async () => {
    // npx from PATH; its node is the one running this test (its directory goes first on PATH)
    const run = await runInTerminal(`npx --no-install adot install --sandbox --target xray --yes`, {
      cwd: root,
      typeCtrlCAfter: 'ACTIVE after',
      timeoutMs: 110_000,
      env: { ...process.env, PATH: `${resolve(process.execPath, '..')}:${process.env['PATH'] ?? ''}` },
    });
    expect(run.screen).toMatch(/Changed before the failure/);
    expect(run.code, run.screen).toBe(130);
  });
});
