import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { addCollectorOptions } from './install.js';

export function register(program: Command, ctx: CommandContext): void {
  const command = program
    .command('apply-template')
    .description(
      'render, validate and server-side apply the collector for the chosen targets (--dry-run -o yaml prints it)',
    );
  addCollectorOptions(command).action(
    ctx.action({ outputs: ['text', 'json', 'yaml'] }, async (invocation) => {
      const { applyTemplate } = await import('../../app/apply-template.js');
      const system = await invocation.system();
      const o = invocation.options;
      const result = await applyTemplate(system, {
        cluster: system.options.cluster,
        region: system.options.region,
        targets: o['target'] as string[],
        ampRemoteWriteUrl: o['ampRemoteWriteUrl'] as string | undefined,
        ampWorkspaceId: o['ampWorkspaceId'] as string | undefined,
        allowCustomEndpoint: o['allowCustomEndpoint'] === true,
        namespace: o['namespace'] as string,
        serviceAccount: o['serviceAccount'] as string,
        collectorName: o['collectorName'] as string,
        set: o['set'] as string[],
        dryRun: o['dryRun'] === true,
      });
      return result.exitStatus;
    }),
  );
}
