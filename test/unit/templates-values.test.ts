import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { AdotError } from '../../src/core/errors.js';
import { parseCollectorConfig } from '../../src/core/collector-config.js';
import {
  ampRemoteWriteUrl,
  describeSettableKeys,
  manifestsToYaml,
  renderCollector,
  renderCollectorConfig,
  renderServiceAccount,
  settableKeys,
  validateTemplateValues,
  type TemplateValues,
} from '../../src/core/templates/index.js';
import {
  assertClusterName,
  assertCollectorName,
  assertNamespace,
  assertRegion,
  assertServiceAccount,
} from '../../src/core/templates/values.js';
import type { Target } from '../../src/core/targets.js';

const workspaceId = 'ws-12345678-abcd-1234-abcd-123456789012';
const values: TemplateValues = {
  region: 'us-east-1',
  clusterName: 'demo',
  namespace: 'aws-otel-eks',
  serviceAccount: 'aws-otel-collector',
  collectorName: 'observability',
  ampWorkspaceId: workspaceId,
};

/** The usage error thrown by `run` (exit 2), or a failure of the test. */
function usageErrorOf(run: () => unknown): AdotError {
  try {
    run();
  } catch (error) {
    if (error instanceof AdotError && error.exitStatus === 2) return error;
    throw error;
  }
  throw new Error('expected a usage error');
}

/** Each value's own check, as the command line's parsers run it (src/cli/parsers.ts). */
const FIELD_CHECKS: Partial<Record<keyof TemplateValues, (value: string) => void>> = {
  region: (value) => assertRegion(value),
  namespace: assertNamespace,
  serviceAccount: assertServiceAccount,
  collectorName: assertCollectorName,
  clusterName: assertClusterName,
};

/** The value's own check, then the targets' checks: what a value goes through from the flag to the template. */
function checkValue(field: keyof TemplateValues, value: string, targets: Target[]): void {
  FIELD_CHECKS[field]?.(value);
  validateTemplateValues({ ...values, [field]: value }, targets);
}

function codeOf(overrides: Partial<TemplateValues>, targets: Target[] = ['xray', 'amp', 'cloudwatch']): string {
  return usageErrorOf(() => validateTemplateValues({ ...values, ...overrides }, targets)).code;
}

describe('validateTemplateValues', () => {
  test('accepts the defaults, GovCloud and China regions, and dotted service account names', () => {
    expect(() => validateTemplateValues(values, ['xray', 'amp', 'cloudwatch'])).not.toThrow();
    expect(() => validateTemplateValues({ ...values, region: 'us-gov-west-1' }, ['xray'])).not.toThrow();
    expect(() =>
      validateTemplateValues({ ...values, region: 'cn-north-1', serviceAccount: 'a.b' }, ['xray']),
    ).not.toThrow();
  });

  test('needs at least one target', () => {
    expect(codeOf({}, [])).toBe('NoTarget');
  });

  test.each([
    ['region', 'us-east', 'InvalidRegion'],
    ['region', 'US-EAST-1', 'InvalidRegion'],
    ['region', '', 'InvalidRegion'],
    ['namespace', 'Aws_Otel', 'InvalidName'],
    ['namespace', 'a'.repeat(64), 'InvalidName'],
    ['serviceAccount', 'sa:x', 'InvalidName'],
    ['collectorName', '1observability', 'InvalidName'],
    ['collectorName', 'a'.repeat(54), 'InvalidName'],
    ['clusterName', 'my cluster', 'InvalidClusterName'],
  ] as const)('%s = %j is refused with %s', (field, value, code) => {
    const error = usageErrorOf(() => checkValue(field, value, ['xray', 'cloudwatch']));
    expect(error.code).toBe(code);
    expect(error.hint ?? '').not.toBe('');
  });

  test('cloudwatch needs the cluster name', () => {
    expect(codeOf({ clusterName: '' }, ['xray', 'cloudwatch'])).toBe('MissingClusterName');
  });

  test('the cluster name is only needed by cloudwatch', () => {
    expect(() => validateTemplateValues({ ...values, clusterName: '' }, ['xray', 'amp'])).not.toThrow();
  });

  test('names the flag to fix', () => {
    expect(usageErrorOf(() => checkValue('collectorName', 'X', ['xray'])).hint).toContain('--collector-name');
    expect(usageErrorOf(() => checkValue('region', 'x', ['xray'])).hint).toContain('--region');
  });

  describe('AMP workspace', () => {
    test('one of --amp-workspace-id and --amp-remote-write-url is required for amp', () => {
      const error = usageErrorOf(() => validateTemplateValues({ ...values, ampWorkspaceId: undefined }, ['amp']));
      expect(error.code).toBe('MissingAmpWorkspace');
      expect(error.hint).toContain('--amp-workspace-id');
      expect(error.hint).toContain('--amp-remote-write-url');
      expect(() => validateTemplateValues({ ...values, ampWorkspaceId: undefined }, ['xray'])).not.toThrow();
    });

    test.each([
      ['http://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write', 'https'],
      ['aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write', 'not a URL'],
      ['https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/query', '/api/v1/remote_write'],
      ['https://aps-workspaces.us-east-1.amazonaws.com/api/v1/remote_write', '/workspaces/WORKSPACE_ID'],
      ['https://user:pw@aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write', 'credentials'],
      ['https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write?x=1', 'query'],
      ['https://aps-workspaces.us-east-1.amazonaws.com/workspaces/<YOUR-WORKSPACE>/api/v1/remote_write', 'characters'],
      ['https://aps-workspaces.us-east-1.amazonaws.com/workspaces/${WS}/api/v1/remote_write', 'characters'],
    ])('refuses the remote write URL %s', (url, reason) => {
      const error = usageErrorOf(() =>
        validateTemplateValues({ ...values, ampWorkspaceId: undefined, ampRemoteWriteUrl: url }, ['amp']),
      );
      expect(error.code).toBe('InvalidAmpRemoteWriteUrl');
      expect(error.message).toContain(reason);
    });

    test.each([
      'https://aps-workspaces.us-east-1.amazonaws.com.evil.com/workspaces/ws-1/api/v1/remote_write',
      'https://prometheus.example.com/api/v1/remote_write',
      'https://aps-workspaces.us-east-1.amazonaws.com@evil.com/workspaces/ws-1/api/v1/remote_write',
    ])('refuses %s, not an AMP endpoint, unless --allow-custom-endpoint', (url) => {
      const given = { ...values, ampWorkspaceId: undefined, ampRemoteWriteUrl: url };
      const error = usageErrorOf(() => validateTemplateValues(given, ['amp']));
      expect(['CustomRemoteWriteEndpoint', 'InvalidAmpRemoteWriteUrl']).toContain(error.code);
      if (error.code === 'CustomRemoteWriteEndpoint') {
        expect(error.hint).toContain('--allow-custom-endpoint');
        expect(() => validateTemplateValues({ ...given, allowCustomEndpoint: true }, ['amp'])).not.toThrow();
      }
    });

    test('the China partition is served at amazonaws.com.cn, the others at amazonaws.com', () => {
      const url = (host: string) => `https://${host}/workspaces/${workspaceId}/api/v1/remote_write`;
      const check = (host: string) => () =>
        validateTemplateValues({ ...values, ampWorkspaceId: undefined, ampRemoteWriteUrl: url(host) }, ['amp']);
      expect(check('aps-workspaces.cn-north-1.amazonaws.com.cn')).not.toThrow();
      expect(check('aps-workspaces-fips.us-west-2.amazonaws.com')).not.toThrow();
      expect(usageErrorOf(check('aps-workspaces.us-east-1.amazonaws.com.cn')).code).toBe('InvalidAmpRemoteWriteUrl');
      expect(usageErrorOf(check('aps-workspaces.cn-north-1.amazonaws.com')).code).toBe('InvalidAmpRemoteWriteUrl');
    });

    test.each(['12345678', 'ws_1', 'ws-', 'WORKSPACE', `ws-${'a'.repeat(70)}`])('refuses the workspace id %s', (id) => {
      expect(codeOf({ ampWorkspaceId: id }, ['amp'])).toBe('InvalidAmpWorkspaceId');
    });

    test('the URL region signs the requests; a conflicting workspace id is refused', () => {
      const url = `https://aps-workspaces.eu-central-1.amazonaws.com/workspaces/${workspaceId}/api/v1/remote_write`;
      const config = renderCollectorConfig(['amp'], {
        ...values,
        ampWorkspaceId: undefined,
        ampRemoteWriteUrl: url,
      });
      expect(config.exporters.prometheusremotewrite).toEqual({
        endpoint: url,
        auth: { authenticator: 'sigv4auth' },
      });
      expect(config.extensions.sigv4auth).toEqual({
        region: 'eu-central-1',
        service: 'aps',
      });
      expect(() => validateTemplateValues({ ...values, ampRemoteWriteUrl: url }, ['amp'])).not.toThrow();
      expect(codeOf({ ampRemoteWriteUrl: url, ampWorkspaceId: 'ws-other' }, ['amp'])).toBe('AmpWorkspaceMismatch');
    });

    test('the workspace id builds the URL in --region', () => {
      const config = renderCollectorConfig(['amp'], values);
      expect(config.exporters.prometheusremotewrite).toMatchObject({
        endpoint: ampRemoteWriteUrl('us-east-1', workspaceId),
      });
      expect(usageErrorOf(() => ampRemoteWriteUrl('us-east-1', 'nope')).code).toBe('InvalidAmpWorkspaceId');
    });
  });
});

describe('injection attempts are refused or inert', () => {
  test.each([
    ['region', 'us-east-1\nfoo: bar'],
    ['clusterName', 'demo\nkind: Secret'],
    ['namespace', 'aws-otel-eks\r'],
    ['clusterName', '{{region}}'],
    ['collectorName', '{{x}}'],
    [
      'ampRemoteWriteUrl',
      `https://aps-workspaces.us-east-1.amazonaws.com/workspaces/${workspaceId}/api/v1/remote_write\n`,
    ],
  ] as const)('%s = %j is refused as unsafe', (field, value) => {
    const error = usageErrorOf(() => checkValue(field, value, ['amp', 'cloudwatch']));
    expect(error.code).toBe('UnsafeValue');
  });

  test.each([
    ['clusterName', 'demo"; kind: Secret'],
    ['clusterName', "demo'"],
    ['clusterName', 'demo: x'],
    ['serviceAccount', 'sa\tx'],
    ['namespace', '{x: y}'],
  ] as const)('%s = %j is refused', (field, value) => {
    usageErrorOf(() => checkValue(field, value, ['cloudwatch']));
  });

  test('a --set value with quotes, colons, "#" and "$" stays one string after a YAML round trip', () => {
    const tricky = '^a"b: c\' #d$,^{{}$';
    expect(usageErrorOf(() => settable(tricky)).code).toBe('UnsafeValue');
    const inert = `^a"b: c' #d$`;
    const resource = renderCollector(['cloudwatch'], {
      ...values,
      set: { 'cloudwatch.metric_names': inert },
    });
    const [reparsed] = [parse(manifestsToYaml([resource])) as { spec: { config: string } }];
    const config = parseCollectorConfig(reparsed.spec.config).config;
    expect(config?.processors['filter/include']).toEqual({
      metrics: {
        include: { match_type: 'regexp', metric_names: [`^a"b: c' #d$$`] },
      },
    });
  });

  function settable(value: string) {
    return validateTemplateValues({ ...values, set: { 'cloudwatch.metric_names': value } }, ['cloudwatch']);
  }

  test('the service account refuses a role ARN that is not one', () => {
    expect(usageErrorOf(() => renderServiceAccount(values, 'arn:aws:iam::123:role/x')).code).toBe('InvalidRoleArn');
    expect(usageErrorOf(() => renderServiceAccount(values, 'arn:aws:iam::123456789012:role/x\n')).code).toBe(
      'UnsafeValue',
    );
    expect(renderServiceAccount(values, 'arn:aws-cn:iam::123456789012:role/path/x').metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': 'arn:aws-cn:iam::123456789012:role/path/x',
    });
  });
});

describe('--set', () => {
  test('settableKeys depends on the targets', () => {
    expect(settableKeys(['xray'])).toEqual([
      'collector.replicas',
      'batch.timeout',
      'xray.region',
      'xray.endpoint',
      'traces.batch.timeout',
      'traces.batch.send_batch_size',
    ]);
    expect(settableKeys(['amp'])).toEqual([
      'collector.replicas',
      'batch.timeout',
      'metrics.batch.timeout',
      'prometheus.scrape_interval',
      'prometheus.scrape_timeout',
      'amp.region',
    ]);
    expect(settableKeys(['cloudwatch'])).toContain('cloudwatch.log_group_name');
    expect(describeSettableKeys(['xray']).every((entry) => entry.description !== '')).toBe(true);
  });

  test('overrides land in the configuration and the resource, typed', () => {
    const set = {
      'collector.replicas': '2',
      'batch.timeout': '5s',
      'traces.batch.timeout': '2s',
      'traces.batch.send_batch_size': '100',
      'xray.region': 'us-west-2',
      'prometheus.scrape_interval': '30s',
      'amp.region': 'eu-west-1',
      'cloudwatch.log_group_name': '/custom/group',
      'cloudwatch.namespace': 'My/Metrics',
      'cloudwatch.dimension_rollup_option': 'SingleDimensionRollupOnly',
      'cloudwatch.metric_names': '^a$, ^b',
    };
    const resource = renderCollector(['xray', 'amp', 'cloudwatch'], {
      ...values,
      set,
    });
    expect((resource.spec as Record<string, unknown>).replicas).toBe(2);
    const config = parseCollectorConfig((resource.spec as { config: string }).config).config;
    expect(config?.processors['batch/traces']).toEqual({
      timeout: '2s',
      send_batch_size: 100,
    });
    expect(config?.processors['batch/metrics']).toEqual({ timeout: '5s' });
    expect(config?.exporters.awsxray).toEqual({ region: 'us-west-2' });
    expect(config?.extensions.sigv4auth).toEqual({
      region: 'eu-west-1',
      service: 'aps',
    });
    expect((config?.receivers.prometheus as { config: { global: unknown } }).config.global).toEqual({
      scrape_interval: '30s',
      scrape_timeout: '10s',
    });
    expect(config?.exporters.awsemf).toMatchObject({
      log_group_name: '/custom/group',
      namespace: 'My/Metrics',
      dimension_rollup_option: 'SingleDimensionRollupOnly',
      metric_declarations: [{ metric_name_selectors: ['^a$$', '^b'] }],
    });
  });

  test('a short scrape interval shortens the default timeout with it', () => {
    const config = renderCollectorConfig(['amp'], {
      ...values,
      set: { 'prometheus.scrape_interval': '5s' },
    });
    expect((config.receivers.prometheus as { config: { global: unknown } }).config.global).toEqual({
      scrape_interval: '5s',
      scrape_timeout: '5s',
    });
  });

  test.each([
    [['xray'], { 'amp.region': 'us-east-1' }, 'UnknownSetKey'],
    [['xray'], { 'xray.colour': 'red' }, 'UnknownSetKey'],
    [['xray'], { 'xray.region': 'mars' }, 'InvalidSetValue'],
    [['xray'], { 'traces.batch.timeout': '1 second' }, 'InvalidSetValue'],
    [['xray'], { 'batch.timeout': '120' }, 'InvalidSetValue'],
    [['amp'], { 'prometheus.scrape_interval': '1.5s' }, 'InvalidSetValue'],
    [['amp'], { 'prometheus.scrape_interval': '500us' }, 'InvalidSetValue'],
    [['xray'], { 'traces.batch.send_batch_size': '-1' }, 'InvalidSetValue'],
    [['xray'], { 'xray.endpoint': '0.0.0.0:70000' }, 'InvalidSetValue'],
    [['xray'], { 'collector.replicas': '0' }, 'InvalidSetValue'],
    [['amp'], { 'prometheus.scrape_timeout': '20s' }, 'InvalidSetValue'],
    [['cloudwatch'], { 'cloudwatch.log_group_name': '/aws/x: y' }, 'InvalidSetValue'],
    [['cloudwatch'], { 'cloudwatch.namespace': 'AWS/EC2' }, 'InvalidSetValue'],
    [['cloudwatch'], { 'cloudwatch.metric_names': '^(a' }, 'InvalidSetValue'],
    [['cloudwatch'], { 'cloudwatch.metric_names': 'a,,b' }, 'InvalidSetValue'],
    [['cloudwatch'], { 'cloudwatch.namespace': 'a\nb' }, 'UnsafeValue'],
  ] as const)('%j %j -> %s', (targets, set, code) => {
    const error = usageErrorOf(() => validateTemplateValues({ ...values, set: { ...set } }, [...targets]));
    expect(error.code).toBe(code);
  });

  test('batch timeouts take Go durations, scrape settings Prometheus durations', () => {
    expect(() =>
      validateTemplateValues({ ...values, set: { 'batch.timeout': '1m0.5s', 'traces.batch.timeout': '500us' } }, [
        'xray',
      ]),
    ).not.toThrow();
    expect(() =>
      validateTemplateValues({ ...values, set: { 'prometheus.scrape_interval': '1m30s' } }, ['amp']),
    ).not.toThrow();
  });

  test('an unknown key lists the keys for the chosen targets and says which target a key needs', () => {
    const error = usageErrorOf(() => validateTemplateValues({ ...values, set: { 'amp.region': 'x' } }, ['xray']));
    expect(error.message).toContain('--target amp');
    expect(error.hint).toContain('xray.region');
  });
});
