import { describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../src/sandbox/sandbox.js';
import { runCli } from '../helpers/cli.js';
import {
  attachedPolicies,
  cliSandboxes,
  dump,
  fastSeed,
  planOutput,
  settled,
  type CliSandbox,
  type PlanOutput,
} from '../helpers/install-sandbox.js';

const XRAY = 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess';
const AMP = 'arn:aws:iam::aws:policy/AmazonPrometheusRemoteWriteAccess';
const CLOUDWATCH = 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy';
const ROLE = 'EKS-ADOT-ServiceAccount-Role';
const WORKSPACE = 'ws-0123abcd-4567-89ef-0123-456789abcdef';

const start = cliSandboxes('adot-install-');

function trustPolicy(sandbox: RunningSandbox, role: string): unknown {
  const document = sandbox.iam.getRole(role).AssumeRolePolicyDocument;
  return JSON.parse(decodeURIComponent(String(document)));
}

function actions(document: PlanOutput): Record<string, string> {
  return Object.fromEntries(document.steps.map((step) => [step.id, step.action]));
}

async function doctorFailures(cli: CliSandbox['cli'], extra: string[] = []): Promise<string[]> {
  const run = await cli(['doctor', '-o', 'json', ...extra]);
  const document = JSON.parse(run.stdout) as { checks: { id: string; status: string }[] };
  return document.checks.filter((check) => check.status === 'fail').map((check) => check.id);
}

type Identity = 'pod-identity' | 'irsa';
const cases: { name: string; args: string[]; policies: string[]; identity: Identity }[] = [
  { name: 'xray', args: ['--target', 'xray'], policies: [XRAY], identity: 'pod-identity' },
  { name: 'xray', args: ['--target', 'xray', '--identity', 'irsa'], policies: [XRAY], identity: 'irsa' },
  {
    name: 'amp',
    args: ['--target', 'amp', '--amp-workspace-id', WORKSPACE],
    policies: [AMP],
    identity: 'pod-identity',
  },
  {
    name: 'cloudwatch',
    args: ['--target', 'cloudwatch', '--identity', 'irsa'],
    policies: [CLOUDWATCH],
    identity: 'irsa',
  },
  {
    name: 'xray+amp',
    args: ['--target', 'xray,amp', '--amp-workspace-id', WORKSPACE],
    policies: [AMP, XRAY].sort(),
    identity: 'pod-identity',
  },
];

describe('adot install against the sandbox', () => {
  for (const { name, args, policies, identity } of cases) {
    it(`installs ${name} with ${identity}: exit 0, doctor passes, exact IAM, and a second run changes nothing`, async () => {
      // the AMP workspace the collector writes to exists, as it must in AMP
      const { cli, sandbox, env } = await start({ ...fastSeed('fresh'), amp: { workspaces: [{ id: WORKSPACE }] } });
      const first = await cli(['install', ...args, '-o', 'json']);
      expect(first.code, first.stderr).toBe(0);
      const document = planOutput(first);
      expect(document.ok).toBe(true);
      expect(document.changes).toBeGreaterThan(0);
      expect(actions(document)).toMatchObject({
        prerequisites: 'none',
        addon: 'create',
        'iam.role': 'create',
        collector: 'create',
        ...(identity === 'pod-identity'
          ? { 'pod-identity.agent-addon': 'create', 'pod-identity.association': 'create' }
          : { 'iam.oidc-provider': 'create', 'pod-identity.association': 'none' }),
      });
      expect(document.identity).toMatchObject({ mode: identity });

      const failures = await doctorFailures(cli, [
        ...args.filter((a) => a !== '--amp-workspace-id' && a !== WORKSPACE && a !== '--identity' && a !== 'irsa'),
        '--identity',
        identity,
      ]);
      expect(failures).toEqual([]);
      expect(attachedPolicies(sandbox, ROLE)).toEqual(policies);
      const trust = JSON.stringify(trustPolicy(sandbox, ROLE));
      if (identity === 'irsa') {
        const issuer = (
          sandbox.eks.describeCluster(env.ADOT_CLUSTER!) as { identity: { oidc: { issuer: string } } }
        ).identity.oidc.issuer.replace('https://', '');
        expect(trust).toContain(`"${issuer}:sub":"system:serviceaccount:aws-otel-eks:aws-otel-collector"`);
        expect(trust).toContain(`"${issuer}:aud":"sts.amazonaws.com"`);
      } else {
        expect(trust).toContain('"Principal":{"Service":"pods.eks.amazonaws.com"}');
        expect(trust).toContain('"aws:RequestTag/kubernetes-service-account":"aws-otel-collector"');
        const associations = sandbox.eks.listPodIdentityAssociations(sandbox.defaultCluster, {});
        expect(associations.associations).toHaveLength(1);
      }
      // the default scenario's add-on (v0.151.0) stores the collector resource as v1beta1
      const collectors = sandbox
        .store(sandbox.defaultCluster)
        .list('opentelemetry.io/v1beta1', 'OpenTelemetryCollector');
      expect(collectors.map((c) => c.metadata.name)).toEqual(['observability']);

      const before = await settled(sandbox);
      const second = await cli(['install', ...args, '-o', 'json']);
      expect(second.code, second.stderr).toBe(0);
      expect(planOutput(second).changes).toBe(0);
      expect(planOutput(second).steps.every((step) => step.action === 'none' || step.action === 'skipped')).toBe(true);
      expect(dump(sandbox)).toBe(before);
    });
  }

  it('--dry-run shows the whole plan and leaves the sandbox byte-identical; -o yaml prints the manifests', async () => {
    // the blog's world, where the plan has every step (v0.45.0 needs the add-on RBAC manifest)
    const { cli, sandbox } = await start(fastSeed('blog-2022'));
    const before = await settled(sandbox);
    const dryRun = (output: 'json' | 'yaml') =>
      cli(['install', '--target', 'xray,amp', '--amp-workspace-id', WORKSPACE, '--dry-run', '-o', output]);
    const plan = await dryRun('json');
    expect(plan.code, plan.stderr).toBe(0);
    const document = planOutput(plan);
    expect(document.dryRun).toBe(true);
    expect(actions(document)).toMatchObject({
      'addon-rbac.clusterrole': 'create',
      addon: 'create',
      'iam.oidc-provider': 'create',
      'iam.role': 'create',
      'iam.policies': 'create',
      namespace: 'create',
      'service-account': 'create',
      'prometheus-rbac.clusterrole': 'create',
      collector: 'create',
    });
    const yaml = await dryRun('yaml');
    expect(yaml.code, yaml.stderr).toBe(0);
    for (const kind of ['ClusterRole', 'Namespace', 'ServiceAccount', 'OpenTelemetryCollector', 'ClusterRoleBinding']) {
      expect(yaml.stdout).toContain(`kind: ${kind}`);
    }
    expect(yaml.stdout).toContain('eks.amazonaws.com/role-arn: arn:aws:iam::');
    const text = await cli(['install', '--target', 'xray', '--dry-run']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Plan \(dry run, nothing changed\)/);
    expect(dump(sandbox)).toBe(before);
    expect(sandbox.awsRequests().filter((r) => !/^(Describe|List|Get)/.test(r.operation))).toEqual([]);
  });

  const refused: [string, RegExp][] = [
    ['no-cert-manager', /cert-manager\.installed/],
    ['cert-manager-too-new', /cert-manager\.version/],
    ['old-kubernetes', /k8s\.version/],
  ];
  for (const [scenario, cause] of refused) {
    it(`${scenario}: stops before any change, exit 1, naming the cause`, async () => {
      const { cli, sandbox } = await start(fastSeed(scenario));
      const before = await settled(sandbox);
      const run = await cli(['install', '--target', 'xray']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/Prerequisites not met, nothing was changed/);
      expect(run.stderr).toMatch(cause);
      expect(dump(sandbox)).toBe(before);
    });
  }

  it('irsa-broken: reconciles the trust policy and attaches the missing policy', async () => {
    const { cli, sandbox } = await start(fastSeed('irsa-broken'));
    expect(await doctorFailures(cli)).toEqual(expect.arrayContaining(['iam.trust-policy']));
    const run = await cli(['install', '--target', 'xray', '-o', 'json']);
    expect(run.code, run.stderr).toBe(0);
    expect(actions(planOutput(run))).toMatchObject({ 'iam.role': 'update', 'iam.policies': 'create', addon: 'none' });
    expect(attachedPolicies(sandbox, ROLE)).toEqual([XRAY]);
    expect(JSON.stringify(trustPolicy(sandbox, ROLE))).toContain(
      ':sub":"system:serviceaccount:aws-otel-eks:aws-otel-collector"',
    );
    expect(await doctorFailures(cli)).toEqual([]);
  });

  it('switching targets with --prune attaches the new policy and detaches the old one, never a foreign one', async () => {
    const { cli, sandbox } = await start(fastSeed('installed-healthy'));
    const foreign = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    sandbox.iam.attachRolePolicy(ROLE, foreign);
    const run = await cli(['install', '--target', 'cloudwatch', '--prune', '-o', 'json']);
    expect(run.code, run.stderr).toBe(0);
    expect(planOutput(run).steps.find((s) => s.id === 'iam.policies')).toMatchObject({
      action: 'update',
      detail: 'attach CloudWatchAgentServerPolicy, detach AWSXRayDaemonWriteAccess',
    });
    expect(attachedPolicies(sandbox, ROLE)).toEqual([CLOUDWATCH, foreign].sort());

    // back to traces only: the cluster-wide read the Prometheus receiver needed goes with the last metrics target
    const store = sandbox.store(sandbox.defaultCluster);
    expect(
      store.get('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'otel-prometheus-role-binding'),
    ).toBeDefined();
    const back = await cli(['install', '--target', 'xray', '--prune', '-o', 'json']);
    expect(back.code, back.stderr).toBe(0);
    const steps = planOutput(back).steps;
    expect(steps.find((s) => s.id === 'prometheus-rbac.clusterrolebinding')?.action).toBe('delete');
    expect(steps.find((s) => s.id === 'prometheus-rbac.clusterrole')?.action).toBe('delete');
    expect(
      store.get('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'otel-prometheus-role-binding'),
    ).toBeUndefined();
    expect(store.get('rbac.authorization.k8s.io/v1', 'ClusterRole', 'otel-prometheus-role')).toBeUndefined();
    const doctor = JSON.parse((await cli(['doctor', '-o', 'json'])).stdout) as {
      checks: { id: string; status: string; message: string }[];
    };
    expect(doctor.checks.find((c) => c.id === 'collector.rbac')).toMatchObject({
      status: 'pass',
      message:
        'not needed (no prometheus receiver with kubernetes_sd_configs, no k8sattributes processor), and none granted',
    });
  });

  it('a binding adot did not create is left, and doctor warns on the cluster-wide read no receiver needs', async () => {
    const { cli, sandbox } = await start(fastSeed('installed-healthy'));
    const store = sandbox.store(sandbox.defaultCluster);
    store.put({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'team-reader' },
      rules: [{ apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] }],
    });
    store.put({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'team-reader-collector' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'team-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'aws-otel-collector', namespace: 'aws-otel-eks' }],
    });
    const run = await cli(['install', '--target', 'xray', '-o', 'json']);
    expect(run.code, run.stderr).toBe(0);
    expect(store.get('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'team-reader-collector')).toBeDefined();
    const doctor = JSON.parse((await cli(['doctor', '-o', 'json'])).stdout) as {
      checks: { id: string; status: string; message: string }[];
    };
    expect(doctor.checks.find((c) => c.id === 'collector.rbac')).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('through team-reader-collector, which no component of the collector needs'),
    });
  });

  // Two installs through 30% EKS throttling took 23-30 s on a 2-CPU machine, mostly the SDK's own waits: its standard
  // strategy waits a random share of 2^n s before the n-th retry of a throttled call (Retry.throttlingDelay() = 1,000
  // ms in @smithy/core's retry, its 2026 defaults), and install polls DescribeAddon. Convergence is what is tested,
  // so this test has more than the default 30 s.
  it('flaky-api (throttling and 5xx): converges', async () => {
    const { cli, sandbox } = await start(fastSeed('flaky-api', { randomSeed: 7 }));
    const run = await cli(['install', '--target', 'xray', '-o', 'json']);
    expect(run.code, run.stderr).toBe(0);
    expect(sandbox.awsRequests().some((r) => r.status >= 429)).toBe(true);
    const again = await cli(['install', '--target', 'xray', '-o', 'json']);
    expect(again.code, again.stderr).toBe(0);
    expect(planOutput(again).changes).toBe(0);
  }, 90_000);

  it('an install interrupted while waiting exits 130, and a re-run converges', async () => {
    const { cli, sandbox } = await start(fastSeed('fresh', { addonCreateSeconds: 3 }));
    const controller = new AbortController();
    const interrupted = cli(['install', '--target', 'xray', '-o', 'json'], controller.signal);
    // the adot add-on's CreateAddon, not the pod identity agent's, which comes first
    const adotAddonCreated = () => {
      try {
        return sandbox.eks.describeAddon(sandbox.defaultCluster, 'adot') !== undefined;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 200; i += 1) {
      if (adotAddonCreated()) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    controller.abort();
    const first = await interrupted;
    expect(first.code).toBe(130);
    expect(planOutput(first)).toMatchObject({ ok: false, error: { code: 'Interrupted' } });
    expect(sandbox.eks.describeAddon(sandbox.defaultCluster, 'adot').status).toBe('CREATING');
    const rerun = await cli(['install', '--target', 'xray', '-o', 'json']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(actions(planOutput(rerun))).toMatchObject({ addon: 'none', 'iam.role': 'create' });
    expect(await doctorFailures(cli)).toEqual([]);
  });

  it('a wait past --timeout exits 124, says what changed, and prints the failing doctor checks', async () => {
    const { cli } = await start(fastSeed('fresh', { addonCreateSeconds: 30 }));
    const run = await cli(['install', '--target', 'xray', '--timeout', '2s']);
    expect(run.code).toBe(124);
    // the time waited, measured to a tenth under 10 s (it was rounded to whole seconds: "after 0 s" for --timeout 1s)
    expect(run.stderr).toMatch(/Timed out waiting for the adot add-on ACTIVE \(still CREATING after \d\.\d s\)/);
    expect(run.stderr).toMatch(/Changed before the failure/);
    expect(run.stderr).toMatch(/EKS add-on adot on demo/);
    expect(run.stderr).toMatch(/Failing doctor checks:\n.*✗ operator\.ready/);
  });

  const badInput: [string, string[], RegExp][] = [
    ['unknown target', ['--target', 'zipkin'], /Unknown target "zipkin"/],
    ['malformed AMP URL', ['--target', 'amp', '--amp-remote-write-url', 'http//nope'], /amp-remote-write-url/],
    [
      'an AMP-looking URL on another host',
      [
        '--target',
        'amp',
        '--amp-remote-write-url',
        'https://aps-workspaces.us-east-1.amazonaws.com.evil.com/workspaces/ws-1/api/v1/remote_write',
      ],
      /not an Amazon Managed Service for Prometheus endpoint[\s\S]*--allow-custom-endpoint/,
    ],
    ['invalid cluster name', ['--target', 'xray', '--cluster', 'bad name!'], /Not a valid EKS cluster name/],
    ['--set of an unknown key', ['--target', 'xray', '--set', 'nope.key=1'], /nope\.key/],
    ['a value with YAML metacharacters', ['--target', 'xray', '--namespace', 'a: b\nc'], /namespace/],
    ['missing target when not interactive', [], /--target/],
    ['missing AMP workspace when not interactive', ['--target', 'amp'], /--amp-remote-write-url/],
    ['an invalid add-on version', ['--target', 'xray', '--addon-version', 'newest'], /addon-version/],
    ['an unknown identity mode', ['--target', 'xray', '--identity', 'oidc'], /--identity: "oidc" is not one of/],
  ];
  it('bad input exits 2 with a message and a hint, and changes nothing', async () => {
    const { cli, sandbox } = await start(fastSeed('fresh'));
    const before = await settled(sandbox);
    for (const [what, args, message] of badInput) {
      const run = await cli(['install', ...args]);
      expect(run.code, what).toBe(2);
      expect(run.stderr, what).toMatch(message);
      expect(run.stderr, what).toMatch(/hint:/);
    }
    expect(dump(sandbox)).toBe(before);
    expect(sandbox.awsRequests().filter((r) => !/^(Describe|List|Get)/.test(r.operation))).toEqual([]);
  });

  it.each([
    ['blog-2022', /EKS Pod Identity needs ADOT add-on v0\.94\.1-eksbuild\.1 or later; the chosen version is v0\.45\.0/],
    ['fargate-only', /EKS Pod Identity is not available for pods on AWS Fargate/],
  ])(
    '--identity pod-identity where it cannot work (%s) exits 2 with a hint, and changes nothing',
    async (name, message) => {
      const { cli, sandbox } = await start(fastSeed(name));
      const before = await settled(sandbox);
      const run = await cli(['install', '--target', 'xray', '--identity', 'pod-identity', '--yes']);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toMatch(/hint: .*--identity irsa/);
      expect(dump(sandbox)).toBe(before);
      expect(sandbox.awsRequests().filter((r) => !/^(Describe|List|Get)/.test(r.operation))).toEqual([]);
    },
  );

  it('--allow-custom-endpoint: the plan names the host metrics go to instead of AMP', async () => {
    const { cli } = await start(fastSeed('fresh'));
    const run = await cli([
      'install',
      '--target',
      'amp',
      '--amp-remote-write-url',
      'https://metrics.example.com/api/v1/remote_write',
      '--allow-custom-endpoint',
      '--dry-run',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      'amp: metrics go to the custom endpoint metrics.example.com, not to Amazon Managed Service for Prometheus (--allow-custom-endpoint)',
    );
  });

  it('a missing cluster when not interactive names --cluster and ADOT_CLUSTER', async () => {
    const { env } = await start(fastSeed('fresh'));
    const run = await runCli(['install', '--target', 'xray'], { env: { ...env, ADOT_CLUSTER: undefined } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--cluster or set ADOT_CLUSTER/);
  });
});
