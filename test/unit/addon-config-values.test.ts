import { describe, expect, it } from 'vitest';
import { addonCollectors, mergeAddonConfig, renderAddonConfig } from '../../src/core/addon-config/values.js';
import { configurationSchema, validateConfigurationValues } from '../../src/sandbox/aws/eks/configuration.js';

const WHERE = { clusterName: 'demo', addonName: 'adot' };
const URL = 'https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write';

describe("the add-on's configuration without a removed target (--prune, --mode addon-config)", () => {
  it('presets: the removed pipeline is switched off, the user keys next to it stay, and EKS takes the result', () => {
    const existing = {
      collector: {
        prometheusMetrics: {
          pipelines: { metrics: { amp: { enabled: true }, emf: { enabled: true } } },
          exporters: { prometheusremotewrite: { endpoint: URL } },
          resources: { limits: { cpu: '500m' } },
        },
        otlpIngest: { pipelines: { traces: { xray: { enabled: true } } } },
      },
    };
    const wanted = renderAddonConfig({ kind: 'presets', targets: ['cloudwatch'], removedTargets: ['amp', 'xray'] });
    const { values, changed } = mergeAddonConfig(existing, wanted);
    expect(changed).toBe(true);
    expect(values).toEqual({
      collector: {
        prometheusMetrics: {
          pipelines: { metrics: { amp: { enabled: false }, emf: { enabled: true } } },
          exporters: { prometheusremotewrite: { endpoint: URL } },
          resources: { limits: { cpu: '500m' } },
        },
        otlpIngest: { pipelines: { traces: { xray: { enabled: false } } } },
      },
    });
    expect(addonCollectors('presets', values, undefined).map(({ name, targets }) => ({ name, targets }))).toEqual([
      { name: 'adot-col-prom-metrics', targets: ['cloudwatch'] },
    ]);
    expect(() =>
      validateConfigurationValues(configurationSchema('v0.109.0-eksbuild.1'), JSON.stringify(values), WHERE),
    ).not.toThrow();
    // a second run writes the same: nothing to change
    expect(mergeAddonConfig(values, wanted).changed).toBe(false);
  });

  it('collector keys (v0.62.1–v0.84): the removed switch is turned off; a target named again is not removed', () => {
    const wanted = renderAddonConfig({ kind: 'collector-keys', targets: ['amp'], removedTargets: ['xray', 'amp'] });
    expect(wanted).toEqual({ collector: { amp: { enabled: true }, xray: { enabled: false } } });
    const { values } = mergeAddonConfig({ collector: { xray: { enabled: true } } }, wanted);
    expect(addonCollectors('collector-keys', values, undefined)[0]?.targets).toEqual(['amp']);
    expect(() =>
      validateConfigurationValues(
        configurationSchema('v0.66.0-eksbuild.1'),
        JSON.stringify({ collector: { xray: { enabled: false }, amp: { enabled: true, remoteWriteEndpoint: URL } } }),
        WHERE,
      ),
    ).not.toThrow();
  });
});
