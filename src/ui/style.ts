import { Chalk } from 'chalk';
import type { ColorLevel } from './color.js';

/** The few styles commands use in text output; a plain identity when colour is off. */
export interface Style {
  readonly enabled: boolean;
  ok(text: string): string;
  warn(text: string): string;
  fail(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export function createStyle(level: ColorLevel): Style {
  const chalk = new Chalk({ level });
  return {
    enabled: level > 0,
    ok: (text) => chalk.green(text),
    warn: (text) => chalk.yellow(text),
    fail: (text) => chalk.red(text),
    dim: (text) => chalk.dim(text),
    bold: (text) => chalk.bold(text),
  };
}
