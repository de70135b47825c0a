import { describe, expect, it } from 'vitest';
import { ALL_CHECKS, runChecks } from '../../src/core/checks/index.js';
import { orderByDependencies } from '../../src/core/checks/runner.js';
import type { CheckId, CheckResult, DoctorContext, DoctorFacts, RunnableCheck } from '../../src/core/checks/types.js';
import type { KubeObject } from '../../src/ports.js';
import { buildTrustPolicy, roleArn } from '../../src/core/irsa.js';
import {
  ACCOUNT,
  CATALOG,
  AMP_CONFIG,
  certManagerDeployments,
  collector,
  context,
  deployment,
  endpointsFor,
  failed,
  healthyFacts,
  ok,
  PROVIDER_ARN,
  ROLE,
  service,
  serviceAccount,
  webhookConfiguration,
  XRAY_CONFIG,
  XRAY_POLICY,
  managedPolicyDocument,
} from './checks-fixtures.js';
import { CHECK_IDS, INSTALLED_CHECK_IDS } from '../helpers/check-ids.js';

function run(
  change: (facts: DoctorFacts) => void = () => {},
  ctx: Partial<DoctorContext> = {},
): Map<CheckId, CheckResult> {
  const facts = healthyFacts();
  change(facts);
  return new Map(runChecks(ALL_CHECKS, facts, context(ctx)).map((r) => [r.id, r]));
}

function failing(results: Map<CheckId, CheckResult>): CheckId[] {
  return [...results.values()].filter((r) => r.status === 'fail').map((r) => r.id);
}

function result(results: Map<CheckId, CheckResult>, id: CheckId): CheckResult {
  const found = results.get(id);
  if (!found) throw new Error(`no result for ${id}`);
  return found;
}

describe('the check set', () => {
  it('has exactly the contract ids, each with a docs link in its failure hint', () => {
    expect(ALL_CHECKS.map((c) => c.id)).toEqual(CHECK_IDS);
  });

  it('passes every check that applies on a healthy installed cluster, and says why the others do not apply', () => {
    const results = run();
    const notPassing = [...results.values()]
      .filter((r) => r.status !== 'pass' && r.notApplicable !== true)
      .map((r) => `${r.id}: ${r.message}`);
    expect(notPassing).toEqual([]);
    const notApplicable = [...results.values()].filter((r) => r.notApplicable === true).map((r) => r.id);
    expect(notApplicable).toEqual([
      'addon.configuration',
      'pod-identity.agent',
      'pod-identity.association',
      'amp.workspace',
    ]);
  });

  it('orders dependencies before dependents', () => {
    const order = orderByDependencies(ALL_CHECKS).map((c) => c.id);
    for (const check of ALL_CHECKS) {
      for (const dependency of check.dependsOn) {
        expect(order, `${check.id} depends on ${dependency}`).toContain(dependency);
        expect(order.indexOf(dependency)).toBeLessThan(order.indexOf(check.id));
      }
    }
  });
});

describe('runner', () => {
  const base = (id: string, status: 'pass' | 'fail' | 'warn', dependsOn: string[] = []): RunnableCheck => ({
    id,
    category: 'aws',
    title: id,
    appliesToPre: true,
    retryable: false,
    dependsOn,
    run: () => ({ status, message: status }),
  });

  it('skips a check whose dependency failed, naming it, and a dependent of that skip too', () => {
    const results = runChecks(
      [base('c', 'pass', ['b']), base('b', 'pass', ['a']), base('a', 'fail')],
      healthyFacts(),
      context(),
    );
    expect(results.map((r) => [r.id, r.status, r.message])).toEqual([
      ['c', 'skip', 'skipped: b was skipped'],
      ['b', 'skip', 'skipped: a failed'],
      ['a', 'fail', 'fail'],
    ]);
  });

  it('runs a check whose dependency only warned', () => {
    const results = runChecks([base('a', 'warn'), base('b', 'pass', ['a'])], healthyFacts(), context());
    expect(results[1]!.status).toBe('pass');
  });

  it('under --pre skips the checks that need an install, with the reason', () => {
    const results = run(() => {}, { pre: true });
    const skipped = [...results.values()].filter((r) => r.status === 'skip' && r.notApplicable !== true);
    expect(skipped.map((r) => r.id).sort()).toEqual([...INSTALLED_CHECK_IDS].sort());
    expect(skipped.every((r) => r.message === 'skipped: not installed yet (--pre)')).toBe(true);
  });

  it('turns an exception inside a check into a failure of that check only', () => {
    const broken: RunnableCheck = {
      ...base('x', 'pass'),
      run: () => {
        throw new Error('boom');
      },
    };
    const results = runChecks([broken, base('y', 'pass')], healthyFacts(), context());
    expect(results.map((r) => r.status)).toEqual(['fail', 'pass']);
    expect(results[0]!.message).toContain('boom');
  });

  it('measures durations as non-negative numbers', () => {
    expect([...run().values()].every((r) => typeof r.durationMs === 'number' && r.durationMs >= 0)).toBe(true);
  });
});

describe('aws checks', () => {
  it('aws.credentials fails with the STS error and skips everything that needs AWS', () => {
    const results = run((f) => {
      f.identity = failed('The security token included in the request is invalid', { hint: 'aws sso login' });
    });
    expect(result(results, 'aws.credentials')).toMatchObject({
      status: 'fail',
      hint: expect.stringContaining('aws sso login'),
    });
    expect(result(results, 'eks.cluster').message).toBe('skipped: aws.credentials failed');
    expect(result(results, 'iam.role').status).toBe('skip');
  });

  it('eks.cluster fails when the cluster does not exist', () => {
    const r = result(
      run((f) => {
        f.cluster = ok(undefined);
      }),
      'eks.cluster',
    );
    expect(r).toMatchObject({ status: 'fail', observed: 'not found', expected: 'demo' });
    expect(r.hint).toContain('docs/checks.md#eks.cluster');
  });

  it('eks.cluster warns while CREATING and fails when FAILED', () => {
    const creating = run((f) => {
      if (f.cluster.ok && f.cluster.value) f.cluster.value.status = 'CREATING';
    });
    expect(result(creating, 'eks.cluster')).toMatchObject({ status: 'warn', observed: 'CREATING', expected: 'ACTIVE' });
    const broken = run((f) => {
      if (f.cluster.ok && f.cluster.value) f.cluster.value.status = 'FAILED';
    });
    expect(result(broken, 'eks.cluster').status).toBe('fail');
  });

  it('eks.cluster fails when the kubeconfig context points at another endpoint, ignoring case and trailing slash', () => {
    const other = run((f) => {
      f.kubeContext = ok({ contextName: 'prod', clusterName: 'prod', server: 'https://10.9.9.9:6443' });
    });
    expect(result(other, 'eks.cluster')).toMatchObject({
      status: 'fail',
      observed: 'https://10.9.9.9:6443',
      expected: 'https://127.0.0.1:6443',
    });
    const same = run((f) => {
      f.kubeContext = ok({ contextName: 'demo', clusterName: 'demo', server: 'HTTPS://127.0.0.1:6443//' });
    });
    expect(result(same, 'eks.cluster').status).toBe('pass');
  });
});

describe('kubernetes checks', () => {
  it('k8s.api fails when /version cannot be reached and every Kubernetes check is skipped', () => {
    const results = run((f) => {
      const down = failed('connect ECONNREFUSED 127.0.0.1:6443');
      f.kubeVersion = down;
      f.deployments = down;
      f.accessReviews = down;
    });
    expect(result(results, 'k8s.api')).toMatchObject({
      status: 'fail',
      hint: expect.stringContaining('aws eks update-kubeconfig --name demo'),
    });
    expect(result(results, 'k8s.version').status).toBe('skip');
    expect(result(results, 'cert-manager.installed').message).toBe('skipped: k8s.api failed');
  });

  it('k8s.api fails when /version answers but authenticated requests are refused', () => {
    const results = run((f) => {
      f.accessReviews = failed('Unauthorized');
      f.deployments = failed('Unauthorized');
    });
    expect(result(results, 'k8s.api')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('refuses requests: Unauthorized'),
    });
    expect(failing(results)).toEqual(['k8s.api']);
  });

  it('k8s.version parses EKS versions and fails below 1.19', () => {
    const old = run((f) => {
      f.kubeVersion = ok({ gitVersion: 'v1.18.20-eks-c0eccc', major: '1', minor: '18+' });
      if (f.cluster.ok && f.cluster.value) f.cluster.value.version = '1.18';
    });
    expect(result(old, 'k8s.version')).toMatchObject({
      status: 'fail',
      observed: '1.18 (v1.18.20-eks-c0eccc)',
      expected: '>= 1.19',
    });
    expect(result(old, 'addon.version').message).toBe('skipped: k8s.version failed');
    expect(result(old, 'k8s.version').hint).toContain('one-way: EKS cannot downgrade a cluster');
  });

  it('k8s.version warns below 1.21, which the ADOT docs ask for since February 2023, and passes from it', () => {
    const at = (minor: number) =>
      run((f) => {
        f.kubeVersion = ok({ gitVersion: `v1.${minor}.0-eks-0000000`, major: '1', minor: `${minor}+` });
        if (f.cluster.ok && f.cluster.value) f.cluster.value.version = `1.${minor}`;
      });
    expect(result(at(20), 'k8s.version')).toMatchObject({
      status: 'warn',
      message:
        "Kubernetes 1.20 meets the add-on's original minimum 1.19, but the ADOT docs have asked for 1.21 or higher since 2023-02-10",
      expected: '>= 1.21',
    });
    expect(result(at(21), 'k8s.version').status).toBe('pass');
  });

  it('k8s.version warns when the API server and EKS disagree on the minor', () => {
    const results = run((f) => {
      f.kubeVersion = ok({ gitVersion: 'v1.21.14-eks-18ef993', major: '1', minor: '21+' });
    });
    expect(result(results, 'k8s.version')).toMatchObject({ status: 'warn', expected: '1.22' });
  });

  it('k8s.permissions fails listing every operation that is not allowed', () => {
    const results = run((f) => {
      if (f.accessReviews.ok) {
        for (const review of f.accessReviews.value)
          if (review.attributes.resource.startsWith('cluster')) review.allowed = false;
      }
    });
    const r = result(results, 'k8s.permissions');
    expect(r.status).toBe('fail');
    expect(r.message).toBe(
      'not allowed to create clusterroles.rbac.authorization.k8s.io, create clusterrolebindings.rbac.authorization.k8s.io',
    );
    expect(r.observed).toBe('10/12 allowed');
  });

  it('a fact that is forbidden to read skips its check instead of double-reporting', () => {
    const results = run((f) => {
      f.validatingWebhooks = failed('validatingwebhookconfigurations is forbidden', { forbidden: true });
    });
    expect(result(results, 'cert-manager.webhook').status).toBe('skip');
    expect(result(results, 'cert-manager.webhook').message).toContain('not allowed to read');
  });
});

describe('cert-manager checks', () => {
  it('cert-manager.installed fails when absent, with an install command for the add-on version, and skips the rest', () => {
    const results = run(
      (f) => {
        f.deployments = ok([]);
        f.addon = ok(undefined);
      },
      { pre: true },
    );
    const r = result(results, 'cert-manager.installed');
    expect(r.status).toBe('fail');
    expect(r.hint).toContain(
      'kubectl apply -f https://github.com/cert-manager/cert-manager/releases/download/v1.5.5/cert-manager.yaml',
    );
    expect(result(results, 'cert-manager.version').status).toBe('skip');
    expect(result(results, 'cert-manager.webhook').status).toBe('skip');
  });

  it('cert-manager.installed finds cert-manager in any namespace and from any registry', () => {
    const results = run(
      (f) => {
        const moved = certManagerDeployments('v1.5.3', '123456789012.dkr.ecr.us-east-1.amazonaws.com/jetstack').map(
          (d) => ({ ...d, metadata: { name: d.metadata.name, namespace: 'security' } }),
        );
        f.deployments = ok(moved);
        f.validatingWebhooks = ok([]);
      },
      { pre: true },
    );
    expect(result(results, 'cert-manager.installed')).toMatchObject({
      status: 'pass',
      message: expect.stringContaining('namespace security'),
    });
    expect(result(results, 'cert-manager.version').status).toBe('pass');
  });

  it('cert-manager.installed fails naming a missing component and warns while deployments are unavailable', () => {
    const missing = run((f) => {
      f.deployments = ok(certManagerDeployments().slice(0, 2));
    });
    expect(result(missing, 'cert-manager.installed')).toMatchObject({
      status: 'fail',
      message: 'cert-manager is incomplete: missing webhook',
    });
    const starting = run((f) => {
      f.deployments = ok(
        certManagerDeployments().map((d) => ({ ...d, status: { replicas: 1, availableReplicas: 0 } })),
      );
    });
    expect(result(starting, 'cert-manager.installed')).toMatchObject({ status: 'warn', observed: '0/3 available' });
  });

  it('cert-manager.version fails when too new for v0.45.0; the first fix is a newer add-on, the downgrade is marked destructive', () => {
    const results = run((f) => {
      f.deployments = ok(certManagerDeployments('v1.8.2'));
      f.crds = ok([]);
    });
    const r = result(results, 'cert-manager.version');
    expect(r).toMatchObject({ status: 'fail', observed: 'v1.8.2', expected: '<1.6.0' });
    expect(r.message).toContain('add-on v0.45.0-eksbuild.1 (installed), which needs cert-manager older than 1.6.0');
    const hint = r.hint ?? '';
    const upgrade = hint.indexOf(
      '1) update the add-on to a version with no published cert-manager limit (for Kubernetes 1.22: v0.66.0-eksbuild.1, v0.51.0-eksbuild.1), keeping cert-manager: adot install --cluster demo --addon-version v0.66.0-eksbuild.1',
    );
    const downgrade = hint.indexOf('2) (destructive: deletes cert-manager with its CRDs');
    expect(upgrade).toBeGreaterThanOrEqual(0);
    expect(downgrade).toBeGreaterThan(upgrade);
    expect(hint).toContain(
      'kubectl delete -f https://github.com/cert-manager/cert-manager/releases/download/v1.8.2/cert-manager.yaml',
    );
    expect(hint).toContain('v1.5.5/cert-manager.yaml');
  });

  it('cert-manager.version offers only the marked destructive downgrade when no add-on version for the cluster would do', () => {
    const results = run((f) => {
      f.deployments = ok(certManagerDeployments('v1.8.2'));
      f.addonVersions = ok(CATALOG.filter((v) => v.addonVersion.startsWith('v0.45.0')));
    });
    const hint = result(results, 'cert-manager.version').hint ?? '';
    expect(hint).toMatch(/^\(destructive: deletes cert-manager/);
    expect(hint).not.toContain('adot install');
  });

  it('cert-manager.version checks the requested version over the installed one (what install is about to install)', () => {
    const results = run(
      (f) => {
        f.deployments = ok(certManagerDeployments('v1.8.2'));
        f.crds = ok([]);
      },
      { addonVersion: 'v0.66.0-eksbuild.1', pre: true },
    );
    expect(result(results, 'cert-manager.version')).toMatchObject({
      status: 'pass',
      expected: 'no published requirement',
    });
    expect(result(results, 'addon.version').observed).toBe('v0.66.0-eksbuild.1 (requested)');
  });

  it('cert-manager.version passes for a later add-on version saying that no requirement is published', () => {
    for (const certManager of ['v1.5.3', 'v1.21.1']) {
      const results = run(
        (f) => {
          f.addon = ok(undefined);
          f.deployments = ok(certManagerDeployments(certManager));
          f.crds = ok([]);
        },
        { addonVersion: 'v0.51.0-eksbuild.1' },
      );
      const r = result(results, 'cert-manager.version');
      expect(r).toMatchObject({ status: 'pass', observed: certManager, expected: 'no published requirement' });
      expect(r.message).toContain(
        'no public source states a cert-manager requirement for add-on v0.51.0-eksbuild.1 (requested); the ADOT docs recommend the latest cert-manager (v1.21.1)',
      );
    }
  });

  it('cert-manager.version warns when sources disagree and lists each source', () => {
    const results = run((f) => {
      const [controller, ...rest] = certManagerDeployments('v1.5.3');
      controller!.metadata.labels!['app.kubernetes.io/version'] = 'v1.5.4';
      f.deployments = ok([controller!, ...rest]);
    });
    const r = result(results, 'cert-manager.version');
    expect(r.status).toBe('warn');
    expect(r.message).toContain('v1.5.3 vs v1.5.4');
    expect(r.message).toContain('deployment cert-manager/cert-manager label app.kubernetes.io/version → 1.5.4');
    expect(r.message).toContain('image quay.io/jetstack/cert-manager-controller:v1.5.3 → 1.5.3');
  });

  it('cert-manager.version warns when only digests and no labels tell the version', () => {
    const results = run((f) => {
      f.deployments = ok(
        ['controller', 'cainjector', 'webhook'].map((c) =>
          deployment(
            'cert-manager',
            `cert-manager-${c}`,
            `quay.io/jetstack/cert-manager-${c}@sha256:${'a'.repeat(64)}`,
          ),
        ),
      );
      f.crds = ok([]);
    });
    expect(result(results, 'cert-manager.version')).toMatchObject({ status: 'warn', observed: 'unknown' });
  });

  it('cert-manager.webhook fails without a caBundle, without endpoints, and without a configuration', () => {
    const noCa = run((f) => {
      f.validatingWebhooks = ok([webhookConfiguration('ValidatingWebhookConfiguration', '')]);
    });
    expect(result(noCa, 'cert-manager.webhook')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('has no caBundle'),
    });
    const noEndpoints = run((f) => {
      f.endpoints = ok([endpointsFor('cert-manager', 'cert-manager-webhook', [])]);
    });
    expect(result(noEndpoints, 'cert-manager.webhook').message).toContain(
      'service cert-manager/cert-manager-webhook has no ready endpoints',
    );
    const none = run((f) => {
      f.validatingWebhooks = ok([]);
    });
    expect(result(none, 'cert-manager.webhook').status).toBe('fail');
  });
});

describe('add-on checks', () => {
  it('addon.version fails when no version supports the cluster and skips cert-manager.version', () => {
    const results = run(
      (f) => {
        f.addon = ok(undefined);
        if (f.cluster.ok && f.cluster.value) f.cluster.value.version = '1.37';
        f.kubeVersion = ok({ gitVersion: 'v1.37.1-eks-abcdef0', major: '1', minor: '37+' });
      },
      { pre: true },
    );
    expect(result(results, 'addon.version')).toMatchObject({
      status: 'fail',
      message: 'no ADOT add-on version supports Kubernetes 1.37 yet',
    });
    expect(result(results, 'addon.version').hint).toContain('adot versions --kubernetes-version 1.37');
    expect(result(results, 'cert-manager.version').status).toBe('skip');
    expect(failing(results)).toEqual(['addon.version']);
  });

  it('addon.version resolves the default for the cluster when nothing is installed or requested', () => {
    const results = run(
      (f) => {
        f.addon = ok(undefined);
      },
      { pre: true },
    );
    expect(result(results, 'addon.version')).toMatchObject({
      status: 'pass',
      observed: 'v0.45.0-eksbuild.1 (default)',
    });
  });

  it('addon.version resolves the newest compatible version when EKS marks no default, and says so', () => {
    const results = run(
      (f) => {
        f.addon = ok(undefined);
        f.addonVersions = ok(
          CATALOG.map((v) => ({
            ...v,
            compatibilities: v.compatibilities.map((c) => ({ ...c, defaultVersion: false })),
          })),
        );
      },
      { pre: true },
    );
    expect(result(results, 'addon.version')).toMatchObject({
      status: 'pass',
      observed: 'v0.66.0-eksbuild.1 (newest; EKS marks no version default)',
    });
    expect(failing(results)).toEqual([]);
  });

  it('addon.version fails for a requested version that does not support the cluster or does not exist', () => {
    const wrong = run(
      (f) => {
        f.addon = ok(undefined);
      },
      { addonVersion: 'v0.90.0', pre: true },
    );
    expect(result(wrong, 'addon.version')).toMatchObject({
      status: 'fail',
      observed: 'v0.90.0-eksbuild.1 (requested)',
    });
    const unknown = run(
      (f) => {
        f.addon = ok(undefined);
      },
      { addonVersion: 'v9.9.9', pre: true },
    );
    expect(result(unknown, 'addon.version').message).toBe('add-on version v9.9.9 does not exist');
  });

  it('addon.version fails when DescribeAddonVersions cannot be read', () => {
    const results = run((f) => {
      f.addonVersions = failed('Rate exceeded');
    });
    expect(result(results, 'addon.version')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('Rate exceeded'),
    });
  });

  it('addon.rbac fails for v0.45.0 without the manifest, passes as "not needed" after v0.62.1, warns under --pre', () => {
    const missing = run((f) => {
      f.clusterRoles = ok([]);
      f.addonRbacRoleBindings = ok([]);
    });
    expect(result(missing, 'addon.rbac')).toMatchObject({ status: 'fail', observed: '2/4 objects' });
    expect(result(missing, 'addon.rbac').message).toContain('ClusterRole eks:addon-manager-otel');
    const later = run(
      (f) => {
        f.clusterRoles = ok([]);
        f.addon = ok(undefined);
      },
      { addonVersion: 'v0.66.0' },
    );
    expect(result(later, 'addon.rbac')).toMatchObject({
      status: 'pass',
      message: 'not needed for v0.66.0-eksbuild.1 (only up to v0.62.1)',
    });
    const before = run(
      (f) => {
        f.clusterRoles = ok([]);
        f.addon = ok(undefined);
      },
      { pre: true },
    );
    expect(result(before, 'addon.rbac').status).toBe('warn');
  });

  it('addon.status: absent fails with adot install, CREATING warns, DEGRADED fails with every health issue', () => {
    const absent = run((f) => {
      f.addon = ok(undefined);
    });
    expect(result(absent, 'addon.status')).toMatchObject({
      status: 'fail',
      observed: 'not installed',
      hint: expect.stringContaining('adot install'),
    });
    expect(result(absent, 'operator.ready').message).toBe('skipped: addon.status failed');
    const creating = run((f) => {
      if (f.addon.ok && f.addon.value) f.addon.value.status = 'CREATING';
    });
    expect(result(creating, 'addon.status').status).toBe('warn');
    const degraded = run((f) => {
      if (f.addon.ok && f.addon.value) {
        f.addon.value.status = 'DEGRADED';
        f.addon.value.health = [
          {
            code: 'InsufficientNumberOfReplicas',
            message: "The add-on is unhealthy because it doesn't have the desired number of replicas.",
            resourceIds: ['opentelemetry-operator'],
          },
          { code: 'ConfigurationConflict', message: 'Conflicts found', resourceIds: [] },
        ];
      }
    });
    const r = result(degraded, 'addon.status');
    expect(r.status).toBe('fail');
    expect(r.message).toContain('InsufficientNumberOfReplicas');
    expect(r.message).toContain('ConfigurationConflict');
    const hint = r.hint ?? '';
    expect(hint.indexOf('--resolve-conflicts PRESERVE')).toBeGreaterThanOrEqual(0);
    expect(hint.indexOf('--resolve-conflicts OVERWRITE (destructive')).toBeGreaterThan(hint.indexOf('PRESERVE'));
    expect(failing(degraded)).toEqual(['addon.status']);
  });

  it('addon.status fails for CREATE_FAILED with AccessDenied and hints at the RBAC manifest', () => {
    const results = run((f) => {
      if (f.addon.ok && f.addon.value) {
        f.addon.value.status = 'CREATE_FAILED';
        f.addon.value.health = [
          { code: 'AccessDenied', message: 'User eks:addon-manager cannot patch resource roles', resourceIds: [] },
        ];
      }
    });
    expect(result(results, 'addon.status').hint).toContain('add-on RBAC manifest');
  });

  it('operator.ready fails when the CRD is missing or the webhook has no endpoints', () => {
    const noCrd = run((f) => {
      f.crds = ok([]);
    });
    expect(result(noCrd, 'operator.ready').message).toContain('no matches for kind "OpenTelemetryCollector"');
    expect(result(noCrd, 'collector.resource').status).toBe('skip');
    const noEndpoints = run((f) => {
      f.endpoints = ok([endpointsFor('cert-manager', 'cert-manager-webhook')]);
    });
    expect(result(noEndpoints, 'operator.ready').message).toContain(
      'opentelemetry-operator-webhook has no ready endpoints',
    );
    const unavailable = run((f) => {
      if (f.deployments.ok)
        f.deployments = ok(
          f.deployments.value.map((d) =>
            d.metadata.name === 'opentelemetry-operator' ? { ...d, status: { availableReplicas: 0 } } : d,
          ),
        );
    });
    expect(result(unavailable, 'operator.ready').message).toContain('is not available');
  });
});

describe('iam checks', () => {
  it('iam.oidc-provider fails without a provider for the issuer, and when sts.amazonaws.com is not a client id', () => {
    const none = run((f) => {
      f.oidcProviderArns = ok([]);
    });
    expect(result(none, 'iam.oidc-provider')).toMatchObject({ status: 'fail', expected: PROVIDER_ARN });
    expect(result(none, 'iam.trust-policy').status).toBe('skip');
    const client = run((f) => {
      if (f.oidcProvider.ok && f.oidcProvider.value) f.oidcProvider.value.clientIds = ['other'];
    });
    expect(result(client, 'iam.oidc-provider').message).toContain('client id sts.amazonaws.com');
  });

  it('iam.role fails when the role does not exist, naming where its name came from', () => {
    const results = run((f) => {
      f.role = ok(undefined);
      f.attachedPolicies = ok([]);
    });
    const r = result(results, 'iam.role');
    expect(r.status).toBe('fail');
    expect(r.message).toContain('named by the service account annotation');
    expect(result(results, 'iam.policies').status).toBe('skip');
  });

  it('iam.trust-policy fails for the blog trap: trust names adot-collector, the collector runs as aws-otel-collector', () => {
    const results = run(
      (f) => {
        if (f.role.ok && f.role.value) {
          f.role.value.assumeRolePolicyDocument = buildTrustPolicy({
            providerArn: PROVIDER_ARN,
            issuerUrl: 'https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF',
            namespace: 'aws-otel-eks',
            serviceAccount: 'adot-collector',
          });
        }
      },
      { serviceAccount: 'adot-collector' },
    );
    const r = result(results, 'iam.trust-policy');
    expect(r.status).toBe('fail');
    expect(r.message).toContain('system:serviceaccount:aws-otel-eks:aws-otel-collector');
    expect(r.observed).toContain('adot-collector');
  });

  it('iam.trust-policy uses the operator default <name>-collector when the resource names no account', () => {
    const results = run((f) => {
      f.collectors = ok([collector(XRAY_CONFIG, null)]);
      f.serviceAccounts = ok([serviceAccount('observability-collector')]);
    });
    expect(result(results, 'iam.trust-policy').message).toContain('aws-otel-eks:observability-collector');
    expect(result(results, 'iam.trust-policy').status).toBe('fail');
  });

  it('iam.policies fails listing the missing policy and warns on extra ones', () => {
    const missing = run((f) => {
      f.attachedPolicies = ok([]);
      f.policyDocuments = ok([]);
    });
    expect(result(missing, 'iam.policies')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('not allowed to xray:PutTraceSegments'),
      expected: 'allowed: xray:PutTraceSegments on *',
      hint: expect.stringContaining(
        `adot install --cluster demo --role-name ${ROLE} (attaches AWSXRayDaemonWriteAccess)`,
      ),
    });
    const s3 = 'arn:aws:iam::aws:policy/AmazonS3FullAccess';
    const extra = run((f) => {
      f.attachedPolicies = ok([XRAY_POLICY, s3]);
      f.policyDocuments = ok([
        managedPolicyDocument(XRAY_POLICY),
        {
          name: s3,
          kind: 'managed',
          document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
        },
      ]);
    });
    expect(result(extra, 'iam.policies')).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('AmazonS3FullAccess'),
      hint: expect.stringContaining(`aws iam detach-role-policy --role-name ${ROLE} --policy-arn ${s3}`),
    });
  });

  it('iam.policies follows --target over the collector config', () => {
    const results = run(() => {}, { targets: ['xray', 'amp'] });
    expect(result(results, 'iam.policies').message).toContain('aps:RemoteWrite');
    expect(result(results, 'iam.policies').hint).toContain('AmazonPrometheusRemoteWriteAccess');
    expect(result(results, 'iam.policies').status).toBe('fail');
  });
});

describe('collector checks', () => {
  it('collector.service-account fails when missing (listing the accounts present) and skips the deployment check', () => {
    const results = run((f) => {
      f.serviceAccounts = ok([serviceAccount('adot-collector')]);
    });
    const r = result(results, 'collector.service-account');
    expect(r.status).toBe('fail');
    expect(r.message).toContain(
      'aws-otel-eks/aws-otel-collector (from collector) does not exist; aws-otel-eks has adot-collector',
    );
    expect(result(results, 'collector.deployment').message).toBe('skipped: collector.service-account failed');
  });

  it('without the annotation and without an association, identity.mode fails (the account exists, so collector.service-account passes)', () => {
    const results = run((f) => {
      f.serviceAccounts = ok([serviceAccount('aws-otel-collector', null)]);
    });
    expect(result(results, 'collector.service-account').status).toBe('pass');
    expect(result(results, 'identity.mode')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining(
        'neither an eks.amazonaws.com/role-arn annotation (IRSA) nor an EKS Pod Identity association',
      ),
      hint: expect.stringContaining('adot install --cluster demo --identity pod-identity'),
    });
    expect(result(results, 'iam.role').status).toBe('skip');
  });

  it('collector.service-account fails when --role-name names another role than the annotation', () => {
    const results = run(() => {}, { roleName: 'Other', roleNameGiven: true });
    expect(result(results, 'collector.service-account')).toMatchObject({
      status: 'fail',
      observed: roleArn(ACCOUNT, ROLE),
    });
  });

  it('collector.resource fails when absent (naming others) and when the config has problems', () => {
    const absent = run((f) => {
      f.collectors = ok([collector(XRAY_CONFIG, 'aws-otel-collector', 'traces')]);
    });
    expect(result(absent, 'collector.resource').message).toContain('found traces (pass --collector-name)');
    const invalid = run((f) => {
      f.collectors = ok([collector({ ...XRAY_CONFIG, exporters: { awsxray: { region: '<YOUR-REGION>' } } })]);
    });
    expect(result(invalid, 'collector.resource').status).toBe('fail');
    const unparsable = run((f) => {
      f.collectors = ok([collector('receivers: [unclosed')]);
    });
    expect(result(unparsable, 'collector.resource').status).toBe('fail');
  });

  it('collector.resource reads environment references against spec.env: fails only an undefined one, warns for bare $', () => {
    const withEnv = (config: unknown, env: unknown[]) => {
      const object = collector(config);
      return { ...object, spec: { ...(object.spec as Record<string, unknown>), env } };
    };
    const cloudwatch = {
      ...XRAY_CONFIG,
      exporters: { awsxray: { region: 'us-west-2', resource_arn: 'arn:aws:eks:us-west-2:1:cluster/${CLUSTER_NAME}' } },
    };
    const undefinedVariable = run((f) => {
      f.collectors = ok([withEnv(cloudwatch, [])]);
    });
    expect(result(undefinedVariable, 'collector.resource')).toMatchObject({ status: 'fail' });
    expect(result(undefinedVariable, 'collector.resource').message).toContain(
      'refers to CLUSTER_NAME, which is not set in spec.env',
    );
    const defined = run((f) => {
      f.collectors = ok([withEnv(cloudwatch, [{ name: 'CLUSTER_NAME', value: 'demo' }])]);
    });
    expect(result(defined, 'collector.resource').status).toBe('pass');
    const placeholderValue = run((f) => {
      f.collectors = ok([withEnv(cloudwatch, [{ name: 'CLUSTER_NAME', value: '<YOUR-EKS-CLUSTER-NAME>' }])]);
    });
    expect(result(placeholderValue, 'collector.resource').message).toContain('Placeholder "<YOUR-EKS-CLUSTER-NAME>"');
    const fromPod = run((f) => {
      f.collectors = ok([
        withEnv(
          { ...XRAY_CONFIG, exporters: { awsxray: { region: 'us-west-2', resource_arn: '${env:K8S_NODE_NAME}' } } },
          [{ name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
        ),
      ]);
    });
    expect(result(fromPod, 'collector.resource').status).toBe('pass');
    const bare = run((f) => {
      f.collectors = ok([
        withEnv({ ...XRAY_CONFIG, exporters: { awsxray: { region: 'us-west-2', resource_arn: '$K8S_NODE_NAME' } } }, [
          { name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        ]),
      ]);
    });
    expect(result(bare, 'collector.resource').status).toBe('warn');
    expect(result(bare, 'collector.resource').message).toContain('although K8S_NODE_NAME is set');
    const group = run((f) => {
      f.collectors = ok([
        withEnv({ ...XRAY_CONFIG, exporters: { awsxray: { region: 'us-west-2', replacement: '__param_$1' } } }, []),
      ]);
    });
    expect(result(group, 'collector.resource').status).toBe('warn');
    expect(result(group, 'collector.resource').message).toContain('probably meant as "$$1"');
  });

  it('collector.rbac passes as not needed without a prometheus receiver and fails when its binding is missing', () => {
    expect(result(run(), 'collector.rbac').message).toBe(
      'not needed (no prometheus receiver with kubernetes_sd_configs, no k8sattributes processor), and none granted',
    );
    const amp = run((f) => {
      f.collectors = ok([collector(AMP_CONFIG)]);
      f.attachedPolicies = ok(['arn:aws:iam::aws:policy/AmazonPrometheusRemoteWriteAccess']);
    });
    expect(result(amp, 'collector.rbac')).toMatchObject({ status: 'fail', observed: 'no cluster role binding' });
  });

  it('collector.rbac: a prometheus receiver with only static_configs reads nothing; k8sattributes needs get, list and watch on pods', () => {
    const staticOnly = run((f) => {
      f.collectors = ok([
        collector({
          ...AMP_CONFIG,
          receivers: {
            prometheus: {
              config: { scrape_configs: [{ job_name: 'app', static_configs: [{ targets: ['app:8080'] }] }] },
            },
          },
        }),
      ]);
      f.attachedPolicies = ok(['arn:aws:iam::aws:policy/AmazonPrometheusRemoteWriteAccess']);
    });
    expect(result(staticOnly, 'collector.rbac')).toMatchObject({ status: 'pass' });
    const gateway = {
      ...XRAY_CONFIG,
      processors: { k8sattributes: {} },
      service: {
        pipelines: { traces: { receivers: ['awsxray'], processors: ['k8sattributes'], exporters: ['awsxray'] } },
      },
    };
    const unbound = run((f) => {
      f.collectors = ok([collector(gateway)]);
    });
    expect(result(unbound, 'collector.rbac')).toMatchObject({
      status: 'fail',
      message:
        'service account aws-otel-eks/aws-otel-collector may not get pods, list pods, watch pods (the k8sattributes processor needs them)',
      observed: 'no cluster role binding',
    });
    const podReader = run((f) => {
      f.collectors = ok([collector(gateway)]);
      f.clusterRoles = ok([
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: 'pod-reader' },
          rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
        },
      ]);
      f.clusterRoleBindings = ok([
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: 'pod-reader' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'pod-reader' },
          subjects: [{ kind: 'ServiceAccount', name: 'aws-otel-collector', namespace: 'aws-otel-eks' }],
        },
      ]);
    });
    expect(result(podReader, 'collector.rbac')).toMatchObject({
      status: 'pass',
      message: 'aws-otel-eks/aws-otel-collector may read pods via pod-reader',
    });
  });

  it('collector.rbac passes with otel-prometheus-role bound to the collector account', () => {
    const results = run((f) => {
      f.collectors = ok([collector(AMP_CONFIG)]);
      f.clusterRoles = ok([
        ...(f.clusterRoles.ok ? f.clusterRoles.value : []),
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: 'otel-prometheus-role' },
          rules: [
            {
              apiGroups: [''],
              resources: ['nodes', 'nodes/proxy', 'services', 'endpoints', 'pods'],
              verbs: ['get', 'list', 'watch'],
            },
          ],
        },
      ]);
      f.clusterRoleBindings = ok([
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: 'otel-prometheus-role-binding' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'otel-prometheus-role' },
          subjects: [{ kind: 'ServiceAccount', name: 'aws-otel-collector', namespace: 'aws-otel-eks' }],
        },
      ]);
    });
    expect(result(results, 'collector.rbac').status).toBe('pass');
  });

  it('collector.deployment fails when absent or not rolled out', () => {
    const absent = run((f) => {
      f.collectorRollout = ok(undefined);
    });
    expect(result(absent, 'collector.deployment').message).toContain('does not exist');
    const pending = run((f) => {
      f.collectorRollout = ok({
        complete: false,
        desired: 1,
        updated: 1,
        ready: 0,
        available: 0,
        message: 'serviceaccount "aws-otel-collector" not found',
      });
    });
    expect(result(pending, 'collector.deployment')).toMatchObject({
      status: 'fail',
      observed: '0/1 available, 1 updated',
      expected: '1/1 available',
    });
  });

  it("collector.deployment judges the workload the collector's spec.mode makes: a DaemonSet, a StatefulSet, none for a sidecar", () => {
    const withMode = (mode: string) => (f: DoctorFacts) => {
      const resource = collector();
      (resource.spec as Record<string, unknown>)['mode'] = mode;
      f.collectors = ok([resource]);
      // the Deployment of an earlier mode is gone
      f.collectorRollout = ok(undefined);
    };
    const daemonSet = (available: number): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'observability-collector', namespace: 'aws-otel-eks', generation: 1 },
      status: {
        observedGeneration: 1,
        desiredNumberScheduled: 2,
        updatedNumberScheduled: 2,
        numberAvailable: available,
      },
    });
    const rolledOut = run((f) => {
      withMode('daemonset')(f);
      f.daemonSets = ok([daemonSet(2)]);
    });
    expect(result(rolledOut, 'collector.deployment')).toMatchObject({
      status: 'pass',
      message: 'DaemonSet aws-otel-eks/observability-collector is rolled out',
      observed: '2/2 available, 2 updated',
    });
    const rolling = run((f) => {
      withMode('daemonset')(f);
      f.daemonSets = ok([daemonSet(1)]);
    });
    expect(result(rolling, 'collector.deployment')).toMatchObject({
      status: 'fail',
      message:
        'DaemonSet aws-otel-eks/observability-collector is not rolled out: Waiting for daemon set "observability-collector" rollout to finish: 1 of 2 updated pods are available...',
    });
    expect(result(rolling, 'collector.deployment').hint).toContain(
      'kubectl -n aws-otel-eks rollout status daemonset/observability-collector',
    );
    const noStatefulSet = run(withMode('statefulset'));
    expect(result(noStatefulSet, 'collector.deployment').message).toBe(
      'StatefulSet aws-otel-eks/observability-collector does not exist: the operator has not reconciled the collector',
    );
    const statefulSet = run((f) => {
      withMode('statefulset')(f);
      f.statefulSets = ok([
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name: 'observability-collector', namespace: 'aws-otel-eks', generation: 1 },
          spec: { replicas: 1 },
          status: { observedGeneration: 1, readyReplicas: 1, currentRevision: 'r1', updateRevision: 'r1' },
        },
      ]);
    });
    expect(result(statefulSet, 'collector.deployment').status).toBe('pass');
    const unreadable = run((f) => {
      withMode('statefulset')(f);
      f.statefulSets = failed('statefulsets.apps is forbidden', { forbidden: true });
    });
    expect(result(unreadable, 'collector.deployment').status).not.toBe('pass');
    const sidecar = run(withMode('sidecar'));
    expect(result(sidecar, 'collector.deployment')).toMatchObject({ status: 'skip', notApplicable: true });
  });

  it('collector.service fails when the UDP receiver port is not exposed', () => {
    const results = run((f) => {
      f.services = ok([
        ...(f.services.ok ? f.services.value.filter((s) => s.metadata.name !== 'observability-collector') : []),
        service('aws-otel-eks', 'observability-collector', [{ port: 2000 }]),
      ]);
    });
    expect(result(results, 'collector.service')).toMatchObject({
      status: 'fail',
      observed: '2000/TCP',
      expected: '2000/UDP',
    });
    const absent = run((f) => {
      if (f.services.ok) f.services = ok(f.services.value.filter((s) => s.metadata.name !== 'observability-collector'));
    });
    expect(result(absent, 'collector.service').message).toContain('does not exist');
    const portless = run((f) => {
      f.collectors = ok([collector(AMP_CONFIG)]);
      if (f.services.ok) f.services = ok(f.services.value.filter((s) => s.metadata.name !== 'observability-collector'));
    });
    expect(result(portless, 'collector.service')).toMatchObject({
      status: 'pass',
      message: 'no receiver listens on a port; no service needed',
    });
  });
});
