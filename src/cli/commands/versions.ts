import type { Command } from 'commander';
import type { OutputFormat } from '../../ports.js';
import type { CommandContext } from '../context.js';
import { describeUsage } from '../help.js';

const OUTPUTS: readonly OutputFormat[] = ['text', 'json', 'yaml'];

export function register(program: Command, ctx: CommandContext): void {
  const command = program
    .command('versions')
    .description(
      "ADOT add-on versions for a cluster's Kubernetes version (or --kubernetes-version): default, configuration schema, Pod Identity, v1beta1",
    )
    .option('--kubernetes-version <1.NN>', 'a Kubernetes minor version instead of a cluster (wins over --cluster)')
    .option('--addon-name <name>', 'the EKS add-on name', 'adot');
  describeUsage(command, {
    outputs: OUTPUTS,
    examples: [
      {
        what: "the versions for a cluster's Kubernetes version",
        run: 'adot versions --cluster demo --region us-west-2',
      },
      {
        what: 'CI: a JSON document on stdout',
        run: 'adot versions --kubernetes-version 1.31 --region us-west-2 --yes -o json',
      },
      { what: "the local sandbox's catalogue", run: 'adot versions --sandbox' },
    ],
  }).action(
    ctx.action({ outputs: OUTPUTS }, async (invocation) => {
      const { versions } = await import('../../app/versions.js');
      const system = await invocation.system();
      const kubernetesVersion = invocation.options['kubernetesVersion'] as string | undefined;
      return versions(system, {
        addonName: invocation.options['addonName'] as string,
        ...(kubernetesVersion === undefined ? {} : { kubernetesVersion }),
        ...(system.options.cluster === undefined ? {} : { cluster: system.options.cluster }),
      });
    }),
  );
}
