import type { Command } from 'commander';
import type { OutputFormat } from '../../ports.js';
import type { CommandContext } from '../context.js';
import { describeUsage } from '../help.js';
import { COLLECTOR_OBJECT_OPTIONS, ROLE_NAME_OPTION } from './collector-object-options.js';
import { addOptions, list, parseClusterAndRegion, parseOptions, switchOption, value } from '../options.js';

const OUTPUTS: readonly OutputFormat[] = ['text', 'json', 'yaml'];

/** Options install and apply-template share (docs/contract.md "Commands and flags"). */
export const COLLECTOR_OPTIONS = {
  targets: list('--target <target>', 'amp, cloudwatch or xray (repeatable or comma list)', 'targets'),
  ampRemoteWriteUrl: value('--amp-remote-write-url <url>', 'AMP remote-write URL (target amp)', 'safeText'),
  ampWorkspaceId: value(
    '--amp-workspace-id <id>',
    'AMP workspace id ws-… (target amp; the URL is built for the region)',
    'ampWorkspaceId',
  ),
  allowCustomEndpoint: switchOption(
    '--allow-custom-endpoint',
    'accept an --amp-remote-write-url that is not an AMP endpoint (metrics go there)',
  ),
  ...COLLECTOR_OBJECT_OPTIONS,
  set: list('--set <key=value>', 'override a template value (repeatable; keys below)', 'setValues'),
  dryRun: switchOption('--dry-run', 'show the plan (and with -o yaml the manifests); change nothing'),
} as const;

const INSTALL_OPTIONS = {
  addonVersion: value(
    '--addon-version <version>',
    'add-on version: an exact version, default or latest',
    'addonVersion',
  ),
  identity: value(
    '--identity <mode>',
    'how the collector gets AWS credentials: auto (EKS Pod Identity where it works, else IRSA), pod-identity or irsa (env ADOT_IDENTITY; default auto)',
    'identityChoice',
    { env: ['ADOT_IDENTITY'] },
  ),
  ampWorkspaceAlias: value(
    '--amp-workspace-alias <alias>',
    'AMP workspace by alias (target amp): found in the region, or created',
    'ampWorkspaceAlias',
  ),
  mode: value(
    '--mode <mode>',
    "collector-resource (adot's collector resource, the default) or addon-config (the add-on's own collectors: v0.62.1+, presets and the logs target from v0.88.0)",
    'installMode',
  ),
  roleName: ROLE_NAME_OPTION,
  prune: switchOption(
    '--prune',
    'remove the installed targets --target does not name (their IAM policies and pipelines); without it they are kept, except at a terminal, where the plan proposes removing them and the one confirmation decides',
  ),
} as const;

export function register(program: Command, ctx: CommandContext): void {
  const command = program
    .command('install')
    .description('install the ADOT add-on, IRSA and a collector for the chosen targets (idempotent; --dry-run)');
  addOptions(command, INSTALL_OPTIONS);
  addOptions(command, COLLECTOR_OPTIONS);
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
      const env = invocation.io.env;
      const options = {
        ...(await parseOptions(INSTALL_OPTIONS, invocation.options, env)),
        ...(await parseOptions(COLLECTOR_OPTIONS, invocation.options, env)),
      };
      const [{ install }, { doctor }] = await Promise.all([
        import('../../app/install.js'),
        import('../../app/doctor.js'),
      ]);
      const system = await invocation.system();
      const { cluster, region } = await parseClusterAndRegion(system.options);
      const result = await install(
        system,
        {
          ...options,
          cluster,
          region,
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
