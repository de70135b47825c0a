import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AdotError } from '../../src/core/errors.js';
import { InquirerPrompter, isInteractive } from '../../src/ui/prompter.js';

const tty = <T extends object>(stream: T): T & { isTTY: true } => Object.assign(stream, { isTTY: true as const });

function prompter(options: { tty?: boolean; env?: Record<string, string>; yes?: boolean } = {}) {
  const stdin = new PassThrough();
  const stdout = new Writable({ write: (_chunk, _encoding, done) => done() });
  return new InquirerPrompter({
    stdin: options.tty ? tty(stdin) : stdin,
    stdout: options.tty ? tty(stdout) : stdout,
    env: options.env ?? {},
    yes: options.yes ?? false,
  });
}

async function refusal(promise: Promise<unknown>): Promise<AdotError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AdotError);
  return error as AdotError;
}

describe('InquirerPrompter', () => {
  it('is interactive only with TTYs on both sides, CI unset and no --yes', () => {
    expect(prompter({ tty: true }).interactive).toBe(true);
    expect(prompter().interactive).toBe(false);
    expect(prompter({ tty: true, env: { CI: 'true' } }).interactive).toBe(false);
    expect(prompter({ tty: true, yes: true }).interactive).toBe(false);
    expect(isInteractive({ stdin: tty(new PassThrough()), stdout: new PassThrough(), env: {}, yes: false })).toBe(
      false,
    );
  });

  it('refuses a missing value when not interactive, naming the flag and the environment variable (exit 2)', async () => {
    const error = await refusal(
      prompter().input({ message: 'EKS cluster name', flag: '--cluster', env: 'ADOT_CLUSTER' }),
    );
    expect(error.exitStatus).toBe(2);
    expect(error.code).toBe('MissingValue');
    expect(error.message).toContain('--cluster');
    expect(error.hint).toBe('pass --cluster or set ADOT_CLUSTER');
  });

  it('refuses select and checkbox the same way under CI even on a terminal', async () => {
    const ci = prompter({ tty: true, env: { CI: '1' } });
    const select = await refusal(
      ci.select({ message: 'version', flag: '--addon-version', choices: [{ name: 'a', value: 'a' }] }),
    );
    expect(select.hint).toBe('pass --addon-version');
    const checkbox = await refusal(
      ci.checkbox({ message: 'targets', flag: '--target', choices: [{ name: 'x', value: 'x' }] }),
    );
    expect(checkbox.message).toContain('--target');
  });

  it('confirms under --yes and refuses to confirm without it, naming --yes', async () => {
    await expect(prompter({ yes: true }).confirm({ message: 'Delete the role?', flag: '--yes' })).resolves.toBe(true);
    const error = await refusal(prompter().confirm({ message: 'Delete the role?', flag: '--yes' }));
    expect(error.exitStatus).toBe(2);
    expect(error.hint).toContain('--yes');
  });

  it('takes defaults (and pre-checked choices) under --yes', async () => {
    const yes = prompter({ yes: true });
    await expect(yes.input({ message: 'namespace', flag: '--namespace', default: 'aws-otel-eks' })).resolves.toBe(
      'aws-otel-eks',
    );
    await expect(
      yes.checkbox({
        message: 't',
        flag: '--target',
        choices: [
          { name: 'x', value: 'x', checked: true },
          { name: 'y', value: 'y' },
        ],
      }),
    ).resolves.toEqual(['x']);
  });

  it('asks through @inquirer/prompts when interactive', async () => {
    const stdin = tty(new PassThrough());
    const written: string[] = [];
    const stdout = tty(
      new Writable({
        write: (chunk: Buffer, _encoding, done) => {
          written.push(chunk.toString());
          done();
        },
      }),
    );
    const interactive = new InquirerPrompter({ stdin, stdout, env: {}, yes: false });
    const answer = interactive.input({ message: 'EKS cluster name', flag: '--cluster' });
    setTimeout(() => stdin.write('demo\n'), 20);
    await expect(answer).resolves.toBe('demo');
    expect(written.join('')).toContain('EKS cluster name');
  });
});
