/**
 * The composition root: the only place that builds adapters. SDK and Kubernetes client modules are imported
 * dynamically, on first use, so that `adot --help` and commands that do not need them stay fast.
 */
import { setMaxListeners } from 'node:events';
import type { GlobalOptions } from './cli/program.js';
import type { AwsClientSettings } from './adapters/aws/client-config.js';
import type { KubeconfigSource } from './adapters/kube/kubeconfig.js';
import { resolveKubeconfigSource } from './adapters/kube/kubeconfig.js';
import { LazyKube } from './adapters/kube/lazy.js';
import { lazyPort } from './adapters/lazy-port.js';
import { systemClock } from './adapters/clock.js';
import type { Amp, Clock, Eks, Iam, Kube, Output, Prompter, Sts } from './ports.js';
import { resolveColorLevel } from './ui/color.js';
import { StreamOutput } from './ui/output.js';
import { InquirerPrompter } from './ui/prompter.js';
import type { Streams } from './ui/streams.js';
import { createStyle } from './ui/style.js';

/** What the process offers the CLI; tests pass their own. */
export interface SystemIo extends Streams {
  env: Record<string, string | undefined>;
  cwd: string;
  signal: AbortSignal;
  /** how the person ran adot (`adot`, `npx adot`, `node bin/adot.js`); default `adot` */
  invokedAs?: string;
}

export interface System {
  eks: Eks;
  iam: Iam;
  sts: Sts;
  amp: Amp;
  /** the Kubernetes client for --kubeconfig/--context (loaded on first use) */
  kube(): Kube;
  clock: Clock;
  output: Output;
  prompter: Prompter;
  /** global options; under --sandbox, cluster and region default to the sandbox's */
  options: GlobalOptions;
  /** aborted on Ctrl-C */
  signal: AbortSignal;
  close(): Promise<void>;
}

/** `outputPort`: an IO host already built for this run, reused instead of building another */
export type SystemOptions = GlobalOptions & { io: SystemIo; outputPort?: Output };

export function createOutput(
  options: GlobalOptions,
  io: Streams & { env: Record<string, string | undefined>; invokedAs?: string },
): Output {
  const level = (isTTY: boolean | undefined) =>
    resolveColorLevel({ flag: options.color, env: io.env, isTTY: Boolean(isTTY) });
  return new StreamOutput({
    format: options.output,
    stdout: io.stdout,
    stderr: io.stderr,
    stdoutStyle: createStyle(level(io.stdout.isTTY)),
    stderrStyle: createStyle(level(io.stderr.isTTY)),
    verbose: options.verbose,
    // a terminal of width 0 (a pseudo-terminal nobody sized, e.g. `script` fed from a pipe) would make the spinner
    // erase an unbounded number of lines each frame
    // (and a dumb terminal cannot move its cursor, as is-interactive, which ora would ask, also holds)
    animate:
      Boolean(io.stderr.isTTY) &&
      (io.stderr.columns ?? 0) > 0 &&
      io.env['CI'] === undefined &&
      io.env['TERM'] !== 'dumb',
    ...(io.invokedAs === undefined ? {} : { invokedAs: io.invokedAs }),
  });
}

export async function createSystem(options: SystemOptions): Promise<System> {
  const { io } = options;
  const signal = signalForManyListeners(io.signal);
  const output = options.outputPort ?? createOutput(options, io);
  const prompter = new InquirerPrompter({
    get stdin() {
      return io.stdin;
    },
    stdout: io.stdout,
    env: io.env,
    yes: options.yes,
    signal,
    // prompts draw on stdout: coloured exactly when stdout's text would be
    color: resolveColorLevel({ flag: options.color, env: io.env, isTTY: Boolean(io.stdout.isTTY) }) > 0,
    terminal: output,
  });
  const closers: (() => Promise<void> | void)[] = [];

  let settings: GlobalOptions = options;
  let aws: (service: AwsServiceId) => AwsClientSettings;
  let kubeconfig: KubeconfigSource | undefined;
  if (options.sandbox) {
    const sandbox = await startInProcessSandbox(options.sandboxScenario);
    closers.push(() => sandbox.stop());
    output.verbose(`sandbox: AWS at ${sandbox.awsEndpoint}, cluster ${sandbox.defaultCluster}`);
    settings = { ...options, cluster: options.cluster ?? sandbox.defaultCluster, region: sandbox.region };
    aws = () => ({
      region: sandbox.region,
      endpoint: sandbox.awsEndpoint,
      credentials: { accessKeyId: sandbox.accessKeyId, secretAccessKey: sandbox.secretAccessKey },
    });
    kubeconfig = { text: sandbox.kubeconfig() };
  } else {
    aws = (service) => awsSettingsFromEnvironment(service, options, io.env);
    kubeconfig = options.kubeconfig === undefined ? undefined : { paths: options.kubeconfig };
  }

  const profile = options.sandbox ? undefined : options.profile;
  let profileChecked: Promise<void> | undefined;
  const adapter = <T extends { destroy(): void }>(build: () => Promise<T>) =>
    lazyPort(async () => {
      if (profile !== undefined) {
        profileChecked ??= import('./adapters/aws/profile.js').then(({ assertProfileDefined }) =>
          assertProfileDefined(profile, io.env),
        );
        await profileChecked;
      }
      const built = await build();
      closers.push(() => built.destroy());
      return built;
    });
  const client = (service: AwsServiceId): AwsClientSettings => ({ ...aws(service), signal });
  const eks = adapter(async () => new (await import('./adapters/aws/eks.js')).SdkEks(client('EKS')));
  const iam = adapter(async () => new (await import('./adapters/aws/iam.js')).SdkIam(client('IAM')));
  const sts = adapter(async () => new (await import('./adapters/aws/sts.js')).SdkSts(client('STS')));
  const amp = adapter(async () => new (await import('./adapters/aws/amp.js')).SdkAmp(client('AMP')));

  let kube: Kube | undefined;
  const kubeFor = (): Kube => {
    if (kube) return kube;
    const source = resolveKubeconfigSource({
      source: kubeconfig,
      ...(settings.context === undefined ? {} : { context: settings.context }),
      ...(io.env['HOME'] === undefined ? {} : { home: io.env['HOME'] }),
      ...(settings.cluster === undefined ? {} : { clusterName: settings.cluster }),
    });
    kube = new LazyKube(source, settings.context, async () => {
      const { ClientNodeKube, loadKubeConfig } = await import('./adapters/kube/kube.js');
      const kubeConfig = loadKubeConfig(source, settings.context);
      // An exec credential plugin (EKS: `aws eks get-token`) runs for every request until its token is cached, and
      // callers fan out in parallel (doctor sends ~20 requests at once): fetch the credential once, up front. A
      // failure surfaces, mapped, on the first real request. (Not applyToFetchOptions: it makes a node-fetch Headers.)
      await kubeConfig.applyToHTTPSOptions({}).catch(() => undefined);
      const built = new ClientNodeKube({
        kubeConfig,
        clock: systemClock,
        signal,
        ...(settings.cluster === undefined ? {} : { clusterName: settings.cluster }),
      });
      closers.push(() => built.destroy());
      return built;
    });
    return kube;
  };

  return {
    eks,
    iam,
    sts,
    amp,
    kube: kubeFor,
    clock: systemClock,
    output,
    prompter,
    options: settings,
    signal,
    close: async () => {
      for (const close of closers.reverse()) await close();
    },
  };
}

/**
 * A signal that follows the caller's and takes any number of listeners: every SDK and Kubernetes call in flight
 * listens on it (doctor makes ~40 at once), and past 10 listeners Node prints a MaxListenersExceededWarning on the
 * caller's signal unless the caller raised its limit (the CLI does; a program that embeds createSystem may not).
 */
function signalForManyListeners(signal: AbortSignal): AbortSignal {
  const followed = AbortSignal.any([signal]);
  setMaxListeners(1000, followed);
  return followed;
}

/** A Kubernetes client for one context of a kubeconfig file: how `adot sandbox start|status` read the collectors. */
export async function kubeForKubeconfigFile(kubeconfigFile: string, context: string): Promise<Kube> {
  const { ClientNodeKube, loadKubeConfig } = await import('./adapters/kube/kube.js');
  return new ClientNodeKube({ kubeConfig: loadKubeConfig({ paths: [kubeconfigFile] }, context), clock: systemClock });
}

/**
 * The SDK reads these variables from process.env itself; we read them from the environment we were given (the
 * same object in production) so that an embedding caller or a test can pass its own. Anything not set here
 * (profiles, SSO, web identity, IMDS, endpoint_url in config files) is left to the SDK's default chain.
 */
/** the service id in the SDK's AWS_ENDPOINT_URL_<ID> variables */
export type AwsServiceId = 'EKS' | 'IAM' | 'STS' | 'AMP';

export function awsSettingsFromEnvironment(
  service: AwsServiceId,
  options: Pick<GlobalOptions, 'region' | 'profile'>,
  env: Record<string, string | undefined>,
): AwsClientSettings {
  const settings: AwsClientSettings = {};
  if (options.region !== undefined) settings.region = options.region;
  if (options.profile !== undefined) settings.profile = options.profile;
  const ignoreEndpoints = (env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] ?? '').toLowerCase() === 'true';
  const endpoint = env[`AWS_ENDPOINT_URL_${service}`] || env['AWS_ENDPOINT_URL'];
  if (endpoint && !ignoreEndpoints) settings.endpoint = endpoint;
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  // an explicit --profile means the profile's credentials, even when keys are exported
  if (options.profile === undefined && accessKeyId && secretAccessKey) {
    const sessionToken = env['AWS_SESSION_TOKEN'];
    settings.credentials = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  }
  return settings;
}

interface InProcessSandbox {
  awsEndpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  defaultCluster: string;
  kubeconfig(): string;
  stop(): Promise<void>;
}

async function startInProcessSandbox(scenario: string | undefined): Promise<InProcessSandbox> {
  const [{ startSandbox }, { DEFAULT_SCENARIO, scenarioSeed }] = await Promise.all([
    import('./sandbox/sandbox.js'),
    import('./sandbox/seed/scenarios.js'),
  ]);
  return startSandbox({ seed: scenarioSeed(scenario ?? DEFAULT_SCENARIO) });
}
