import type { Choice, Prompter } from '../ports.js';
import { interrupted, usageError } from '../core/errors.js';
import type { InStream, OutStream } from './streams.js';

export interface PrompterOptions {
  stdin: InStream;
  stdout: OutStream;
  env: Record<string, string | undefined>;
  yes: boolean;
  signal?: AbortSignal;
  /** false under --no-color/NO_COLOR (or when stdout is not a terminal): prompts are drawn without colour */
  color?: boolean;
  /** the IO host, which owns the terminal: it pauses its spinners while a prompt is open */
  terminal?: { whilePrompting<T>(ask: () => Promise<T>): Promise<T> };
}

const plain = (text: string): string => text;

/**
 * Inquirer's themes colour with yoctocolors, which weighs NO_COLOR but not --no-color: without colour every style
 * that colours is replaced by plain text (same shapes, same symbols).
 * Defaults: https://github.com/SBoudrias/Inquirer.js/blob/main/packages/core/src/lib/theme.ts
 */
const PLAIN_THEME = {
  prefix: { idle: '?', done: '✔' },
  spinner: { interval: 80, frames: ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] },
  icon: { checked: '◉', unchecked: '◯', cursor: '❯' },
  style: {
    answer: plain,
    message: plain,
    error: (text: string) => `> ${text}`,
    defaultAnswer: (text: string) => `(${text})`,
    help: plain,
    highlight: plain,
    key: (text: string) => `<${text}>`,
    description: plain,
    disabled: (text: string) => `- ${text}`,
    disabledChoice: (text: string) => `- ${text}`,
    keysHelpTip: (keys: [string, string][]) => keys.map(([key, action]) => `${key} ${action}`).join(' • '),
  },
};

/**
 * Interactive only when stdin and stdout are terminals, CI is unset and --yes is absent (docs/contract.md,
 * "Interaction").
 */
export function isInteractive(options: PrompterOptions): boolean {
  return (
    Boolean(options.stdin.isTTY) && Boolean(options.stdout.isTTY) && options.env['CI'] === undefined && !options.yes
  );
}

/**
 * Asks with @inquirer/prompts when interactive. Otherwise it never prompts: confirm() is true under --yes, a
 * question with a default takes it under --yes, and anything else is a usage error naming the flag (and the
 * environment variable) that answers it.
 */
export class InquirerPrompter implements Prompter {
  private interactiveSession: boolean | undefined;

  constructor(private readonly options: PrompterOptions) {}

  /** decided on first use: reading options.stdin may build process.stdin, which commands that never ask skip */
  get interactive(): boolean {
    this.interactiveSession ??= isInteractive(this.options);
    return this.interactiveSession;
  }

  async confirm(question: { message: string; flag: string; default?: boolean }): Promise<boolean> {
    if (this.options.yes) return true;
    if (!this.interactive) {
      throw usageError(
        'ConfirmationRequired',
        `${question.message} — refusing to ask: this session is not interactive`,
        {
          hint: `pass ${question.flag} to go ahead without a prompt`,
        },
      );
    }
    const { confirm } = await import('@inquirer/prompts');
    return this.ask(() =>
      confirm({ message: this.message(question), default: question.default ?? false, ...this.theme() }, this.context()),
    );
  }

  async select<T>(question: {
    message: string;
    flag: string;
    env?: string;
    choices: Choice<T>[];
    default?: T;
  }): Promise<T> {
    if (!this.interactive) return this.unanswered(question);
    const { select } = await import('@inquirer/prompts');
    return this.ask(() =>
      select<T>(
        {
          message: this.message(question),
          choices: question.choices.map((choice) => ({ ...oneLine(choice), value: choice.value })),
          ...(question.default === undefined ? {} : { default: question.default }),
          ...this.theme(),
        },
        this.context(),
      ),
    );
  }

  async checkbox<T>(question: { message: string; flag: string; choices: Choice<T>[] }): Promise<T[]> {
    if (!this.interactive) {
      const checked = question.choices.filter((choice) => choice.checked).map((choice) => choice.value);
      if (this.options.yes && checked.length > 0) return checked;
      throw missingValue(question.message, question.flag);
    }
    const { checkbox } = await import('@inquirer/prompts');
    return this.ask(() =>
      checkbox<T>(
        {
          message: this.message(question),
          choices: question.choices.map((choice) => ({
            ...oneLine(choice),
            value: choice.value,
            checked: choice.checked ?? false,
          })),
          required: true,
          ...this.theme(),
        },
        this.context(),
      ),
    );
  }

  async input(question: {
    message: string;
    flag: string;
    env?: string;
    default?: string;
    validate?: (value: string) => true | string;
  }): Promise<string> {
    if (!this.interactive) return this.unanswered(question);
    const { input } = await import('@inquirer/prompts');
    return this.ask(() =>
      input(
        {
          message: this.message(question),
          ...(question.default === undefined ? {} : { default: question.default }),
          ...(question.validate === undefined ? {} : { validate: question.validate }),
          ...this.theme(),
        },
        this.context(),
      ),
    );
  }

  /** every question names the flag that answers it, so that the next run can pass it */
  private message(question: { message: string; flag: string }): string {
    return question.message.includes(question.flag) ? question.message : `${question.message} (${question.flag})`;
  }

  private theme(): { theme?: typeof PLAIN_THEME } {
    return this.options.color === false ? { theme: PLAIN_THEME } : {};
  }

  private unanswered<T>(question: { message: string; flag: string; env?: string; default?: T }): T {
    if (this.options.yes && question.default !== undefined) return question.default;
    throw missingValue(question.message, question.flag, question.env);
  }

  private context(): { input: InStream; output: OutStream; signal?: AbortSignal } {
    return {
      input: this.options.stdin,
      output: this.options.stdout,
      ...(this.options.signal === undefined ? {} : { signal: this.options.signal }),
    };
  }

  private async ask<T>(prompt: () => Promise<T>): Promise<T> {
    try {
      return await (this.options.terminal === undefined ? prompt() : this.options.terminal.whilePrompting(prompt));
    } catch (error) {
      // Ctrl-C inside a prompt (ExitPromptError) or our AbortSignal (AbortPromptError)
      if (error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError')) {
        throw interrupted('Interrupted at a prompt', { cause: error });
      }
      throw error;
    }
  }
}

/** Every choice on one line with what it means, so that all are read at a glance; the answer shows the name. */
function oneLine(choice: { name: string; description?: string }): { name: string; short: string } {
  const name = choice.description === undefined ? choice.name : `${choice.name}  — ${choice.description}`;
  return { name, short: choice.name };
}

function missingValue(message: string, flag: string, env?: string): Error {
  const how = env === undefined ? `pass ${flag}` : `pass ${flag} or set ${env}`;
  return usageError('MissingValue', `missing value for ${flag} (${message}): this session is not interactive`, {
    hint: how,
  });
}
