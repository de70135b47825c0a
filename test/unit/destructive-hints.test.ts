import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Issue 11: every hint's first option is the least destructive one that fixes it, and a destructive command is
 * marked as such: `(destructive: what it destroys)` in a hint, `_(destructive)_` in the docs. A destructive command is
 * one that deletes, detaches or resets what someone else may rely on.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const DESTRUCTIVE = [
  /aws [a-z0-9]+ (?:delete|detach|remove|deregister|disassociate)-[a-z-]+/,
  /kubectl(?: -n \S+)? delete\b/,
  /--resolve-conflicts OVERWRITE/,
  // removing an annotation: `kubectl annotate … KEY-`
  /annotate serviceaccount \S+ \S+-(?=[\s`'"]|$)/,
];

function files(dir: string, extension: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith(extension))
    .map((path) => join(dir, path));
}

function destructiveAt(text: string): number {
  const indexes = DESTRUCTIVE.map((pattern) => text.search(pattern)).filter((index) => index >= 0);
  return indexes.length === 0 ? -1 : Math.min(...indexes);
}

/** the destructive commands written in adot's own text (the sandbox emulates AWS: it names none to users) */
function sourceLines(): { where: string; line: string; near: string }[] {
  return files('src', '.ts')
    .filter((path) => !path.startsWith('src/sandbox/'))
    .flatMap((path) => {
      const lines = readFileSync(join(root, path), 'utf8').split('\n');
      return lines.flatMap((line, index) =>
        destructiveAt(line) >= 0 && !/^\s*(?:\/\/|\*)/.test(line)
          ? [{ where: `${path}:${index + 1}`, line, near: lines.slice(Math.max(0, index - 3), index + 4).join('\n') }]
          : [],
      );
    });
}

describe('destructive commands in hints and docs', () => {
  it('finds the ones src suggests (so the scan below is not empty)', () => {
    expect(sourceLines().length).toBeGreaterThan(5);
  });

  it('are marked "(destructive: …)" next to the command in src', () => {
    const unmarked = sourceLines()
      .filter(({ near }) => !/destructive/.test(near))
      .map(({ where }) => where);
    expect(unmarked).toEqual([]);
  });

  it('come after a less destructive option when a hint offers a choice', () => {
    const first = sourceLines()
      .filter(({ line }) => {
        const choice = line.search(/[;,] or /);
        return choice >= 0 && destructiveAt(line) < choice;
      })
      .map(({ where }) => where);
    expect(first).toEqual([]);
  });

  it('are marked _(destructive)_ in the paragraph that shows them in the docs', () => {
    // the pages that give fixes (docs/sandbox.md describes what the emulator does when someone deletes a pod)
    const unmarked = ['README.md', 'docs/checks.md', 'docs/install.md'].flatMap((path) =>
      readFileSync(join(root, path), 'utf8')
        .split(/\n\s*\n/)
        .flatMap((paragraph) =>
          [...paragraph.matchAll(/`[^`]+`/g)]
            .filter((span) => destructiveAt(span[0]) >= 0)
            .filter((span) => !paragraph.slice(0, span.index).includes('destructive'))
            .map((span) => `${path}: ${span[0]}`),
        ),
    );
    expect(unmarked).toEqual([]);
  });
});
