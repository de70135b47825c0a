import type { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import type { OutputFormat } from '../../ports.js';
import type { CommandContext } from '../context.js';
import { describeUsage } from '../help.js';
import { COLLECTOR_DEFAULTS } from '../../core/defaults.js';
import { COLLECTOR_OBJECT_OPTIONS } from './collector-object-options.js';
import { addOptions, list, parseClusterAndRegion, parseOptions, switchOption, value } from '../options.js';

const OUTPUTS: readonly OutputFormat[] = ['text', 'json', 'short'];

const DOCTOR_OPTIONS = {
  pre: switchOption('--pre', 'only what matters before an install'),
  targets: list(
    '--target <target>',
    'amp, cloudwatch or xray: the policies to expect (repeatable; default: from the collector config)',
    'targets',
  ),
  addonVersion: value(
    '--addon-version <version>',
    'add-on version to check against when none is installed: exact, default or latest',
    'addonVersionText',
  ),
  ...COLLECTOR_OBJECT_OPTIONS,
  serviceAccount: value(
    '--service-account <name>',
    'service account when no collector resource names one',
    'serviceAccount',
    { defaultText: COLLECTOR_DEFAULTS.serviceAccount },
  ),
  roleName: value(
    '--role-name <name>',
    `IAM role of the collector (default: the one its service account names, else ${COLLECTOR_DEFAULTS.roleName})`,
    'roleName',
  ),
  identity: value(
    '--identity <mode>',
    'the identity the collector should use: pod-identity or irsa (default: whichever is wired)',
    'identityMode',
  ),
  waitMs: value(
    '--wait <duration>',
    're-check what can become ready (add-on, rollouts, webhooks) until it passes or this long passed',
    'duration',
  ),
} as const;

export function register(program: Command, ctx: CommandContext): void {
  const command = program
    .command('doctor')
    .description('check everything the ADOT add-on needs, with a fix for every finding (--pre: before an install)');
  addOptions(command, DOCTOR_OPTIONS);
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
      const { roleName, addonVersion, waitMs, identity, ...options } = await parseOptions(
        DOCTOR_OPTIONS,
        invocation.options,
        invocation.io.env,
      );
      const { doctor, renderDoctorText } = await import('../../app/doctor.js');
      const system = await invocation.system();
      const { cluster } = await parseClusterAndRegion({ cluster: system.options.cluster });
      if (cluster === undefined) {
        throw usageError('MissingCluster', 'The EKS cluster is required: pass --cluster', {
          hint: 'use --cluster <name> or set ADOT_CLUSTER (aws eks list-clusters lists them)',
        });
      }
      const result = await doctor(
        system,
        {
          ...options,
          cluster,
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
