import { describe, expect, it } from 'vitest';
import type { AddonInfo, Prompter } from '../../src/ports.js';
import { configRemovals } from '../../src/app/install/collector-step.js';
import type { InstallRequest } from '../../src/app/install/inputs.js';
import { installedAddonTargets, installedTargetsOfConfig } from '../../src/app/install/installed-targets.js';
import { decideTargetChanges, removalCaution, targetsStep } from '../../src/app/install/target-changes.js';
import { renderCollectorConfig } from '../../src/core/templates/collector.js';

const URL =
  'https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-0123abcd-4567-89ef-0123-456789abcdef/api/v1/remote_write';
const values = {
  region: 'us-east-1',
  clusterName: 'demo',
  namespace: 'aws-otel-eks',
  serviceAccount: 'aws-otel-collector',
  collectorName: 'observability',
  ampRemoteWriteUrl: URL,
};

function request(overrides: Partial<InstallRequest> = {}): InstallRequest {
  return {
    cluster: 'demo',
    targets: ['amp'],
    addonVersion: undefined,
    ampRemoteWriteUrl: undefined,
    ampWorkspaceId: undefined,
    ampWorkspaceAlias: undefined,
    allowCustomEndpoint: false,
    identity: 'auto',
    mode: 'collector-resource',
    roleName: 'EKS-ADOT-ServiceAccount-Role',
    namespace: 'aws-otel-eks',
    serviceAccount: 'aws-otel-collector',
    collectorName: 'observability',
    set: {},
    region: undefined,
    prune: false,
    ...overrides,
  };
}

/** a person at a terminal who answers the one yes/no question with `answer`, and records it */
function terminal(answer: boolean | undefined): Prompter & { asked: string[] } {
  const asked: string[] = [];
  const refuse = () => Promise.reject(new Error('not asked in this test'));
  return {
    interactive: answer !== undefined,
    asked,
    confirm: async (question) => (asked.push(`${question.message} [${question.flag}]`), answer ?? false),
    select: refuse,
    checkbox: refuse,
    input: refuse,
  };
}

describe('installed targets', () => {
  it('are read from the pipelines of a collector configuration, with the endpoint amp writes to', () => {
    const installed = installedTargetsOfConfig(renderCollectorConfig(['amp', 'cloudwatch', 'xray'], values));
    expect(installed).toEqual({
      targets: ['amp', 'cloudwatch', 'xray'],
      pipelines: { amp: ['metrics/amp'], cloudwatch: ['metrics/cloudwatch'], xray: ['traces'] },
      ampRemoteWriteUrl: URL,
    });
  });

  it("are read from the pipelines the add-on's configuration enables", () => {
    const addon = {
      addonVersion: 'v0.109.0-eksbuild.1',
      configurationValues: JSON.stringify({
        collector: {
          otlpIngest: { pipelines: { traces: { xray: { enabled: true } } } },
          prometheusMetrics: {
            pipelines: { metrics: { amp: { enabled: true }, emf: { enabled: false } } },
            exporters: { prometheusremotewrite: { endpoint: URL } },
          },
        },
      }),
    } as AddonInfo;
    expect(installedAddonTargets(addon)).toEqual({
      targets: ['amp', 'xray'],
      pipelines: {
        amp: ['collector.prometheusMetrics.pipelines.metrics.amp'],
        xray: ['collector.otlpIngest.pipelines.traces.xray'],
      },
      ampRemoteWriteUrl: URL,
    });
    expect(installedAddonTargets(undefined).targets).toEqual([]);
  });

  it('a configuration without a target leaves pipelines and components the desired one lacks', () => {
    const live = renderCollectorConfig(['amp', 'xray'], values);
    const desired = renderCollectorConfig(['amp'], values);
    expect(configRemovals(live, desired)).toEqual([
      'pipeline traces',
      'receivers.awsxray',
      'receivers.otlp',
      'processors.batch/traces',
      'exporters.awsxray',
    ]);
    expect(configRemovals(desired, live)).toEqual([]);
    expect(configRemovals('text', desired)).toEqual([]);
  });
});

describe('decideTargetChanges', () => {
  const installed = installedTargetsOfConfig(renderCollectorConfig(['amp', 'xray'], values));

  it('without --prune and nobody to ask: installed targets are kept, amp with its endpoint', async () => {
    const prompter = terminal(undefined);
    const { request: decided, changes } = await decideTargetChanges(
      { prompter },
      request({ targets: ['cloudwatch'] }),
      installed,
    );
    expect(decided.targets).toEqual(['amp', 'cloudwatch', 'xray']);
    expect(decided.ampRemoteWriteUrl).toBe(URL);
    expect(decided.allowCustomEndpoint).toBe(false);
    expect(changes).toMatchObject({ kept: ['amp', 'xray'], removed: [], pruning: false });
    expect(prompter.asked).toEqual([]);
    expect(targetsStep(changes).detail).toBe(
      'amp, cloudwatch, xray: adds cloudwatch; keeps amp, xray (installed; --prune removes what --target does not name)',
    );
  });

  it('--prune removes what --target does not name, naming the policies and pipelines', async () => {
    const { request: decided, changes } = await decideTargetChanges(
      { prompter: terminal(undefined) },
      request({ targets: ['amp'], ampRemoteWriteUrl: URL, prune: true }),
      installed,
    );
    expect(decided.targets).toEqual(['amp']);
    expect(changes).toMatchObject({
      kept: [],
      removed: ['xray'],
      removedPolicies: ['arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess'],
      removedPipelines: ['traces'],
      pruning: true,
    });
    expect(targetsStep(changes).detail).toBe(
      'amp: removes xray (detach AWSXRayDaemonWriteAccess; remove pipeline traces)',
    );
  });

  it('at a terminal the removal is proposed, not asked: the plan names it and its approval covers it', async () => {
    const person = terminal(true);
    const proposed = await decideTargetChanges({ prompter: person }, request({ targets: ['xray'] }), installed);
    expect(person.asked).toEqual([]);
    expect(proposed.changes).toMatchObject({ removed: ['amp'], kept: [], pruning: true, proposed: true });
    expect(proposed.request.targets).toEqual(['xray']);
    expect(removalCaution(proposed.changes)).toBe(
      'Remove installed target not in --target: amp (detach AmazonPrometheusRemoteWriteAccess; remove pipeline metrics/amp)? (destructive: --prune; to keep it, answer no and name it in --target)',
    );

    // --prune asked for it: nothing more to approve than the plan itself
    const pruned = await decideTargetChanges(
      { prompter: terminal(true) },
      request({ targets: ['xray'], prune: true }),
      installed,
    );
    expect(pruned.changes).toMatchObject({ removed: ['amp'], proposed: false });
    expect(removalCaution(pruned.changes)).toBeUndefined();
  });

  it('a policy a remaining target needs is not named as going (cloudwatch and logs share one)', async () => {
    const { changes } = await decideTargetChanges(
      { prompter: terminal(undefined) },
      request({ targets: ['logs'], mode: 'collector-resource', prune: true }),
      { targets: ['cloudwatch'], pipelines: { cloudwatch: ['metrics/cloudwatch'] }, ampRemoteWriteUrl: undefined },
    );
    expect(changes.removedPolicies).toEqual([]);
  });

  it('--mode addon-config adds, and --prune removes as with the collector resource', async () => {
    const kept = await decideTargetChanges(
      { prompter: terminal(undefined) },
      request({ targets: ['logs'], mode: 'addon-config' }),
      installed,
    );
    expect(kept.changes).toMatchObject({ kept: ['amp', 'xray'], removed: [] });
    const pruned = await decideTargetChanges(
      { prompter: terminal(undefined) },
      request({ targets: ['logs'], mode: 'addon-config', prune: true }),
      installed,
    );
    expect(pruned.request.targets).toEqual(['logs']);
    expect(pruned.changes).toMatchObject({ kept: [], removed: ['amp', 'xray'], pruning: true, proposed: false });
  });
});
