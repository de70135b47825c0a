import type { Command } from 'commander';
import type { OutputFormat } from '../../ports.js';
import type { CommandContext } from '../context.js';
import { ADDON_NAME } from '../../core/defaults.js';
import { describeUsage } from '../help.js';
import { addOptions, parseClusterAndRegion, parseOptions, value } from '../options.js';

const OUTPUTS: readonly OutputFormat[] = ['text', 'json', 'yaml'];

const VERSIONS_OPTIONS = {
  kubernetesVersion: value(
    '--kubernetes-version <1.NN>',
    'a Kubernetes minor version instead of a cluster (wins over --cluster)',
    'kubernetesVersion',
  ),
  addonName: value('--addon-name <name>', 'the EKS add-on name', 'text', { defaultText: ADDON_NAME }),
} as const;

export function register(program: Command, ctx: CommandContext): void {
  const command = program
    .command('versions')
    .description(
      "ADOT add-on versions for a cluster's Kubernetes version (or --kubernetes-version): default, configuration schema, Pod Identity, v1beta1",
    );
  addOptions(command, VERSIONS_OPTIONS);
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
      const { kubernetesVersion, addonName } = await parseOptions(
        VERSIONS_OPTIONS,
        invocation.options,
        invocation.io.env,
      );
      const { versions } = await import('../../app/versions.js');
      const system = await invocation.system();
      const { cluster } = await parseClusterAndRegion({ cluster: system.options.cluster });
      return versions(system, {
        addonName,
        ...(kubernetesVersion === undefined ? {} : { kubernetesVersion }),
        ...(cluster === undefined ? {} : { cluster }),
      });
    }),
  );
}
