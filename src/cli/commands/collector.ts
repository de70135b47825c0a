import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_SHUTDOWN_TIMEOUT } from '../../core/defaults.js';
import type { CommandContext } from '../context.js';
import { describeUsage } from '../help.js';
import { addOptions, list, parseClusterAndRegion, parseOptions, required, switchOption, value } from '../options.js';

const RUN_OPTIONS = {
  config: value(
    '--config <file>',
    'a collector configuration (YAML: the spec.config of an OpenTelemetryCollector)',
    'text',
  ),
  targets: list(
    '--target <target>',
    'run the template of amp, cloudwatch or xray instead (repeatable or comma list)',
    'targets',
  ),
  set: list('--set <key=value>', 'override a template value (repeatable; keys below)', 'setValues'),
  ampRemoteWriteUrl: value('--amp-remote-write-url <url>', 'AMP remote-write URL (target amp)', 'safeText'),
  ampWorkspaceId: value('--amp-workspace-id <id>', 'AMP workspace id ws-… (target amp)', 'ampWorkspaceId'),
  allowCustomEndpoint: switchOption(
    '--allow-custom-endpoint',
    'accept an --amp-remote-write-url that is not an AMP endpoint (metrics go there)',
  ),
  shutdownTimeoutMs: value(
    '--shutdown-timeout <duration>',
    'how long a shutdown lets exporters deliver what they hold',
    'duration',
    { defaultText: DEFAULT_SHUTDOWN_TIMEOUT },
  ),
} as const;

const VALIDATE_OPTIONS = {
  config: required(
    '--config <file>',
    'a collector configuration (YAML: the spec.config of an OpenTelemetryCollector)',
    'text',
  ),
  setEnv: list(
    '--set-env <name=value>',
    'a variable for ${env:NAME} references, over the process environment (repeatable)',
    'texts',
  ),
} as const;

export function register(program: Command, ctx: CommandContext): void {
  const collector = program.command('collector').description('the bundled collector runtime');
  const run = collector
    .command('run')
    .description(
      'run a collector in the foreground from a configuration file or the templates of targets (Ctrl-C stops it gracefully)',
    );
  addOptions(run, RUN_OPTIONS);
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
      const { config, ...options } = await parseOptions(RUN_OPTIONS, invocation.options, invocation.io.env);
      const { cluster, region } = await parseClusterAndRegion(invocation.global);
      let collectGarbage: (() => void) | undefined;
      if (invocation.ownsProcess) {
        const heap = await import('../../app/collector.js');
        heap.tuneHeapForCollector();
        collectGarbage = heap.exposeGarbageCollector();
      }
      return collectorRun(
        { output: invocation.output },
        {
          ...(config === undefined ? {} : { configFile: resolve(invocation.io.cwd, config) }),
          targets: options.targets,
          set: options.set,
          ...(region === undefined ? {} : { region }),
          ...(cluster === undefined ? {} : { cluster }),
          ...(options.ampRemoteWriteUrl === undefined ? {} : { ampRemoteWriteUrl: options.ampRemoteWriteUrl }),
          ...(options.ampWorkspaceId === undefined ? {} : { ampWorkspaceId: options.ampWorkspaceId }),
          ...(options.allowCustomEndpoint ? { allowCustomEndpoint: true } : {}),
          env: invocation.io.env,
          signal: invocation.io.signal,
          shutdownTimeoutMs: options.shutdownTimeoutMs,
          ...(collectGarbage === undefined ? {} : { collectGarbage }),
        },
      );
    }),
  );

  const validate = collector
    .command('validate')
    .description(
      'check a collector configuration the way the bundled runtime reads it: exit 0 when `collector run` would run it (warnings on stderr), 1 with every problem listed',
    );
  addOptions(validate, VALIDATE_OPTIONS);
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
      const { config, setEnv } = await parseOptions(VALIDATE_OPTIONS, invocation.options, invocation.io.env);
      return collectorValidate(
        { output: invocation.output },
        {
          configFile: resolve(invocation.io.cwd, config),
          setEnv,
          env: invocation.io.env,
        },
      );
    }),
  );
}
