/**
 * The file patterns of `include` and `exclude`, as the filelog receiver reads them (bmatcuk/doublestar): `*` any
 * run of characters within a path segment, `**` any number of segments, `?` one character, `[abc]` / `[!abc]` a
 * class, `{a,b}` alternatives. Matching files are found by walking from each pattern's literal leading directory,
 * through the collector's view of files (runtime/files.ts).
 */
import { join, sep } from 'node:path';
import { FileAccessError, machineFiles, type CollectorFiles } from '../../runtime/files.js';

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

async function walk(
  files: CollectorFiles,
  directory: string,
  depth: number,
  into: string[],
  unlisted?: (error: unknown) => void,
): Promise<void> {
  if (depth <= 0) return;
  let entries;
  try {
    entries = await files.list(directory);
  } catch (error) {
    unlisted?.(error);
    return;
  }
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.kind === 'directory') await walk(files, path, depth - 1, into);
    else if (entry.kind === 'file') into.push(path);
  }
}

export class FileMatcher {
  private readonly include: { pattern: string; regex: RegExp; root: string; depth: number }[];
  private readonly exclude: RegExp[];

  constructor(
    include: string[],
    exclude: string[],
    private readonly fileSystem: CollectorFiles = machineFiles,
  ) {
    this.include = include.map((pattern) => {
      const root = literalRoot(pattern);
      return { pattern, regex: globToRegExp(pattern), root, depth: depthOf(pattern, root) };
    });
    this.exclude = exclude.map(globToRegExp);
  }

  /**
   * The files that match an include pattern and no exclude pattern, sorted, each once. `unreachable` hears of a
   * pattern whose directory the collector's view of files refuses (a sandbox collector's path outside its mounts).
   */
  async files(unreachable?: (pattern: string, problem: FileAccessError) => void): Promise<string[]> {
    const found = new Set<string>();
    for (const { pattern, regex, root, depth } of this.include) {
      const candidates: string[] = [];
      await walk(this.fileSystem, root, depth, candidates, (error) => {
        if (error instanceof FileAccessError && error.reason !== undefined) unreachable?.(pattern, error);
      });
      for (const file of candidates) {
        const normalized = sep === '/' ? file : file.split(sep).join('/');
        if (regex.test(normalized) && !this.exclude.some((exclude) => exclude.test(normalized))) found.add(file);
      }
    }
    return [...found].sort();
  }
}
