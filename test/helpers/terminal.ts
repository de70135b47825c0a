import { spawn } from 'node:child_process';

export interface TerminalRun {
  /** what the terminal showed, escape sequences removed */
  screen: string;
  /** the command's exit status (`script -e` passes it on; 128 + n when a signal n ended it) */
  code: number | null;
}

/**
 * Runs a shell command in a real pseudo-terminal (util-linux `script`, sized 120x40 so that spinners animate as in a
 * person's terminal) and types Ctrl-C once `typeCtrlCAfter` has appeared: the terminal's line discipline then sends
 * SIGINT to the whole foreground process group, as a person's Ctrl-C does (npx and node alike).
 */
export async function runInTerminal(
  command: string,
  options: { typeCtrlCAfter: string; cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<TerminalRun> {
  const { typeCtrlCAfter, ...rest } = options;
  const { screen, code } = await answerInTerminal(command, {
    ...rest,
    answers: [{ after: typeCtrlCAfter, keys: '\x03' }],
  });
  return { screen, code };
}

/** Type `keys` once `after` has appeared on the screen (after what the previous answer waited for). */
export interface Answer {
  after: string;
  keys: string;
}

export const KEY = { enter: '\r', down: '\x1b[B', up: '\x1b[A', space: ' ', eraseLine: '\x15' } as const;

/**
 * Runs a shell command in a real pseudo-terminal (util-linux `script`, 120x40), and answers its prompts as a person would:
 * each answer's keys are typed once its text has appeared after the previous answer's, one keystroke at a time (an
 * escape sequence stays whole). `raw` keeps the escape sequences, to check colours.
 */
export function answerInTerminal(
  command: string,
  options: { answers: Answer[]; cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<TerminalRun & { raw: string; unanswered: string[] }> {
  return new Promise((resolve, reject) => {
    // a person's terminal: CI runners set CI=true, which (rightly) turns prompts and spinners off
    const { CI: _ci, ...env } = options.env ?? process.env;
    const child = spawn('script', ['-qfec', `stty cols 120 rows 40; ${command}`, '/dev/null'], {
      cwd: options.cwd,
      env: { ...env, TERM: 'xterm-256color' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let raw = '';
    let from = 0;
    let next = 0;
    let typing: Promise<void> = Promise.resolve();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      const waiting = options.answers[next]?.after ?? '(nothing)';
      reject(new Error(`no exit within ${options.timeoutMs ?? 90_000} ms, waiting for "${waiting}":\n${clean(raw)}`));
    }, options.timeoutMs ?? 90_000);
    const answerWhatAppeared = () => {
      const screen = clean(raw);
      for (;;) {
        const answer = options.answers[next];
        if (answer === undefined) return;
        const at = screen.indexOf(answer.after, from);
        if (at < 0) return;
        from = at + answer.after.length;
        next += 1;
        typing = typing.then(() => typeSlowly(child.stdin, answer.keys));
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
      answerWhatAppeared();
    });
    child.stderr.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({
        screen: clean(raw),
        raw,
        code,
        unanswered: options.answers.slice(next).map((answer) => answer.after),
      });
    });
  });
}

/** a person's keystrokes arrive one by one: a prompt that redraws between them sees each */
async function typeSlowly(stdin: NodeJS.WritableStream, keys: string): Promise<void> {
  // a short pause first: the prompt is drawn before it listens for keys
  await new Promise((resolve) => setTimeout(resolve, 150));
  // eslint-disable-next-line no-control-regex
  for (const key of keys.match(/\x1b\[[A-D]|[\s\S]/g) ?? []) {
    stdin.write(key);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}
