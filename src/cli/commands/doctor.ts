import type { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import type { OutputFormat } from '../../ports.js';
import type { CommandContext } from '../context.js';
import { parseDuration } from '../../core/duration.js';
import { describeUsage } from '../help.js';
import { listOption, repeatable } from '../options.js';

const OUTPUTS: readonly OutputFormat[] = ['text', 'json', 'short'];

export function register(program: Command, ctx: CommandContext): void {
  const command = program
    .command('doctor')
    .description('check everything the ADOT add-on needs, with a fix for every finding (--pre: before an install)')
    .option('--pre', 'only what matters before an install')
    .addOption(
      repeatable(
        '--target <target>',
        'amp, cloudwatch or xray: the policies to expect (repeatable; default: from the collector config)',
      ),
    )
    .option(
      '--addon-version <version>',
      'add-on version to check against when none is installed: exact, default or latest',
    )
    .option('--namespace <name>', 'namespace of the collector', 'aws-otel-eks')
    .option('--service-account <name>', 'service account when no collector resource names one', 'aws-otel-collector')
    .option('--collector-name <name>', 'name of the OpenTelemetryCollector resource', 'observability')
    .option(
      '--role-name <name>',
      'IAM role of the collector (default: the one its service account names, else EKS-ADOT-ServiceAccount-Role)',
    )
    .option(
      '--identity <mode>',
      'the identity the collector should use: pod-identity or irsa (default: whichever is wired)',
    )
    .option(
      '--wait <duration>',
      're-check what can become ready (add-on, rollouts, webhooks) until it passes or this long passed',
    );
  describeUsage(command, {
    outputs: OUTPUTS,
    examples: [
      { what: 'before an install: what is missing', run: 'adot doctor --pre --cluster demo --region us-west-2' },
      { what: 'after an install: every check, with fixes', run: 'adot doctor --cluster demo --region us-west-2' },
      { what: 'CI: wait for readiness, JSON on stdout', run: 'adot doctor --cluster demo --wait 5m --yes -o json' },
      {
        what: 'a throw-away local sandbox in a given situation',
        run: 'adot doctor --sandbox --sandbox-scenario no-cert-manager',
      },
    ],
  }).action(
    ctx.action({ outputs: OUTPUTS }, async (invocation) => {
      const o = invocation.options;
      const waitText = o['wait'] as string | undefined;
      const waitMs = waitText === undefined ? undefined : parseDuration(waitText);
      if (waitText !== undefined && waitMs === undefined) {
        throw usageError('InvalidDuration', `--wait must be a duration like 90s, 5m or 1h30m, not "${waitText}"`, {
          hint: 'for example: adot doctor --wait 5m',
        });
      }
      const [{ doctor, renderDoctorText }, { parseTargets }, { parseIdentityChoice }] = await Promise.all([
        import('../../app/doctor.js'),
        import('../../core/targets.js'),
        import('../../core/identity/mode.js'),
      ]);
      const targets = parseTargets(listOption(o, 'target'));
      const identityText = o['identity'] as string | undefined;
      const identity = identityText === undefined ? undefined : parseIdentityChoice(identityText);
      if (identity === 'auto') {
        throw usageError('InvalidIdentity', '--identity for doctor names what to expect: pod-identity or irsa', {
          hint: 'omit --identity to accept whichever the service account uses',
        });
      }
      const system = await invocation.system();
      const cluster = system.options.cluster;
      if (cluster === undefined) {
        throw usageError('MissingCluster', 'The EKS cluster is required: pass --cluster', {
          hint: 'use --cluster <name> or set ADOT_CLUSTER (aws eks list-clusters lists them)',
        });
      }
      const roleName = o['roleName'] as string | undefined;
      const addonVersion = o['addonVersion'] as string | undefined;
      const result = await doctor(
        system,
        {
          cluster,
          pre: o['pre'] === true,
          targets,
          namespace: o['namespace'] as string,
          serviceAccount: o['serviceAccount'] as string,
          collectorName: o['collectorName'] as string,
          ...(roleName === undefined ? {} : { roleName }),
          ...(addonVersion === undefined ? {} : { addonVersion }),
          ...(waitMs === undefined ? {} : { waitMs }),
          ...(identity === undefined ? {} : { identity }),
        },
        system.signal,
      );
      system.output.result(result.document, () =>
        renderDoctorText(result.document, { color: system.output.color, short: system.output.format === 'short' }),
      );
      if (result.gaveUp !== undefined) system.output.info(result.gaveUp);
      return result.exitStatus;
    }),
  );
}
