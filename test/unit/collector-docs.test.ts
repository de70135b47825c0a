/**
 * docs/collector.md against the bundled collector runtime itself: every component type the runtime registers
 * (src/collector/runtime/factories.ts) has a section under its kind's heading that says how it compares with
 * upstream, and every key the runtime accepts for it — asked of the runtime's own validation, see
 * test/helpers/component-keys.ts — is named there as a path. A component or key added to the runtime without docs
 * fails here, naming it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allComponentKeys, REGISTRIES, type ComponentKind } from '../helpers/component-keys.js';

const HEADINGS: Record<string, ComponentKind> = {
  Receivers: 'receivers',
  Processors: 'processors',
  Exporters: 'exporters',
  Extensions: 'extensions',
};

interface Section {
  kind: ComponentKind;
  type: string;
  text: string;
}

/** the `#### \`type\`` sections under `### Receivers` … `### Extensions` (a heading may name several types) */
function componentSections(markdown: string): Section[] {
  const found: Section[] = [];
  let kind: ComponentKind | undefined;
  let current: { types: string[]; lines: string[] } | undefined;
  const close = () => {
    if (kind !== undefined && current !== undefined) {
      for (const type of current.types) found.push({ kind, type, text: current.lines.join('\n') });
    }
    current = undefined;
  };
  for (const line of markdown.split('\n')) {
    if (/^#{1,3} /.test(line)) {
      close();
      kind = HEADINGS[line.replace(/^#+ /, '').trim()];
    } else if (line.startsWith('#### ')) {
      close();
      current = { types: [...line.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? ''), lines: [] };
    } else {
      current?.lines.push(line);
    }
  }
  close();
  return found;
}

const markdown = readFileSync(new URL('../../docs/collector.md', import.meta.url), 'utf8');
const sections = componentSections(markdown);
const sectionOf = (kind: ComponentKind, type: string) =>
  sections.find((section) => section.kind === kind && section.type === type);

describe('docs/collector.md covers the bundled collector runtime', () => {
  it('has a section for every component type the runtime registers, and none for a type it does not', () => {
    const registered = Object.entries(REGISTRIES).flatMap(([kind, registry]) =>
      Object.keys(registry).map((type) => `${kind}.${type}`),
    );
    const documented = sections.map((section) => `${section.kind}.${section.type}`);
    expect(
      registered.filter((name) => !documented.includes(name)),
      'registered but not documented',
    ).toEqual([]);
    expect(
      documented.filter((name) => !registered.includes(name)),
      'documented but not registered',
    ).toEqual([]);
  });

  it('says for every component how it compares with upstream: "as upstream", or the difference', () => {
    const silent = sections
      .filter((section) => {
        const paragraph = /\*\*Upstream\*\*([\s\S]*?)(?:\n\n|$)/.exec(section.text)?.[1] ?? '';
        // what follows the link to the upstream component: "as upstream…" or the differences
        const verdict = paragraph.replace(/^\s*\([^)]*\)\s*\)?:?/, '').trim();
        return verdict.length < 10;
      })
      .map((section) => `${section.kind}.${section.type}`);
    expect(silent).toEqual([]);
  });

  it('names, for every component, every key its settings accept (as a path: a.b, a[].b)', () => {
    const components = allComponentKeys();
    // the probe itself works: each component answered with its known settings
    expect(components.filter((component) => component.unprobed).map((c) => `${c.kind}.${c.type}`)).toEqual([]);
    expect(components.find((c) => c.kind === 'exporters' && c.type === 'awsxray')?.keys).toContain('region');
    expect(components.find((c) => c.kind === 'receivers' && c.type === 'prometheus')?.keys).toContain(
      'config.scrape_configs[].relabel_configs[].action',
    );
    const undocumented = components.flatMap((component) => {
      const text = sectionOf(component.kind, component.type)?.text ?? '';
      return component.keys
        .filter((key) => !text.includes(`\`${key}\``))
        .map((key) => `${component.kind}.${component.type}: ${key}`);
    });
    expect(undocumented).toEqual([]);
  });
});
