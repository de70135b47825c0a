import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext, Invocation } from '../context.js';
import { describeUsage } from '../help.js';
import { addOptions, parseOptions, value } from '../options.js';

export const DEFAULT_SANDBOX_DIR = '.adot-sandbox';

const DIR = value('--dir <dir>', 'where the sandbox keeps its state, env and kubeconfig files', 'text', {
  defaultText: DEFAULT_SANDBOX_DIR,
});
const DIR_OPTIONS = { dir: DIR } as const;
const START_OPTIONS = {
  seed: value('--seed <file>', 'seed file (YAML) describing clusters, IAM and behaviour', 'text', {
    conflicts: '--scenario',
  }),
  scenario: value('--scenario <name>', 'a built-in scenario (see: adot sandbox scenarios)', 'text'),
  dir: DIR,
} as const;
const SCENARIOS_OPTIONS = {
  show: value(
    '--show <name>',
    "print the scenario's seed as YAML, a file `adot sandbox start --seed FILE` reads",
    'text',
  ),
} as const;
const SERVE_OPTIONS = {
  seed: value('--seed <file>', '', 'text'),
  scenario: value('--scenario <name>', '', 'text'),
  instance: value('--instance <token>', '', 'text'),
  dir: DIR,
} as const;

export function register(program: Command, ctx: CommandContext): void {
  const sandbox = program
    .command('sandbox')
    .description('a local emulated EKS + IAM + STS + Kubernetes API on loopback, for trying adot without AWS');
  const start = sandbox
    .command('start')
    .description('start a sandbox in the background and write DIR/env and DIR/kubeconfig');
  addOptions(start, START_OPTIONS);
  describeUsage(start, {
    outputs: ['text', 'json', 'yaml'],
    examples: [
      {
        what: "today's cluster, nothing of ADOT yet (scenario fresh)",
        run: 'adot sandbox start && . .adot-sandbox/env',
      },
      { what: 'a built-in situation', run: 'adot sandbox start --scenario blog-2022' },
      {
        what: 'a seed of your own, from a scenario',
        run: 'adot sandbox scenarios --show fresh > seed.yaml && adot sandbox start --seed seed.yaml',
      },
      { what: 'CI: endpoints and cluster as JSON', run: 'adot sandbox start --dir /tmp/sbx -o json' },
    ],
  });
  start.action(
    ctx.action({ outputs: ['text', 'json', 'yaml'] }, async (invocation) => {
      const [{ sandboxStart, describeSandboxCollector }, { kubeForKubeconfigFile }] = await Promise.all([
        import('../../app/sandbox.js'),
        import('../../system.js'),
      ]);
      const { seed, scenario, dir: dirText } = await parseOptions(START_OPTIONS, invocation.options, invocation.io.env);
      const dir = resolve(invocation.io.cwd, dirText);
      const started = await sandboxStart({
        dir,
        ...(seed === undefined ? {} : { seedFile: resolve(invocation.io.cwd, seed) }),
        ...(scenario === undefined ? {} : { scenario }),
        serveCommand: [invocation.entryScript, 'sandbox', 'serve'],
        nodePath: invocation.nodePath,
        kubeFor: kubeForKubeconfigFile,
      });
      const envFile = displayPath(invocation, started.envFile);
      invocation.output.result({ schemaVersion: 1, ok: true, ...started }, () =>
        [
          `Sandbox running (pid ${started.pid}) in ${displayPath(invocation, started.dir)}`,
          `  AWS endpoint  ${started.awsEndpoint}`,
          ...started.clusters.map((cluster) => `  cluster ${cluster.name}  ${cluster.server}`),
          ...(started.collectors.length === 0
            ? []
            : ['  collectors', ...started.collectors.map((collector) => `    ${describeSandboxCollector(collector)}`)]),
          '',
          'Next:',
          `  . ${envFile}            # point aws, kubectl and adot at the sandbox`,
          '  adot doctor --pre',
          `  adot sandbox status${dirFlag(dirText)}   # where the collectors an install deploys listen`,
          `  adot sandbox stop${dirFlag(dirText)}`,
        ].join('\n'),
      );
    }),
  );

  const status = sandbox
    .command('status')
    .description("show the sandbox running in DIR and where its collectors' receivers listen");
  addOptions(status, DIR_OPTIONS);
  describeUsage(status, {
    outputs: ['text', 'json', 'yaml'],
    examples: [
      { what: 'the sandbox in .adot-sandbox', run: 'adot sandbox status' },
      { what: 'CI: as JSON', run: 'adot sandbox status --dir /tmp/sbx -o json' },
    ],
  });
  status.action(
    ctx.action({ outputs: ['text', 'json', 'yaml'] }, async (invocation) => {
      const [{ sandboxStatus, describeSandboxCollector }, { kubeForKubeconfigFile }] = await Promise.all([
        import('../../app/sandbox.js'),
        import('../../system.js'),
      ]);
      const status = await sandboxStatus({ dir: await sandboxDir(invocation), kubeFor: kubeForKubeconfigFile });
      invocation.output.result({ schemaVersion: 1, ok: true, ...status }, () =>
        [
          `Sandbox running (pid ${status.pid}) in ${displayPath(invocation, status.dir)}`,
          `  AWS endpoint  ${status.awsEndpoint}`,
          ...status.clusters.map((cluster) => `  cluster ${cluster.name}  ${cluster.server}`),
          status.collectors.length === 0 ? 'No collector is running (adot install deploys one).' : 'Collectors:',
          ...status.collectors.map(
            (collector) =>
              `  ${status.clusters.length > 1 ? `${collector.cluster}: ` : ''}${describeSandboxCollector(collector)}`,
          ),
        ].join('\n'),
      );
    }),
  );

  const stop = sandbox.command('stop').description('stop the sandbox started in DIR');
  addOptions(stop, DIR_OPTIONS);
  describeUsage(stop, {
    outputs: ['text', 'json', 'yaml'],
    examples: [
      { what: 'the sandbox in .adot-sandbox', run: 'adot sandbox stop' },
      { what: 'CI: as JSON', run: 'adot sandbox stop --dir /tmp/sbx -o json' },
    ],
  });
  stop.action(
    ctx.action({ outputs: ['text', 'json', 'yaml'] }, async (invocation) => {
      const { sandboxStop } = await import('../../app/sandbox.js');
      const dir = await sandboxDir(invocation);
      const stopped = await sandboxStop({ dir });
      invocation.output.result({ schemaVersion: 1, ok: true, dir, ...stopped }, () =>
        stopped.stopped
          ? `Sandbox stopped (pid ${stopped.pid ?? '?'})`
          : `No sandbox running in ${displayPath(invocation, dir)}: nothing to stop`,
      );
    }),
  );

  const env = sandbox
    .command('env')
    .description('print the POSIX export lines of the running sandbox (eval "$(adot sandbox env)")');
  addOptions(env, DIR_OPTIONS);
  describeUsage(env, {
    outputs: ['text'],
    examples: [{ what: 'point aws, kubectl and adot at the sandbox', run: 'eval "$(adot sandbox env)"' }],
  });
  env.action(
    ctx.action({ outputs: ['text'] }, async (invocation) => {
      const { sandboxEnv } = await import('../../app/sandbox.js');
      invocation.output.stdout(await sandboxEnv({ dir: await sandboxDir(invocation) }));
    }),
  );

  const scenarios = sandbox
    .command('scenarios')
    .description('list the built-in scenarios, or print the seed file of one (--show NAME)');
  addOptions(scenarios, SCENARIOS_OPTIONS);
  describeUsage(scenarios, {
    outputs: ['text', 'json', 'yaml'],
    examples: [
      { what: 'the scenarios and what each sets up', run: 'adot sandbox scenarios' },
      { what: 'start from a scenario and change it', run: 'adot sandbox scenarios --show blog-2022 > seed.yaml' },
      { what: 'CI: as JSON', run: 'adot sandbox scenarios -o json' },
    ],
  });
  scenarios.action(
    ctx.action({ outputs: ['text', 'json', 'yaml'] }, async (invocation) => {
      const [{ sandboxScenarios, sandboxScenarioSeedYaml }, { renderTable }] = await Promise.all([
        import('../../app/sandbox.js'),
        import('../../ui/table.js'),
      ]);
      const { show } = await parseOptions(SCENARIOS_OPTIONS, invocation.options, invocation.io.env);
      if (show !== undefined) {
        const seed = sandboxScenarioSeedYaml(show);
        if (invocation.global.output !== 'json')
          invocation.output.stdout(seed); // a seed file is YAML already
        else invocation.output.result({ schemaVersion: 1, ok: true, name: show, seed }, () => seed);
        return;
      }
      const scenarios = sandboxScenarios();
      invocation.output.result({ schemaVersion: 1, ok: true, scenarios }, () =>
        renderTable(
          ['NAME', 'DESCRIPTION'],
          scenarios.map((scenario) => [scenario.name, scenario.description]),
        ),
      );
    }),
  );

  const serve = sandbox
    .command('serve', { hidden: true })
    .description('run the sandbox in the foreground (what `sandbox start` runs in the background)');
  addOptions(serve, SERVE_OPTIONS);
  serve.action(
    ctx.action({ outputs: ['text'] }, async (invocation) => {
      const { sandboxServe } = await import('../../app/sandbox.js');
      const { seed, scenario, instance, dir } = await parseOptions(
        SERVE_OPTIONS,
        invocation.options,
        invocation.io.env,
      );
      await sandboxServe({
        instance,
        dir: resolve(invocation.io.cwd, dir),
        ...(seed === undefined ? {} : { seedFile: resolve(invocation.io.cwd, seed) }),
        ...(scenario === undefined ? {} : { scenario }),
        signal: invocation.io.signal,
        log: (line) => invocation.io.stderr.write(`${line}\n`),
      });
    }),
  );
}

async function sandboxDir(invocation: Invocation): Promise<string> {
  const { dir } = await parseOptions(DIR_OPTIONS, invocation.options, invocation.io.env);
  return resolve(invocation.io.cwd, dir);
}

function displayPath(invocation: Invocation, path: string): string {
  const shown = relative(invocation.io.cwd, path);
  return shown === '' || shown.startsWith('..') ? path : shown;
}

function dirFlag(dir: string): string {
  return dir === DEFAULT_SANDBOX_DIR ? '' : ` --dir ${dir}`;
}
