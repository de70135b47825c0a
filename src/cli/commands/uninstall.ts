import type { Command } from 'commander';
import type { OutputFormat } from '../../ports.js';
import type { CommandContext } from '../context.js';
import { describeUsage } from '../help.js';

const OUTPUTS: readonly OutputFormat[] = ['text', 'json', 'yaml'];

export function register(program: Command, ctx: CommandContext): void {
  const command = program
    .command('uninstall')
    .description(
      'remove the collector, its RBAC and the ADOT add-on (waiting until gone); --delete-role also the IAM role',
    )
    .option('--namespace <name>', 'namespace of the collector', 'aws-otel-eks')
    .option('--service-account <name>', 'service account of the collector', 'aws-otel-collector')
    .option('--collector-name <name>', 'name of the OpenTelemetryCollector resource', 'observability')
    .option('--role-name <name>', 'IAM role of the collector', 'EKS-ADOT-ServiceAccount-Role')
    .option('--delete-role', 'also detach the target policies from the role and delete it')
    .option('--dry-run', 'show what would be deleted; change nothing');
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
      const { uninstall } = await import('../../app/uninstall.js');
      const system = await invocation.system();
      const o = invocation.options;
      const result = await uninstall(system, {
        cluster: system.options.cluster,
        namespace: o['namespace'] as string,
        serviceAccount: o['serviceAccount'] as string,
        collectorName: o['collectorName'] as string,
        roleName: o['roleName'] as string,
        deleteRole: o['deleteRole'] === true,
        dryRun: o['dryRun'] === true,
        timeoutMs: system.options.timeoutMs,
        signal: system.signal,
      });
      return result.exitStatus;
    }),
  );
}
