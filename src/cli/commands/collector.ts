import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { usageError } from '../../core/errors.js';
import type { CommandContext } from '../context.js';
import { parseDuration } from '../../core/duration.js';
import { describeUsage } from '../help.js';
import { listOption, repeatable } from '../options.js';

export function register(program: Command, ctx: CommandContext): void {
  const collector = program.command('collector').description('the bundled collector runtime');
  const run = collector
    .command('run')
    .description(
      'run a collector in the foreground from a configuration file or the templates of targets (Ctrl-C stops it gracefully)',
    )
    .addOption(
      new Option('--config <file>', 'a collector configuration (YAML: the spec.config of an OpenTelemetryCollector)'),
    )
    .addOption(
      repeatable('--target <target>', 'run the template of amp, cloudwatch or xray instead (repeatable or comma list)'),
    )
    .addOption(repeatable('--set <key=value>', 'override a template value (repeatable; keys below)'))
    .option('--amp-remote-write-url <url>', 'AMP remote-write URL (target amp)')
    .option('--amp-workspace-id <id>', 'AMP workspace id ws-… (target amp)')
    .option(
      '--allow-custom-endpoint',
      'accept an --amp-remote-write-url that is not an AMP endpoint (metrics go there)',
    )
    .option('--shutdown-timeout <duration>', 'how long a shutdown lets exporters deliver what they hold', '10s');
  describeUsage(run, {
    outputs: ['text'],
    examples: [
      { what: 'run a configuration file', run: 'adot collector run --config otel.yaml' },
      { what: "run adot's X-Ray template", run: 'adot collector run --target xray --region us-west-2 --cluster demo' },
      {
        what: 'against the sandbox (adot sandbox start)',
        run: '. .adot-sandbox/env && adot collector run --target cloudwatch --set cloudwatch.namespace=Demo',
      },
    ],
  }).action(
    ctx.action({ outputs: ['text'] }, async (invocation) => {
      const { collectorRun } = await import('../../app/collector.js');
      const options = invocation.options;
      const configFile = options['config'] as string | undefined;
      const shutdownTimeout = options['shutdownTimeout'] as string;
      const shutdownTimeoutMs = parseDuration(shutdownTimeout);
      if (shutdownTimeoutMs === undefined) {
        throw usageError('InvalidDuration', `--shutdown-timeout "${shutdownTimeout}" is not a duration`, {
          hint: 'e.g. --shutdown-timeout 30s',
        });
      }
      let collectGarbage: (() => void) | undefined;
      if (invocation.ownsProcess) {
        const heap = await import('../../app/collector.js');
        heap.tuneHeapForCollector();
        collectGarbage = heap.exposeGarbageCollector();
      }
      const { global } = invocation;
      return collectorRun(
        { output: invocation.output },
        {
          ...(configFile === undefined ? {} : { configFile: resolve(invocation.io.cwd, configFile) }),
          targets: listOption(options, 'target'),
          set: listOption(options, 'set'),
          ...(global.region === undefined ? {} : { region: global.region }),
          ...(global.cluster === undefined ? {} : { cluster: global.cluster }),
          ...(options['ampRemoteWriteUrl'] === undefined
            ? {}
            : { ampRemoteWriteUrl: options['ampRemoteWriteUrl'] as string }),
          ...(options['ampWorkspaceId'] === undefined ? {} : { ampWorkspaceId: options['ampWorkspaceId'] as string }),
          ...(options['allowCustomEndpoint'] === true ? { allowCustomEndpoint: true } : {}),
          env: invocation.io.env,
          signal: invocation.io.signal,
          shutdownTimeoutMs,
          ...(collectGarbage === undefined ? {} : { collectGarbage }),
        },
      );
    }),
  );

  const validate = collector
    .command('validate')
    .description(
      'check a collector configuration the way the bundled runtime reads it: exit 0 when `collector run` would run it (warnings on stderr), 1 with every problem listed',
    )
    .requiredOption('--config <file>', 'a collector configuration (YAML: the spec.config of an OpenTelemetryCollector)')
    .addOption(
      repeatable(
        '--set-env <name=value>',
        'a variable for ${env:NAME} references, over the process environment (repeatable)',
      ),
    );
  describeUsage(validate, {
    outputs: ['text', 'json'],
    examples: [
      {
        what: 'check a configuration with its variables',
        run: 'adot collector validate --config otel.yaml --set-env CLUSTER_NAME=demo --set-env AWS_REGION=us-west-2',
      },
      {
        what: 'CI: {schemaVersion, ok, problems: [{path, message, hint, severity}]}',
        run: 'adot collector validate --config otel.yaml -o json',
      },
    ],
  }).action(
    ctx.action({ outputs: ['text', 'json'] }, async (invocation) => {
      const { collectorValidate } = await import('../../app/collector-validate.js');
      const options = invocation.options;
      return collectorValidate(
        { output: invocation.output },
        {
          configFile: resolve(invocation.io.cwd, options['config'] as string),
          setEnv: listOption(options, 'setEnv'),
          env: invocation.io.env,
        },
      );
    }),
  );
}
