import { stringify as toYaml } from 'yaml';
import type { Output, OutputFormat, Spinner } from '../ports.js';
import { asInvoked } from './invocation.js';
import { createSpinner, type PausableSpinner } from './spinner.js';
import type { Style } from './style.js';
import type { OutStream } from './streams.js';

export interface OutputOptions {
  format: OutputFormat;
  stdout: OutStream;
  stderr: OutStream;
  /** styles for text written to stdout (the result) and to stderr (messages) */
  stdoutStyle: Style;
  stderrStyle: Style;
  verbose: boolean;
  /** animate spinners: stderr is a terminal with a width and CI is unset */
  animate: boolean;
  /** how the person ran adot (`adot`, `npx adot` …): commands in text output are written that way */
  invokedAs?: string;
}

/** The one IO host: the result on stdout, everything else on stderr. */
export class StreamOutput implements Output {
  readonly format: OutputFormat;
  private readonly spinners = new Set<PausableSpinner>();
  private openPrompts = 0;

  constructor(private readonly options: OutputOptions) {
    this.format = options.format;
  }

  get color(): boolean {
    return this.options.stdoutStyle.enabled;
  }

  result(document: unknown, text: () => string): void {
    if (this.format === 'json') this.stdout(JSON.stringify(document, null, 2));
    else if (this.format === 'yaml') this.stdout(toYaml(document));
    else this.stdout(this.asInvoked(text()));
  }

  stdout(text: string): void {
    this.options.stdout.write(withNewline(text));
  }

  info(message: string): void {
    this.options.stderr.write(withNewline(this.asInvoked(message)));
  }

  warn(message: string): void {
    this.options.stderr.write(withNewline(`${this.options.stderrStyle.warn('warning:')} ${this.asInvoked(message)}`));
  }

  error(message: string): void {
    this.options.stderr.write(withNewline(`${this.options.stderrStyle.fail('error:')} ${this.asInvoked(message)}`));
  }

  private asInvoked(text: string): string {
    return asInvoked(text, this.options.invokedAs ?? 'adot');
  }

  verbose(message: string): void {
    if (this.options.verbose) this.options.stderr.write(withNewline(this.options.stderrStyle.dim(message)));
  }

  spinner(text: string): Spinner {
    const spinner = createSpinner(text, {
      stream: this.options.stderr,
      animate: this.options.animate,
      style: this.options.stderrStyle,
    });
    for (const old of this.spinners) if (old.ended) this.spinners.delete(old);
    this.spinners.add(spinner);
    if (this.openPrompts > 0) spinner.pause();
    return spinner;
  }

  /** a prompt owns the terminal: the spinners still running are taken off it while it is open, and put back after */
  async whilePrompting<T>(ask: () => Promise<T>): Promise<T> {
    this.openPrompts += 1;
    if (this.openPrompts === 1) for (const spinner of this.spinners) if (!spinner.ended) spinner.pause();
    try {
      return await ask();
    } finally {
      this.openPrompts -= 1;
      if (this.openPrompts === 0) for (const spinner of this.spinners) if (!spinner.ended) spinner.resume();
    }
  }
}

function withNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}
