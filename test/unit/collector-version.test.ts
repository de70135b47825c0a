import { describe, expect, it } from 'vitest';
import {
  chooseCollectorApiVersion,
  collectorApiVersionOfAddon,
  servedVersions,
} from '../../src/core/collector-version.js';
import { parse } from 'yaml';
import type { KubeObject } from '../../src/ports.js';
import { renderCollector, renderCollectorConfig, type TemplateValues } from '../../src/core/templates/index.js';

function crd(versions: { name: string; served?: boolean; storage?: boolean }[]): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'opentelemetrycollectors.opentelemetry.io' },
    spec: { group: 'opentelemetry.io', versions },
  };
}

const alphaOnly = crd([{ name: 'v1alpha1', served: true, storage: true }]);
const both = crd([
  { name: 'v1alpha1', served: true, storage: false },
  { name: 'v1beta1', served: true, storage: true },
]);

describe('the OpenTelemetryCollector version adot writes', () => {
  it('follows the add-on: v1beta1 from v0.102.0', () => {
    expect(collectorApiVersionOfAddon('v0.45.0-eksbuild.1')).toBe('opentelemetry.io/v1alpha1');
    expect(collectorApiVersionOfAddon('v0.94.1-eksbuild.1')).toBe('opentelemetry.io/v1alpha1');
    expect(collectorApiVersionOfAddon('v0.102.0-eksbuild.1')).toBe('opentelemetry.io/v1beta1');
    expect(collectorApiVersionOfAddon('v0.151.0-eksbuild.2')).toBe('opentelemetry.io/v1beta1');
  });

  it('lists what a CRD serves, its storage version first', () => {
    expect(servedVersions(both)).toEqual(['v1beta1', 'v1alpha1']);
    expect(
      servedVersions(
        crd([
          { name: 'v1alpha1', served: false },
          { name: 'v1beta1', storage: true },
        ]),
      ),
    ).toEqual(['v1beta1']);
  });

  it('uses the CRD as it is unless the run installs or changes the add-on', () => {
    expect(chooseCollectorApiVersion({ crd: both })).toBe('opentelemetry.io/v1beta1');
    expect(chooseCollectorApiVersion({ crd: alphaOnly })).toBe('opentelemetry.io/v1alpha1');
    expect(chooseCollectorApiVersion({ crd: alphaOnly, addonVersion: 'v0.45.0-eksbuild.1' })).toBe(
      'opentelemetry.io/v1alpha1',
    );
    // an upgrade from v0.45.0 to v0.102.0: the CRD will serve v1beta1 by the time the collector is written
    expect(
      chooseCollectorApiVersion({ crd: alphaOnly, addonVersion: 'v0.102.0-eksbuild.1', addonChanging: true }),
    ).toBe('opentelemetry.io/v1beta1');
  });

  it('without a CRD: the add-on that will bring it, else v1beta1', () => {
    expect(chooseCollectorApiVersion({ crd: undefined, addonVersion: 'v0.45.0-eksbuild.1' })).toBe(
      'opentelemetry.io/v1alpha1',
    );
    expect(chooseCollectorApiVersion({ crd: undefined, addonVersion: 'v0.117.0-eksbuild.1' })).toBe(
      'opentelemetry.io/v1beta1',
    );
    expect(chooseCollectorApiVersion({ crd: undefined })).toBe('opentelemetry.io/v1beta1');
  });
});

describe('the collector rendered in either version', () => {
  const values: TemplateValues = {
    region: 'eu-west-1',
    clusterName: 'demo',
    namespace: 'aws-otel-eks',
    serviceAccount: 'aws-otel-collector',
    collectorName: 'observability',
    ampWorkspaceId: 'ws-0123abcd-4567-89ef-0123-456789abcdef',
  };

  it('v1beta1 is the v1alpha1 resource with spec.config as an object: the YAML text parsed', () => {
    const alpha = renderCollector(['xray', 'amp'], values);
    const beta = renderCollector(['xray', 'amp'], values, 'opentelemetry.io/v1beta1');
    expect(alpha.apiVersion).toBe('opentelemetry.io/v1alpha1');
    expect(beta.apiVersion).toBe('opentelemetry.io/v1beta1');
    const { config: text, ...alphaRest } = alpha.spec as Record<string, unknown>;
    const { config: object, ...betaRest } = beta.spec as Record<string, unknown>;
    expect(betaRest).toEqual(alphaRest);
    expect(typeof text).toBe('string');
    expect(object).toEqual(parse(String(text)));
    expect(object).toEqual(JSON.parse(JSON.stringify(renderCollectorConfig(['xray', 'amp'], values))));
  });
});
