import type { Ora } from 'ora';
import type { Spinner } from '../ports.js';
import type { Style } from './style.js';
import type { OutStream } from './streams.js';

/**
 * A spinner on stderr when it is a terminal and CI is unset; otherwise nothing while it runs and one plain line
 * ("✓ text", "✗ text", "! text") when it ends, so logs and CI output stay readable.
 */
export function createSpinner(text: string, options: { stream: OutStream; animate: boolean; style: Style }): Spinner {
  if (options.animate) return new OraSpinner(text, options.stream);
  return new PlainSpinner(text, options.stream, options.style);
}

/**
 * ora and the terminal helpers it brings take tens of milliseconds to load, and only a terminal animates: it is
 * loaded on the first animated spinner. What happens before it is there (new text, the end) is applied when it is.
 */
class OraSpinner implements Spinner {
  private spinner: Ora | undefined;
  private ending: ((spinner: Ora) => void) | undefined;
  private ended = false;

  constructor(
    private text: string,
    stream: OutStream,
  ) {
    void import('ora').then(({ default: ora }) => {
      // discardStdin would put stdin in raw mode and swallow Ctrl-C handling; we rely on SIGINT instead.
      const spinner = ora({ text: this.text, stream, discardStdin: false });
      this.spinner = spinner;
      if (this.ending) this.ending(spinner);
      else spinner.start();
    });
  }

  update(text: string): void {
    this.text = text;
    if (this.spinner && !this.ended) this.spinner.text = text;
  }

  succeed(text?: string): void {
    this.end((spinner) => void spinner.succeed(text));
  }

  fail(text?: string): void {
    this.end((spinner) => void spinner.fail(text));
  }

  warn(text?: string): void {
    this.end((spinner) => void spinner.warn(text));
  }

  stop(): void {
    this.end((spinner) => void spinner.stop());
  }

  private end(finish: (spinner: Ora) => void): void {
    if (this.ended) return;
    this.ended = true;
    if (this.spinner) finish(this.spinner);
    else this.ending = finish;
  }
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
