import type { Command } from 'commander';
import type { CommandContext } from '../context.js';

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('versions')
    .description(
      "ADOT add-on versions for a cluster's Kubernetes version (or --kubernetes-version): default, configuration schema, Pod Identity, v1beta1",
    )
    .option('--kubernetes-version <1.NN>', 'a Kubernetes minor version instead of a cluster (wins over --cluster)')
    .option('--addon-name <name>', 'the EKS add-on name', 'adot')
    .action(
      ctx.action({ outputs: ['text', 'json', 'yaml'] }, async (invocation) => {
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
