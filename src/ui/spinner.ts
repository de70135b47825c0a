import ora from 'ora';
import type { Spinner } from '../ports.js';
import type { Style } from './style.js';
import type { OutStream } from './streams.js';

/**
 * A spinner on stderr when it is a terminal and CI is unset; otherwise nothing while it runs and one plain line
 * ("✓ text", "✗ text", "! text") when it ends, so logs and CI output stay readable.
 */
export function createSpinner(text: string, options: { stream: OutStream; animate: boolean; style: Style }): Spinner {
  if (options.animate) return oraSpinner(text, options.stream);
  return new PlainSpinner(text, options.stream, options.style);
}

function oraSpinner(text: string, stream: OutStream): Spinner {
  // discardStdin would put stdin in raw mode and swallow Ctrl-C handling; we rely on SIGINT instead.
  const spinner = ora({ text, stream, discardStdin: false }).start();
  return {
    update: (next) => {
      spinner.text = next;
    },
    succeed: (final) => void spinner.succeed(final),
    fail: (final) => void spinner.fail(final),
    warn: (final) => void spinner.warn(final),
    stop: () => void spinner.stop(),
  };
}

class PlainSpinner implements Spinner {
  private ended = false;

  constructor(
    private text: string,
    private readonly stream: OutStream,
    private readonly style: Style,
  ) {}

  update(text: string): void {
    this.text = text;
  }

  succeed(text?: string): void {
    this.end(this.style.ok('✓'), text);
  }

  fail(text?: string): void {
    this.end(this.style.fail('✗'), text);
  }

  warn(text?: string): void {
    this.end(this.style.warn('!'), text);
  }

  stop(): void {
    this.ended = true;
  }

  private end(symbol: string, text: string | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.stream.write(`${symbol} ${text ?? this.text}\n`);
  }
}
