import type { Command } from 'commander';
import type { OutputFormat } from '../../ports.js';
import type { CommandContext } from '../context.js';
import { describeUsage } from '../help.js';
import { listOption, repeatable } from '../options.js';

const OUTPUTS: readonly OutputFormat[] = ['text', 'json', 'yaml'];

/** Options install and apply-template share (docs/contract.md "Commands and flags"). */
export function addCollectorOptions(command: Command): Command {
  return command
    .addOption(repeatable('--target <target>', 'amp, cloudwatch or xray (repeatable or comma list)'))
    .option('--amp-remote-write-url <url>', 'AMP remote-write URL (target amp)')
    .option('--amp-workspace-id <id>', 'AMP workspace id ws-… (target amp; the URL is built for the region)')
    .option(
      '--allow-custom-endpoint',
      'accept an --amp-remote-write-url that is not an AMP endpoint (metrics go there)',
    )
    .option('--namespace <name>', 'namespace of the collector', 'aws-otel-eks')
    .option('--service-account <name>', 'service account of the collector', 'aws-otel-collector')
    .option('--collector-name <name>', 'name of the OpenTelemetryCollector resource', 'observability')
    .addOption(repeatable('--set <key=value>', 'override a template value (repeatable; keys below)'))
    .option('--dry-run', 'show the plan (and with -o yaml the manifests); change nothing');
}

export function register(program: Command, ctx: CommandContext): void {
  const command = program
    .command('install')
    .description('install the ADOT add-on, IRSA and a collector for the chosen targets (idempotent; --dry-run)')
    .option('--addon-version <version>', 'add-on version: an exact version, default or latest')
    .option(
      '--identity <mode>',
      'how the collector gets AWS credentials: auto (EKS Pod Identity where it works, else IRSA), pod-identity or irsa (env ADOT_IDENTITY; default auto)',
    )
    .option('--amp-workspace-alias <alias>', 'AMP workspace by alias (target amp): found in the region, or created')
    .option(
      '--mode <mode>',
      "collector-resource (adot's collector resource, the default) or addon-config (the add-on's own collectors: v0.62.1+, presets and the logs target from v0.88.0)",
    )
    .option('--role-name <name>', 'IAM role of the collector', 'EKS-ADOT-ServiceAccount-Role')
    .option(
      '--prune',
      'remove the installed targets --target does not name (their IAM policies and pipelines); without it they are kept, except at a terminal, where the plan proposes removing them and the one confirmation decides',
    );
  addCollectorOptions(command);
  describeUsage(command, {
    outputs: OUTPUTS,
    examples: [
      { what: 'interactive: asks for what is missing', run: 'adot install --cluster demo --region us-west-2' },
      {
        what: 'CI: no prompts, a JSON document on stdout',
        run: 'adot install --cluster demo --region us-west-2 --target xray,cloudwatch --yes -o json',
      },
      {
        what: 'see the plan and the manifests, change nothing',
        run: 'adot install --cluster demo --target amp --amp-workspace-alias demo --dry-run -o yaml',
      },
      { what: 'try it against a throw-away local sandbox', run: 'adot install --sandbox --target xray --yes' },
    ],
  }).action(
    ctx.action({ outputs: OUTPUTS }, async (invocation) => {
      const [{ install }, { doctor }] = await Promise.all([
        import('../../app/install.js'),
        import('../../app/doctor.js'),
      ]);
      const system = await invocation.system();
      const o = invocation.options;
      const result = await install(
        system,
        {
          cluster: system.options.cluster,
          region: system.options.region,
          targets: listOption(o, 'target'),
          addonVersion: o['addonVersion'] as string | undefined,
          ampRemoteWriteUrl: o['ampRemoteWriteUrl'] as string | undefined,
          ampWorkspaceId: o['ampWorkspaceId'] as string | undefined,
          allowCustomEndpoint: o['allowCustomEndpoint'] === true,
          ampWorkspaceAlias: o['ampWorkspaceAlias'] as string | undefined,
          identity: (o['identity'] as string | undefined) ?? invocation.io.env['ADOT_IDENTITY'],
          mode: o['mode'] as string | undefined,
          roleName: o['roleName'] as string,
          namespace: o['namespace'] as string,
          serviceAccount: o['serviceAccount'] as string,
          collectorName: o['collectorName'] as string,
          set: listOption(o, 'set'),
          prune: o['prune'] === true,
          dryRun: o['dryRun'] === true,
          timeoutMs: system.options.timeoutMs,
          signal: system.signal,
          ...(system.options.sandbox ? { throwAwaySandbox: { scenario: system.options.sandboxScenario } } : {}),
        },
        async (request) => (await doctor(system, request, system.signal)).document,
      );
      return result.exitStatus;
    }),
  );
}
