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
export function runInTerminal(
  command: string,
  options: { typeCtrlCAfter: string; cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<TerminalRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', `stty cols 120 rows 40; ${command}`, '/dev/null'], {
      cwd: options.cwd,
      env: { ...(options.env ?? process.env), TERM: 'xterm-256color' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let raw = '';
    let typed = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no exit within ${options.timeoutMs ?? 60_000} ms; the terminal showed:\n${clean(raw)}`));
    }, options.timeoutMs ?? 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
      if (!typed && clean(raw).includes(options.typeCtrlCAfter)) {
        typed = true;
        child.stdin.write('\x03');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ screen: clean(raw), code });
    });
  });
}

function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}
