/**
 * The layers of src/ (docs/architecture.md) are a lint rule (eslint.config.js): `npm run lint` fails when a layer
 * imports one it may not. These tests lint code as if it were a file in src/, so a leak is caught whether it is a
 * static import, a re-export or a lazy import(). That the tree as it is passes is `npm run lint`'s job (the lint tier
 * of .ci/run, before any test), not repeated here: linting all of src/ was the slowest test of `npm run test:fast`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const LAYER_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);
const eslint = new ESLint({ ruleFilter: ({ ruleId }) => LAYER_RULES.has(ruleId) });

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

const topLevel = readdirSync('src', { withFileTypes: true });
const layerFolders = topLevel.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
const layerFiles = topLevel.filter((entry) => entry.isFile() && entry.name.endsWith('.ts')).map((entry) => entry.name);

describe('the layers of src/ as a lint rule', () => {
  it.each([
    ['src/core/leak.ts', 'cli', "import { parseGlobalOptions } from '../cli/program.js';\nvoid parseGlobalOptions;"],
    ['src/collector/config/leak.ts', 'cli', "export { parseDuration } from '../../cli/duration.js';"],
    ['src/app/leak.ts', 'adapters', "export const kube = () => import('../adapters/kube/kube.js');"],
    ['src/cli/commands/leak.ts', 'sandbox', "export const load = () => import('../../sandbox/process/collectors.js');"],
    ['src/ui/leak.ts', 'system', "import type { System } from '../system.js';\nexport type S = System;"],
    [
      'src/core/checks/leak.ts',
      'adapters',
      "import type { Kube } from '../../adapters/kube/kube.js';\nexport type K = Kube;",
    ],
  ])('%s importing src/%s is an error', async (filePath, layer, code) => {
    const errors = await layerErrors(filePath, code);
    expect(errors).toEqual([expect.stringContaining(`may not import src/${layer}`)]);
  });

  it('keeps the libraries of one job in their layer', async () => {
    expect(await layerErrors('src/app/doctor/leak.ts', "import { Chalk } from 'chalk';\nvoid Chalk;")).toEqual([
      expect.stringContaining('belong to src/ui'),
    ]);
    expect(await layerErrors('src/core/leak.ts', "export const eks = () => import('@aws-sdk/client-eks');")).toEqual([
      expect.stringContaining('belong to src/adapters'),
    ]);
    expect(await layerErrors('src/app/leak.ts', "import { Command } from 'commander';\nvoid Command;")).toEqual([
      expect.stringContaining('belong to src/cli'),
    ]);
  });

  it('lets each layer import what it may', async () => {
    const allowed = [
      "import { usageError } from '../core/errors.js';",
      "import type { Kube } from '../ports.js';",
      "import { renderTable } from '../ui/table.js';",
      "export const start = () => import('../sandbox/sandbox.js');",
      "export { parseDuration } from '../core/duration.js';",
    ].join('\n');
    expect(await layerErrors('src/app/fine.ts', allowed)).toEqual([]);
    expect(await layerErrors('src/system.ts', "import { ClientNodeKube } from './adapters/kube/kube.js';")).toEqual([]);
  });

  it('gives every top-level folder and file of src/ (but the composition root) its rule', async () => {
    const governed = [...layerFolders.map((folder) => `src/${folder}/any.ts`), ...layerFiles.map((f) => `src/${f}`)];
    for (const filePath of governed.filter((path) => path !== 'src/system.ts')) {
      const config = (await eslint.calculateConfigForFile(filePath)) as { rules: Record<string, unknown> };
      expect(config.rules['no-restricted-imports'], filePath).toBeDefined();
    }
  });

  it('keeps layer names unique: the rule recognises a layer by its folder or file name in an import', () => {
    const clashes: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (layerFolders.includes(entry.name)) clashes.push(path);
          walk(path);
        } else if (layerFiles.includes(entry.name) && entry.name !== 'ports.ts') {
          // every layer may import src/ports.ts, so no rule names it and core/collector-config/ports.ts is no clash
          clashes.push(path);
        }
      }
    };
    for (const folder of layerFolders) walk(join('src', folder));
    expect(clashes).toEqual([]);
  });
});
