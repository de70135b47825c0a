import type { Ora } from 'ora';
import type { Spinner } from '../ports.js';
import type { Style } from './style.js';
import type { OutStream } from './streams.js';

/**
 * A spinner on stderr when it is a terminal and CI is unset; otherwise nothing while it runs and one plain line
 * ("✓ text", "✗ text", "! text", "- text") when it ends, so logs and CI output stay readable. Both end with the same
 * marks in the same styles, so that `--no-color`/NO_COLOR leave no colour in an animated spinner either.
 */
export function createSpinner(
  text: string,
  options: { stream: OutStream; animate: boolean; style: Style },
): PausableSpinner {
  if (options.animate) return new OraSpinner(text, options.stream, options.style);
  return new PlainSpinner(text, options.stream, options.style);
}

/** A spinner the IO host can take off the terminal while a prompt is open, and put back after. */
export interface PausableSpinner extends Spinner {
  readonly ended: boolean;
  /** clears the spinner's line and stops drawing until resume() */
  pause(): void;
  resume(): void;
}

type Mark = 'succeed' | 'fail' | 'warn' | 'skip';

function mark(kind: Mark, style: Style): string {
  if (kind === 'succeed') return style.ok('✓');
  if (kind === 'fail') return style.fail('✗');
  if (kind === 'warn') return style.warn('!');
  return style.dim('-');
}

/**
 * ora and the terminal helpers it brings take tens of milliseconds to load, and only a terminal animates: it is
 * loaded on the first animated spinner. What happens before it is there (new text, the end) is applied when it is.
 */
class OraSpinner implements PausableSpinner {
  private spinner: Ora | undefined;
  private ending: ((spinner: Ora) => void) | undefined;
  private paused = false;
  ended = false;

  constructor(
    private text: string,
    stream: OutStream,
    private readonly style: Style,
  ) {
    void import('ora').then(({ default: ora }) => {
      // discardStdin would put stdin in raw mode and swallow Ctrl-C handling; we rely on SIGINT instead.
      // ora colours its frames cyan unless told not to: it does not know about --no-color.
      const color = style.enabled ? 'cyan' : false;
      // animate was decided for this stream (system.ts): ora's own guess reads process.env, not the command's
      const spinner = ora({ text: this.text, stream, discardStdin: false, color, isEnabled: true });
      this.spinner = spinner;
      if (this.ending) this.ending(spinner);
      else if (!this.paused) spinner.start();
    });
  }

  pause(): void {
    this.paused = true;
    if (this.spinner && !this.ended) this.spinner.stop();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.spinner && !this.ended) this.spinner.start(this.text);
  }

  update(text: string): void {
    this.text = text;
    if (this.spinner && !this.ended) this.spinner.text = text;
  }

  succeed(text?: string): void {
    this.persist('succeed', text);
  }

  fail(text?: string): void {
    this.persist('fail', text);
  }

  warn(text?: string): void {
    this.persist('warn', text);
  }

  skip(text?: string): void {
    this.persist('skip', text);
  }

  stop(): void {
    this.end((spinner) => void spinner.stop());
  }

  /** our marks rather than ora's log-symbols, which decide on colour by themselves */
  private persist(kind: Mark, text: string | undefined): void {
    this.end((spinner) => void spinner.stopAndPersist({ symbol: mark(kind, this.style), text: text ?? this.text }));
  }

  private end(finish: (spinner: Ora) => void): void {
    if (this.ended) return;
    this.ended = true;
    if (this.spinner) finish(this.spinner);
    else this.ending = finish;
  }
}

/** draws nothing until it ends: nothing to take off the terminal while a prompt is open */
class PlainSpinner implements PausableSpinner {
  ended = false;

  constructor(
    private text: string,
    private readonly stream: OutStream,
    private readonly style: Style,
  ) {}

  update(text: string): void {
    this.text = text;
  }

  succeed(text?: string): void {
    this.end(mark('succeed', this.style), text);
  }

  fail(text?: string): void {
    this.end(mark('fail', this.style), text);
  }

  warn(text?: string): void {
    this.end(mark('warn', this.style), text);
  }

  skip(text?: string): void {
    this.end(mark('skip', this.style), text);
  }

  stop(): void {
    this.ended = true;
  }

  pause(): void {}

  resume(): void {}

  private end(symbol: string, text: string | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.stream.write(`${symbol} ${text ?? this.text}\n`);
  }
}
