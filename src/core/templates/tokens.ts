/**
 * Template tokens (`{{region}}`) are replaced on the parsed YAML tree, never in the text, so a value can only ever
 * become (part of) one string scalar: it cannot add keys, documents or structure whatever characters it holds.
 */
import { failure } from '../errors.js';

const TOKEN = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;
const ANY_TOKEN = /\{\{[^{}]*\}\}/;

/** A copy of `tree` with every token in every string value replaced; a token with no value is a template bug. */
export function substituteTokens(tree: unknown, values: Readonly<Record<string, string>>, source: string): unknown {
  if (typeof tree === 'string') {
    return tree.replace(TOKEN, (_match, name: string) => {
      const value = Object.hasOwn(values, name) ? values[name] : undefined;
      if (value === undefined) {
        throw failure('TemplateTokenUnknown', `Template ${source} uses {{${name}}}, which has no value`);
      }
      return value;
    });
  }
  if (Array.isArray(tree)) return tree.map((item) => substituteTokens(item, values, source));
  if (typeof tree === 'object' && tree !== null) {
    return Object.fromEntries(
      Object.entries(tree).map(([key, value]) => [key, substituteTokens(value, values, source)]),
    );
  }
  return tree;
}

/** Paths of string values that still hold a `{{…}}` token. */
export function remainingTokens(tree: unknown, path = ''): string[] {
  if (typeof tree === 'string') return ANY_TOKEN.test(tree) ? [path || '(root)'] : [];
  if (Array.isArray(tree)) return tree.flatMap((item, index) => remainingTokens(item, `${path}[${index}]`));
  if (typeof tree === 'object' && tree !== null) {
    return Object.entries(tree).flatMap(([key, value]) => remainingTokens(value, path ? `${path}.${key}` : key));
  }
  return [];
}

export function assertNoTokens(tree: unknown, what: string): void {
  const left = remainingTokens(tree);
  if (left.length > 0) {
    throw failure('TemplateTokenLeft', `The rendered ${what} still holds template tokens at ${left.join(', ')}`);
  }
}
