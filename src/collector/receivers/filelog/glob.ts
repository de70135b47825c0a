/**
 * The file patterns of `include` and `exclude`, as the filelog receiver reads them (bmatcuk/doublestar): `*` any
 * run of characters within a path segment, `**` any number of segments, `?` one character, `[abc]` / `[!abc]` a
 * class, `{a,b}` alternatives. Matching files are found by walking from each pattern's literal leading directory.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';

function escape(char: string): string {
  return /[.+^${}()|[\]\\]/.test(char) ? `\\${char}` : char;
}

export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index] ?? '';
    if (char === '*') {
      if (pattern[index + 1] === '*') {
        const segment = (index === 0 || pattern[index - 1] === '/') && pattern[index + 2] === '/';
        source += segment ? '(?:.*/)?' : '.*';
        index += segment ? 2 : 1;
      } else source += '[^/]*';
    } else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const close = pattern.indexOf(']', index + 2);
      if (close < 0) source += '\\[';
      else {
        const body = pattern.slice(index + 1, close);
        source += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        index = close;
      }
    } else if (char === '{') {
      const close = pattern.indexOf('}', index);
      if (close < 0) source += '\\{';
      else {
        source += `(?:${pattern
          .slice(index + 1, close)
          .split(',')
          .map((part) => [...part].map(escape).join(''))
          .join('|')})`;
        index = close;
      }
    } else source += escape(char);
  }
  return new RegExp(`^${source}$`);
}

/** The leading directories of a pattern with no wildcard in them (where the walk starts). */
export function literalRoot(pattern: string): string {
  const segments = pattern.split('/');
  const literal: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (/[*?[{]/.test(segment)) break;
    literal.push(segment);
  }
  const root = literal.join('/');
  return root === '' ? (pattern.startsWith('/') ? '/' : '.') : root;
}

/** How deep below the root a pattern can reach; Infinity with `**`. */
function depthOf(pattern: string, root: string): number {
  if (pattern.includes('**')) return Infinity;
  const rest = pattern.slice(root === '/' ? 1 : root.length + 1);
  return rest.split('/').length;
}

async function walk(directory: string, depth: number, into: string[]): Promise<void> {
  if (depth <= 0) return;
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) await walk(path, depth - 1, into);
    else if (entry.isFile()) into.push(path);
    else if (entry.isSymbolicLink()) {
      const target = await stat(path).catch(() => undefined);
      if (target?.isFile() === true) into.push(path);
      else if (target?.isDirectory() === true) await walk(path, depth - 1, into);
    }
  }
}

export class FileMatcher {
  private readonly include: { pattern: string; regex: RegExp; root: string; depth: number }[];
  private readonly exclude: RegExp[];

  constructor(include: string[], exclude: string[]) {
    this.include = include.map((pattern) => {
      const root = literalRoot(pattern);
      return { pattern, regex: globToRegExp(pattern), root, depth: depthOf(pattern, root) };
    });
    this.exclude = exclude.map(globToRegExp);
  }

  /** The files that match an include pattern and no exclude pattern, sorted, each once. */
  async files(): Promise<string[]> {
    const found = new Set<string>();
    for (const { regex, root, depth } of this.include) {
      const candidates: string[] = [];
      await walk(root, depth, candidates);
      for (const file of candidates) {
        const normalized = sep === '/' ? file : file.split(sep).join('/');
        if (regex.test(normalized) && !this.exclude.some((exclude) => exclude.test(normalized))) found.add(file);
      }
    }
    return [...found].sort();
  }
}
