import type { Command } from 'commander';
import type { OutputFormat } from '../../ports.js';
import type { CommandContext } from '../context.js';
import { COLLECTOR_OBJECT_OPTIONS, ROLE_NAME_OPTION } from './collector-object-options.js';
import { describeUsage } from '../help.js';
import { addOptions, parseClusterAndRegion, parseOptions, switchOption } from '../options.js';

const OUTPUTS: readonly OutputFormat[] = ['text', 'json', 'yaml'];

const UNINSTALL_OPTIONS = {
  ...COLLECTOR_OBJECT_OPTIONS,
  roleName: ROLE_NAME_OPTION,
  deleteRole: switchOption('--delete-role', 'also detach the target policies from the role and delete it'),
  dryRun: switchOption('--dry-run', 'show what would be deleted; change nothing'),
} as const;

export function register(program: Command, ctx: CommandContext): void {
  const command = program
    .command('uninstall')
    .description(
      'remove the collector, its RBAC and the ADOT add-on (waiting until gone); --delete-role also the IAM role',
    );
  addOptions(command, UNINSTALL_OPTIONS);
  describeUsage(command, {
    outputs: OUTPUTS,
    examples: [
      { what: 'interactive: shows the plan, then asks', run: 'adot uninstall --cluster demo --region us-west-2' },
      {
        what: 'CI: no prompts, a JSON document on stdout',
        run: 'adot uninstall --cluster demo --delete-role --yes -o json',
      },
      { what: 'what would be deleted, change nothing', run: 'adot uninstall --cluster demo --dry-run' },
      { what: 'against the sandbox started by adot sandbox start', run: '. .adot-sandbox/env && adot uninstall --yes' },
    ],
  }).action(
    ctx.action({ outputs: OUTPUTS }, async (invocation) => {
      const options = await parseOptions(UNINSTALL_OPTIONS, invocation.options, invocation.io.env);
      const { uninstall } = await import('../../app/uninstall.js');
      const system = await invocation.system();
      const { cluster } = await parseClusterAndRegion({ cluster: system.options.cluster });
      const result = await uninstall(system, {
        ...options,
        cluster,
        timeoutMs: system.options.timeoutMs,
        signal: system.signal,
      });
      return result.exitStatus;
    }),
  );
}
