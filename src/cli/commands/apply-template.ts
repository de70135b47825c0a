import type { Command } from 'commander';
import type { OutputFormat } from '../../ports.js';
import type { CommandContext } from '../context.js';
import { describeUsage } from '../help.js';
import { listOption } from '../options.js';
import { addCollectorOptions } from './install.js';

const OUTPUTS: readonly OutputFormat[] = ['text', 'json', 'yaml'];

export function register(program: Command, ctx: CommandContext): void {
  const command = program
    .command('apply-template')
    .description(
      'render, validate and server-side apply the collector for the chosen targets (--dry-run -o yaml prints it)',
    );
  addCollectorOptions(command);
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
      const { applyTemplate } = await import('../../app/apply-template.js');
      const system = await invocation.system();
      const o = invocation.options;
      const result = await applyTemplate(system, {
        cluster: system.options.cluster,
        region: system.options.region,
        targets: listOption(o, 'target'),
        ampRemoteWriteUrl: o['ampRemoteWriteUrl'] as string | undefined,
        ampWorkspaceId: o['ampWorkspaceId'] as string | undefined,
        allowCustomEndpoint: o['allowCustomEndpoint'] === true,
        namespace: o['namespace'] as string,
        serviceAccount: o['serviceAccount'] as string,
        collectorName: o['collectorName'] as string,
        set: listOption(o, 'set'),
        dryRun: o['dryRun'] === true,
      });
      return result.exitStatus;
    }),
  );
}
