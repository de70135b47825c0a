/**
 * `adot doctor` through the CLI against the real sandbox: built-in scenarios with --sandbox, and scenarios changed
 * in the test (a seed edit, or an object changed in a started sandbox) through the environment the sandbox writes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/sandbox.js';
import { scenarioSeed } from '../../src/sandbox/seed/scenarios.js';
import type { KubeObject, Seed } from '../../src/sandbox/types.js';
import { createSystem } from '../../src/system.js';
import type { Kube } from '../../src/ports.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import { scenarioWith } from '../helpers/sandbox.js';
import { CHECK_IDS } from '../helpers/check-ids.js';
import type { CheckId } from '../../src/core/checks/types.js';
import { renderPrometheusRbac } from '../../src/core/templates/manifests.js';
import { AMP_CONFIG } from '../unit/checks-fixtures.js';

interface DoctorJson {
  schemaVersion: number;
  ok: boolean;
  cluster: string;
  summary: { pass: number; warn: number; fail: number; skip: number };
  checks: {
    id: CheckId;
    category: string;
    title: string;
    status: string;
    message: string;
    observed?: string;
    expected?: string;
    hint?: string;
    durationMs: number;
  }[];
}

/** every check id seen failing / passing across this file, for the coverage test at the end */
const seenFailing = new Set<string>();
const seenPassing = new Set<string>();

function parse(run: CliRun): DoctorJson {
  const document = JSON.parse(run.stdout) as DoctorJson;
  for (const check of document.checks) {
    if (check.status === 'fail') seenFailing.add(check.id);
    if (check.status === 'pass') seenPassing.add(check.id);
  }
  return document;
}

function failingIds(document: DoctorJson): string[] {
  return document.checks.filter((c) => c.status === 'fail').map((c) => c.id);
}

function check(document: DoctorJson, id: CheckId) {
  const found = document.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
}

async function doctorInScenario(scenario: string, args: string[] = []): Promise<{ run: CliRun; document: DoctorJson }> {
  const run = await runCli(['doctor', '--sandbox', '--sandbox-scenario', scenario, '-o', 'json', ...args]);
  return { run, document: parse(run) };
}

/** short add-on and rollout timings, so an install inside a test takes about a second */
const FAST = { addonCreateSeconds: 0.3, addonDeleteSeconds: 0.2, addonUpdateSeconds: 0.3, rolloutSeconds: 0.2 };

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'adot-doctor-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** starts a sandbox from `seed`, lets `change` edit it, runs doctor with the sandbox's environment, stops it */
async function doctorInSeed(
  seed: Seed,
  args: string[] = [],
  change: (sandbox: RunningSandbox) => void | Promise<void> = () => {},
  envChange: (env: Record<string, string>) => void = () => {},
): Promise<{ run: CliRun; document: DoctorJson }> {
  const sandbox = await startSandbox({ seed });
  try {
    await change(sandbox);
    const kubeconfig = join(workDir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
    await writeFile(kubeconfig, sandbox.kubeconfig());
    const env = sandbox.env(kubeconfig);
    envChange(env);
    const run = await runCli(['doctor', '-o', 'json', ...args], { env });
    return { run, document: parse(run) };
  } finally {
    await sandbox.stop();
  }
}

function objectsOf(seed: Seed): KubeObject[] {
  const cluster = seed.clusters?.[0];
  if (!cluster) throw new Error('seed without a cluster');
  cluster.objects ??= [];
  return cluster.objects;
}

describe('adot doctor on the built-in scenarios', () => {
  it('installed-healthy: every check passes, exit 0, the contract document', async () => {
    const { run, document } = await doctorInScenario('installed-healthy');
    expect(run.code).toBe(0);
    expect(document).toMatchObject({
      schemaVersion: 1,
      ok: true,
      cluster: 'demo',
      summary: { pass: 22, warn: 0, fail: 0, skip: 4 },
    });
    expect(document.checks.map((c) => c.id)).toEqual(CHECK_IDS);
    // the collector uses IRSA, writes to no AMP workspace, and the add-on has no configuration: the Pod Identity,
    // AMP and add-on configuration checks do not apply
    const notApplicable = ['addon.configuration', 'pod-identity.agent', 'pod-identity.association', 'amp.workspace'];
    for (const entry of document.checks) {
      expect(entry.status, `${entry.id}: ${entry.message}`).toBe(notApplicable.includes(entry.id) ? 'skip' : 'pass');
      expect(typeof entry.durationMs).toBe('number');
      expect(entry.title.length).toBeGreaterThan(0);
    }
  });

  it("blog-2022 --pre: ready for install (exit 0); v0.45.0's add-on RBAC is a warning install takes care of", async () => {
    const { run, document } = await doctorInScenario('blog-2022', ['--pre']);
    expect(run.code).toBe(0);
    expect(failingIds(document)).toEqual([]);
    expect(check(document, 'addon.version').observed).toBe('v0.45.0-eksbuild.1 (default)');
    expect(check(document, 'addon.rbac').status).toBe('warn');
    expect(check(document, 'cert-manager.version')).toMatchObject({
      status: 'pass',
      observed: 'v1.5.3',
      expected: '<1.6.0',
    });
    expect(check(document, 'k8s.version')).toMatchObject({ status: 'pass', expected: '>= 1.19' });
    expect(check(document, 'iam.role').message).toBe('skipped: not installed yet (--pre)');
  });

  it('blog-2022 without --pre: each missing piece fails once, the rest is skipped behind it', async () => {
    const { run, document } = await doctorInScenario('blog-2022');
    expect(run.code).toBe(1);
    expect(failingIds(document)).toEqual(['addon.rbac', 'addon.status', 'collector.service-account']);
    expect(check(document, 'identity.mode').message).toBe('skipped: collector.service-account failed');
    expect(check(document, 'addon.status').hint).toContain('adot install');
    expect(check(document, 'operator.ready').message).toBe('skipped: addon.status failed');
  });

  it('fresh --pre (today, the default): ready for install with no warning; no cert-manager requirement is published', async () => {
    const { run, document } = await doctorInScenario('fresh', ['--pre']);
    expect(run.code).toBe(0);
    expect(document.summary.warn).toBe(0);
    expect(check(document, 'addon.version').observed).toBe('v0.151.0-eksbuild.2 (default)');
    expect(check(document, 'addon.rbac').message).toContain('not needed for v0.151.0-eksbuild.2');
    expect(check(document, 'cert-manager.version')).toMatchObject({
      status: 'pass',
      observed: 'v1.21.1',
      expected: 'no published requirement',
    });
    expect(check(document, 'cert-manager.version').message).toContain(
      'the ADOT docs recommend the latest cert-manager',
    );
  });

  it('fresh without --pre: the missing pieces fail, and no add-on RBAC is asked for', async () => {
    const { run, document } = await doctorInScenario('fresh');
    expect(run.code).toBe(1);
    expect(failingIds(document)).toEqual(['addon.status', 'collector.service-account']);
  });

  it('no-default-version --pre: passes, resolving the newest version and saying that none is marked default', async () => {
    const { run, document } = await doctorInScenario('no-default-version', ['--pre']);
    expect(run.code).toBe(0);
    expect(check(document, 'addon.version').observed).toBe(
      'v0.151.0-eksbuild.2 (newest; EKS marks no version default)',
    );
  });

  it.each<[string, string[], CheckId[]]>([
    ['no-cert-manager', ['--pre'], ['cert-manager.installed']],
    ['cert-manager-too-new', ['--pre'], ['cert-manager.version']],
    ['old-kubernetes', ['--pre'], ['k8s.version']],
    ['no-addon-version', ['--pre'], ['addon.version']],
    ['no-permissions', ['--pre'], ['k8s.permissions']],
    ['irsa-broken', [], ['iam.trust-policy', 'iam.policies']],
    ['addon-degraded', [], ['addon.status']],
  ])('%s %j: exit 1 with exactly %j failing', async (scenario, args, expected) => {
    const { run, document } = await doctorInScenario(scenario, args);
    expect(run.code).toBe(1);
    expect(document.ok).toBe(false);
    expect(failingIds(document)).toEqual(expected);
    for (const id of expected) {
      const failed = check(document, id);
      expect(failed.hint, id).toContain(`docs/checks.md#${id}`);
    }
  });

  it('cert-manager-too-new names the observed version and the range v0.45.0 needs; a newer add-on comes first', async () => {
    const { document } = await doctorInScenario('cert-manager-too-new', ['--pre']);
    const failed = check(document, 'cert-manager.version');
    expect(failed).toMatchObject({ observed: 'v1.8.2', expected: '<1.6.0' });
    const hint = failed.hint ?? '';
    expect(hint).toMatch(/^1\) update the add-on to a version with no published cert-manager limit/);
    expect(hint).toContain('adot install --cluster demo --addon-version v0.78.0-eksbuild.2');
    expect(hint.indexOf('2) (destructive: deletes cert-manager')).toBeGreaterThan(hint.indexOf('adot install'));
  });

  it('irsa-broken reports the blog trap: trust names adot-collector, the collector runs as aws-otel-collector', async () => {
    const { document } = await doctorInScenario('irsa-broken');
    expect(check(document, 'iam.trust-policy').message).toContain('adot-collector');
    expect(check(document, 'iam.trust-policy').message).toContain(
      'system:serviceaccount:aws-otel-eks:aws-otel-collector',
    );
    expect(check(document, 'iam.policies').message).toContain('not allowed to xray:PutTraceSegments');
    expect(check(document, 'iam.policies').hint).toContain(
      'adot install --cluster demo --role-name EKS-ADOT-ServiceAccount-Role (attaches AWSXRayDaemonWriteAccess)',
    );
  });

  it('addon-degraded reports the health issue code and message', async () => {
    const { document } = await doctorInScenario('addon-degraded');
    expect(check(document, 'addon.status').message).toContain('InsufficientNumberOfReplicas');
    expect(check(document, 'addon.status').observed).toBe('DEGRADED (v0.45.0-eksbuild.1)');
  });
});

describe('adot doctor on changed scenarios', () => {
  it('aws.credentials fails when STS refuses the caller', async () => {
    const seed = scenarioSeed('fresh');
    seed.behaviour = {
      ...seed.behaviour,
      faults: [{ service: 'sts', operation: 'GetCallerIdentity', status: 403, rate: 1 }],
    };
    const { run, document } = await doctorInSeed(seed, ['--pre']);
    expect(run.code).toBe(1);
    expect(failingIds(document)).toEqual(['aws.credentials']);
    expect(check(document, 'eks.cluster').message).toBe('skipped: aws.credentials failed');
  });

  it('eks.cluster fails when the kubeconfig context is another cluster than --cluster', async () => {
    const seed = scenarioSeed('fresh');
    seed.clusters = [...(seed.clusters ?? []), { ...seed.clusters![0]!, name: 'other' }];
    const { run, document } = await doctorInSeed(seed, ['--pre', '--cluster', 'other', '--context', 'demo']);
    expect(run.code).toBe(1);
    expect(failingIds(document)).toEqual(['eks.cluster']);
    expect(check(document, 'eks.cluster').message).toContain('points at another cluster');
  });

  it('k8s.api fails when the API server refuses every request, and the Kubernetes checks are skipped', async () => {
    const seed = scenarioSeed('fresh');
    seed.behaviour = { ...seed.behaviour, faults: [{ service: 'kubernetes', status: 401, rate: 1 }] };
    const { run, document } = await doctorInSeed(seed, ['--pre']);
    expect(run.code).toBe(1);
    expect(failingIds(document)).toEqual(['k8s.api']);
    expect(check(document, 'cert-manager.installed').message).toBe('skipped: k8s.api failed');
  });

  it('cert-manager.webhook fails when the webhook configuration has no caBundle', async () => {
    const { run, document } = await doctorInSeed(scenarioSeed('fresh'), ['--pre'], (sandbox) => {
      const store = sandbox.store('demo');
      const configuration = store.get(
        'admissionregistration.k8s.io/v1',
        'ValidatingWebhookConfiguration',
        'cert-manager-webhook',
      )!;
      const webhooks = (configuration['webhooks'] as { clientConfig: Record<string, unknown> }[]).map((w) => ({
        ...w,
        clientConfig: { ...w.clientConfig, caBundle: '' },
      }));
      store.put({ ...configuration, webhooks });
    });
    expect(run.code).toBe(1);
    expect(failingIds(document)).toEqual(['cert-manager.webhook']);
    expect(check(document, 'cert-manager.webhook').message).toContain('has no caBundle');
  });

  it('operator.ready fails when the operator deployment is gone (and its webhook has no endpoints)', async () => {
    const { run, document } = await doctorInSeed(scenarioSeed('installed-healthy'), [], (sandbox) => {
      sandbox.store('demo').remove('apps/v1', 'Deployment', 'opentelemetry-operator', 'opentelemetry-operator-system');
    });
    expect(run.code).toBe(1);
    expect(failingIds(document)).toEqual(['operator.ready']);
    expect(check(document, 'collector.resource').message).toBe('skipped: operator.ready failed');
  });

  it('collector.resource fails when the collector resource does not exist', async () => {
    const { run, document } = await doctorInSeed(scenarioSeed('installed-healthy'), [], (sandbox) => {
      sandbox
        .store('demo')
        .remove('opentelemetry.io/v1alpha1', 'OpenTelemetryCollector', 'observability', 'aws-otel-eks');
    });
    expect(run.code).toBe(1);
    expect(failingIds(document)).toEqual(['collector.resource']);
    expect(check(document, 'collector.resource').hint).toContain('adot apply-template');
  });

  it('collector.rbac fails for a prometheus collector whose service account has no binding', async () => {
    const seed = scenarioSeed('installed-healthy');
    const cluster = seed.clusters![0]!;
    cluster.objects = objectsOf(seed)
      .filter((o) => o.kind !== 'ClusterRoleBinding')
      .map((o) =>
        o.kind === 'OpenTelemetryCollector'
          ? { ...o, spec: { ...(o['spec'] as object), config: YAML.stringify(AMP_CONFIG), ports: [] } }
          : o,
      );
    seed.iam!.roles![0]!.attachedPolicies = ['arn:aws:iam::aws:policy/AmazonPrometheusRemoteWriteAccess'];
    // the AMP workspace the collector writes to exists (amp.workspace is judged apart)
    seed.amp = { workspaces: [{ id: 'ws-12345678-abcd-1234-abcd-123456789012' }] };
    const { run, document } = await doctorInSeed(seed);
    expect(run.code).toBe(1);
    expect(failingIds(document)).toEqual(['collector.rbac']);
    expect(check(document, 'collector.rbac').message).toContain('may not get nodes');
  });

  it('collector.deployment fails while the collector has not rolled out', async () => {
    const seed = scenarioSeed('installed-healthy');
    seed.behaviour = { ...seed.behaviour, rolloutSeconds: 3600 };
    const { run, document } = await doctorInSeed(seed);
    expect(run.code).toBe(1);
    expect(failingIds(document)).toEqual(['collector.deployment']);
    expect(check(document, 'collector.deployment').observed).toBe('0/1 available, 1 updated');
  });

  it('collector.service fails when the service exposes the awsxray port as TCP', async () => {
    // The emulated operator always derives the right ports (and re-derives them on every change), so this case
    // reads the cluster through the real adapter and hands doctor the Service an older operator produced: the
    // X-Ray port without protocol UDP (why the public templates list it in spec.ports).
    const run = await runCli(['doctor', '--sandbox', '--sandbox-scenario', 'installed-healthy', '-o', 'json'], {
      system: async (options) => {
        const system = await createSystem(options);
        return { ...system, kube: () => withTcpXrayService(system.kube()) };
      },
    });
    const document = parse(run);
    expect(run.code).toBe(1);
    expect(failingIds(document)).toEqual(['collector.service']);
    expect(check(document, 'collector.service')).toMatchObject({ observed: '2000/TCP', expected: '2000/UDP' });
  });
});

function withTcpXrayService(kube: Kube): Kube {
  return {
    context: () => kube.context(),
    version: () => kube.version(),
    get: (ref) => kube.get(ref),
    async list(apiVersion, kind, options) {
      const objects = await kube.list(apiVersion, kind, options);
      if (kind !== 'Service') return objects;
      return objects.map((o) =>
        o.metadata.name === 'observability-collector'
          ? { ...o, spec: { ...(o['spec'] as object), ports: [{ name: 'xray', port: 2000, protocol: 'TCP' }] } }
          : o,
      );
    },
    apply: (object, options) => kube.apply(object, options),
    delete: (ref) => kube.delete(ref),
    canI: (attributes) => kube.canI(attributes),
    rolloutStatus: (namespace, name) => kube.rolloutStatus(namespace, name),
  };
}

describe('adot doctor output and options', () => {
  it('text output groups by category with symbols and ends with the summary; short shows only findings', async () => {
    const text = await runCli(['doctor', '--sandbox', '--sandbox-scenario', 'irsa-broken']);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^aws\n {2}✓ aws.credentials: /);
    expect(text.stdout).toContain('\niam\n');
    expect(text.stdout).toContain('  ✗ iam.trust-policy: ');
    expect(text.stdout).toContain('      hint: ');
    expect(text.stdout).toContain('20 passed, 0 warnings, 2 failed, 4 skipped (cluster demo)');
    expect(text.stdout).not.toContain('\u001b[');
    const short = await runCli(['doctor', '--sandbox', '--sandbox-scenario', 'irsa-broken', '-o', 'short']);
    expect(short.stdout).not.toContain('aws.credentials');
    expect(short.stdout.split('\n').filter((l) => /^ {2}[✓!✗-] /.test(l))).toHaveLength(2);
  });

  it('a bad --wait or --target is a usage error (exit 2)', async () => {
    expect((await runCli(['doctor', '--cluster', 'demo', '--wait', 'soon'])).code).toBe(2);
    expect((await runCli(['doctor', '--sandbox', '--target', 'zipkin'])).code).toBe(2);
  });

  it('--wait re-checks until a rollout completes', async () => {
    const seed = scenarioSeed('installed-healthy');
    seed.behaviour = { ...seed.behaviour, rolloutSeconds: 1.5 };
    const { run, document } = await doctorInSeed(seed, ['--wait', '20s']);
    expect(run.code).toBe(0);
    expect(check(document, 'collector.deployment').status).toBe('pass');
    expect(run.stderr).toContain('waiting');
    expect(run.stderr).not.toContain('gave up');
  });

  it('--wait that runs out says it gave up, after how long and on what, as its last line', async () => {
    const seed = scenarioSeed('installed-healthy');
    seed.behaviour = { ...seed.behaviour, rolloutSeconds: 600 };
    const { run } = await doctorInSeed(seed, ['--wait', '1s']);
    expect(run.code).toBe(1);
    const last = run.stderr.trim().split('\n').at(-1) ?? '';
    expect(last).toMatch(/^gave up after \d\.\d s waiting for: .*collector\.deployment/);
    expect(last).not.toContain('after 0.0 s');
  });
});

describe('adot doctor on IRSA', () => {
  it('OIDC provider deleted: iam.oidc-provider fails, and the trust policy is not judged behind it', async () => {
    const seed = scenarioSeed('installed-healthy');
    seed.iam!.oidcProviders = [];
    const { run, document } = await doctorInSeed(seed);
    expect(run.code).toBe(1);
    expect(failingIds(document)).toEqual(['iam.oidc-provider']);
    expect(check(document, 'iam.trust-policy').message).toBe('skipped: iam.oidc-provider failed');
  });

  it('role deleted: iam.role fails naming where its name came from', async () => {
    const seed = scenarioSeed('installed-healthy');
    seed.iam!.roles = [];
    const { run, document } = await doctorInSeed(seed);
    expect(run.code).toBe(1);
    expect(failingIds(document)).toEqual(['iam.role']);
    expect(check(document, 'iam.role').message).toContain('named by the service account annotation');
  });
});

describe('adot doctor on EKS Pod Identity', () => {
  it('installed-pod-identity: every check that applies passes; the IRSA-only OIDC provider check does not apply', async () => {
    const { run, document } = await doctorInScenario('installed-pod-identity');
    expect(run.code, run.stderr).toBe(0);
    expect(failingIds(document)).toEqual([]);
    expect(check(document, 'identity.mode')).toMatchObject({ status: 'pass', observed: 'pod-identity' });
    expect(check(document, 'pod-identity.agent').status).toBe('pass');
    expect(check(document, 'pod-identity.association').status).toBe('pass');
    expect(check(document, 'iam.oidc-provider')).toMatchObject({
      status: 'skip',
      message: 'skipped: not needed with EKS Pod Identity',
    });
    expect(check(document, 'iam.trust-policy').message).toContain('pods.eks.amazonaws.com');
  });

  const association = (sandbox: RunningSandbox) => {
    const [found] = sandbox.eks.listPodIdentityAssociations('demo', {}).associations;
    if (found === undefined) throw new Error('no association');
    return found.associationId;
  };

  it('association removed: identity.mode fails (no wiring at all), the IAM checks wait behind it', async () => {
    const { run, document } = await doctorInSeed(scenarioSeed('installed-pod-identity'), [], (sandbox) => {
      sandbox.eks.deletePodIdentityAssociation('demo', association(sandbox));
    });
    expect(run.code).toBe(1);
    expect(failingIds(document)).toEqual(['identity.mode']);
    expect(check(document, 'iam.role').message).toBe('skipped: identity.mode failed');
  });

  it('agent missing: pod-identity.agent fails naming the add-on to create', async () => {
    const seed = scenarioSeed('installed-pod-identity');
    const cluster = seed.clusters![0]!;
    cluster.addons = cluster.addons!.filter((addon) => addon.name !== 'eks-pod-identity-agent');
    const { run, document } = await doctorInSeed(seed);
    expect(run.code).toBe(1);
    expect(failingIds(document)).toEqual(['pod-identity.agent']);
    expect(check(document, 'pod-identity.agent').hint).toContain('aws eks create-addon');
  });

  it('association pointing at another role while --role-name names ours: pod-identity.association fails', async () => {
    const seed = scenarioSeed('installed-pod-identity');
    const ours = seed.iam!.roles![0]!;
    seed.iam!.roles!.push({ ...ours, name: 'Other-Role' });
    seed.clusters![0]!.podIdentityAssociations![0]!.roleArn = 'arn:aws:iam::123456789012:role/Other-Role';
    const { run, document } = await doctorInSeed(seed, ['--role-name', 'EKS-ADOT-ServiceAccount-Role']);
    expect(run.code).toBe(1);
    expect(failingIds(document)).toEqual(['pod-identity.association']);
  });

  it('amp.workspace fails when the workspace the collector writes to does not exist', async () => {
    const seed = scenarioSeed('installed-healthy');
    seed.clusters![0]!.objects = objectsOf(seed).map((o) =>
      o.kind === 'OpenTelemetryCollector'
        ? { ...o, spec: { ...(o['spec'] as object), config: YAML.stringify(AMP_CONFIG), ports: [] } }
        : o,
    );
    seed.iam!.roles![0]!.attachedPolicies = ['arn:aws:iam::aws:policy/AmazonPrometheusRemoteWriteAccess'];
    // the Prometheus receiver's RBAC, as install applies it for a metrics target
    objectsOf(seed).push(
      ...renderPrometheusRbac({
        region: 'us-east-1',
        clusterName: 'demo',
        namespace: 'aws-otel-eks',
        serviceAccount: 'aws-otel-collector',
        collectorName: 'observability',
      }),
    );
    const { run, document } = await doctorInSeed(seed);
    expect(run.code).toBe(1);
    expect(failingIds(document)).toEqual(['amp.workspace']);
    expect(check(document, 'amp.workspace').message).toContain('does not exist');
  });
});

describe("adot doctor on the add-on's own collectors (--mode addon-config)", () => {
  it('addon-presets: addon.configuration fails for each collector without AWS credentials; the collector-resource checks do not apply', async () => {
    const { run, document } = await doctorInScenario('addon-presets');
    expect(run.code).toBe(1);
    expect(failingIds(document)).toEqual(['addon.configuration']);
    const configuration = check(document, 'addon.configuration');
    expect(configuration.message).toContain(
      'adot-col-otlp-ingest (xray): service account opentelemetry-operator-system/adot-col-otlp-ingest has neither an IRSA annotation nor an EKS Pod Identity association',
    );
    expect(configuration.message).toContain('adot-col-container-logs (logs)');
    expect(configuration.hint).toContain('adot install --cluster demo --mode addon-config --target xray,logs');
    expect(check(document, 'iam.role').message).toContain('checked by addon.configuration');
  });

  it('after the install doctor names: addon.configuration passes, each collector with its identity and rollout', async () => {
    const { run, document } = await doctorInSeed(scenarioWith('addon-presets', FAST), [], async (sandbox) => {
      const kubeconfig = join(workDir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
      await writeFile(kubeconfig, sandbox.kubeconfig());
      const install = await runCli(['install', '--mode', 'addon-config', '--target', 'xray,logs', '--yes'], {
        env: sandbox.env(kubeconfig),
      });
      expect(install.code, install.stderr).toBe(0);
    });
    expect(run.code, JSON.stringify(failingIds(document))).toBe(0);
    const configuration = check(document, 'addon.configuration');
    expect(configuration.status).toBe('pass');
    expect(configuration.observed).toBe('2/2 collector(s) working');
    expect(configuration.message).toMatch(
      /adot-col-container-logs \(logs\): EKS Pod Identity -> role [^;]+; DaemonSet/,
    );
  });
});

describe('coverage of the check ids', () => {
  it('every check id failed for its own reason somewhere above, and passed somewhere', () => {
    expect([...seenFailing].sort()).toEqual([...CHECK_IDS].sort());
    expect([...seenPassing].sort()).toEqual([...CHECK_IDS].sort());
  });
});
