import type { Command } from 'commander';
import type { OutputFormat } from '../../ports.js';
import type { CommandContext } from '../context.js';
import { describeUsage } from '../help.js';
import { addOptions, parseClusterAndRegion, parseOptions } from '../options.js';
import { COLLECTOR_OPTIONS } from './install.js';

const OUTPUTS: readonly OutputFormat[] = ['text', 'json', 'yaml'];

export function register(program: Command, ctx: CommandContext): void {
  const command = program
    .command('apply-template')
    .description(
      'render, validate and server-side apply the collector for the chosen targets (--dry-run -o yaml prints it)',
    );
  addOptions(command, COLLECTOR_OPTIONS);
  describeUsage(command, {
    outputs: OUTPUTS,
    examples: [
      {
        what: 'interactive: asks before changing the collector',
        run: 'adot apply-template --cluster demo --target xray',
      },
      {
        what: 'print the manifests, change nothing',
        run: 'adot apply-template --cluster demo --target xray --dry-run -o yaml',
      },
      {
        what: 'CI: no prompts, a JSON document on stdout',
        run: 'adot apply-template --cluster demo --target cloudwatch --set cloudwatch.namespace=Demo --yes -o json',
      },
      { what: 'against a throw-away local sandbox', run: 'adot apply-template --sandbox --target xray --yes' },
    ],
  }).action(
    ctx.action({ outputs: OUTPUTS }, async (invocation) => {
      const options = await parseOptions(COLLECTOR_OPTIONS, invocation.options, invocation.io.env);
      const { applyTemplate } = await import('../../app/apply-template.js');
      const system = await invocation.system();
      const result = await applyTemplate(system, { ...options, ...(await parseClusterAndRegion(system.options)) });
      return result.exitStatus;
    }),
  );
}
