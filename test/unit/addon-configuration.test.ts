import { describe, expect, it } from 'vitest';
import { adotConfigurationSchema } from '../../src/sandbox/aws/eks/adot-configuration/schemas.js';
import { configurationSchema, validateConfigurationValues } from '../../src/sandbox/aws/eks/configuration.js';
import { jsonPath } from '../../src/core/addon-config/schema-messages.js';
import { AwsServiceError } from '../../src/sandbox/types.js';

const PREFIX = 'ConfigurationValue provided in request is not supported: Json schema validation failed with error: ';
const WHERE = { clusterName: 'demo', addonName: 'adot' };

/** the refusal of `values` for `version`, or undefined when EKS would take them */
function refusal(version: string, values: string): { code: string; message: string; extra: unknown } | undefined {
  try {
    validateConfigurationValues(configurationSchema(version), values, WHERE);
    return undefined;
  } catch (error) {
    if (!(error instanceof AwsServiceError)) throw error;
    return { code: error.code, message: error.message, extra: error.extra };
  }
}

type Schema = { properties: Record<string, { properties?: Record<string, unknown> }> };
const keysOf = (version: string) => Object.keys((adotConfigurationSchema(version) as Schema).properties).sort();
const collectorKeysOf = (version: string) =>
  Object.keys((adotConfigurationSchema(version) as Schema).properties.collector?.properties ?? {}).sort();

const OPERATOR_KEYS = [
  'admissionWebhooks',
  'affinity',
  'kubeRBACProxy',
  'manager',
  'nodeSelector',
  'replicaCount',
  'tolerations',
];

describe('the ADOT configuration schema of each version', () => {
  it('takes nothing before v0.62.1', () => {
    expect(keysOf('v0.58.0-eksbuild.1')).toEqual([]);
    expect(refusal('v0.58.0-eksbuild.1', '{}')).toBeUndefined();
    expect(refusal('v0.58.0-eksbuild.1', '{"replicaCount": 1}')?.message).toBe(
      `${PREFIX}[$.replicaCount: is not defined in the schema and the schema does not allow additional properties]`,
    );
  });

  it('v0.62.1: the operator keys and a collector with serviceAccount, amp, cloudwatch and xray', () => {
    expect(keysOf('v0.62.1-eksbuild.1')).toEqual([...OPERATOR_KEYS, 'collector'].sort());
    expect(collectorKeysOf('v0.62.1-eksbuild.1')).toEqual(['amp', 'cloudwatch', 'serviceAccount', 'xray']);
  });

  it('v0.66.0 to v0.84.0 add collector mode, replicas and resources', () => {
    for (const version of ['v0.66.0-eksbuild.1', 'v0.84.0-eksbuild.1']) {
      expect(collectorKeysOf(version)).toEqual([
        'amp',
        'cloudwatch',
        'mode',
        'replicas',
        'resources',
        'serviceAccount',
        'xray',
      ]);
    }
  });

  it('from v0.88.0 the collector section holds the three presets, and the draft is 2019-09', () => {
    for (const version of ['v0.88.0-eksbuild.1', 'v0.117.0-eksbuild.1', 'v0.151.0-eksbuild.2']) {
      expect(keysOf(version)).toEqual([...OPERATOR_KEYS, 'collector'].sort());
      expect(collectorKeysOf(version)).toEqual(['containerLogs', 'otlpIngest', 'prometheusMetrics']);
    }
    const schema = JSON.parse(configurationSchema('v0.117.0-eksbuild.1')) as Record<string, unknown>;
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2019-09/schema',
      additionalProperties: false,
      type: 'object',
    });
  });
});

describe("EKS's validation of configurationValues", () => {
  const V088 = 'v0.88.0-eksbuild.1';

  it('takes the documented values, as JSON or YAML', () => {
    expect(refusal('v0.66.0-eksbuild.1', '{"manager":{"resources":{"limits":{"cpu":"200m"}}}}')).toBeUndefined();
    expect(
      refusal(
        'v0.66.0-eksbuild.1',
        JSON.stringify({
          collector: {
            serviceAccount: { create: false, name: 'addon-test-sa' },
            xray: { enabled: true },
            amp: { enabled: true, remoteWriteEndpoint: 'https://aps-workspaces.us-east-1.amazonaws.com/x' },
            cloudwatch: { enabled: true },
            resources: { requests: { cpu: '1', memory: '1G' }, limits: { cpu: '2', memory: '2G' } },
          },
        }),
      ),
    ).toBeUndefined();
    const yaml = [
      'collector:',
      '  prometheusMetrics:',
      '    serviceAccount:',
      '      annotations:',
      '        eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/prom',
      '    pipelines:',
      '      metrics:',
      '        amp:',
      '          enabled: true',
      '        emf:',
      '          enabled: true',
      '    exporters:',
      '      prometheusremotewrite:',
      '        endpoint: https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write',
      '  containerLogs:',
      '    pipelines: {logs: {cloudwatchLogs: {enabled: true}}}',
      '    exporters: {awscloudwatchlogs: {log_group_name: /demo/logs, log_stream_name: node-1}}',
    ].join('\n');
    expect(refusal(V088, yaml)).toBeUndefined();
    expect(refusal(V088, '')).toBeUndefined();
  });

  it('refuses an unknown key with InvalidParameterException naming its path', () => {
    const refused = refusal(
      V088,
      '{"collector":{"otlpIngest":{"pipelines":{"traces":{"xray":{"enabled":true}}},"mode":"daemonset"}}}',
    );
    expect(refused).toEqual({
      code: 'InvalidParameterException',
      message: `${PREFIX}[$.collector.otlpIngest.mode: is not defined in the schema and the schema does not allow additional properties]`,
      extra: WHERE,
    });
    // the v0.84 keys are unknown to v0.88.0
    expect(refusal(V088, '{"collector":{"xray":{"enabled":true}}}')?.message).toBe(
      `${PREFIX}[$.collector.xray: is not defined in the schema and the schema does not allow additional properties]`,
    );
  });

  it("refuses wrong types in the validator's words, every error listed", () => {
    expect(
      refusal(
        V088,
        '{"replicaCount":"2","collector":{"otlpIngest":{"pipelines":{"traces":{"xray":{"enabled":"true"}}}}}}',
      )?.message,
    ).toBe(
      `${PREFIX}[$.replicaCount: string found, integer expected, $.collector.otlpIngest.pipelines.traces.xray.enabled: string found, boolean expected]`,
    );
    expect(refusal(V088, 'null')?.message).toBe(`${PREFIX}[$: null found, object expected]`);
    expect(refusal(V088, '{"tolerations":{}}')?.message).toBe(`${PREFIX}[$.tolerations: object found, array expected]`);
  });

  it('refuses a value outside an enumeration, a missing required key and a pattern mismatch', () => {
    expect(refusal('v0.84.0-eksbuild.1', '{"collector":{"mode":"job"}}')?.message).toBe(
      `${PREFIX}[$.collector.mode: does not have a value in the enumeration [deployment, daemonset, statefulset, sidecar]]`,
    );
    expect(
      refusal(V088, '{"collector":{"prometheusMetrics":{"pipelines":{"metrics":{"amp":{"enabled":true}}}}}}')?.message,
    ).toBe(`${PREFIX}[$.collector.prometheusMetrics.exporters: is missing but it is required]`);
    expect(refusal(V088, '{"collector":{"otlpIngest":{"pipelines":{"traces":{"xray":{}}}}}}')?.message).toBe(
      `${PREFIX}[$.collector.otlpIngest.pipelines.traces.xray.enabled: is missing but it is required]`,
    );
    expect(refusal('v0.66.0-eksbuild.1', '{"collector":{"amp":{"enabled":true}}}')?.message).toBe(
      `${PREFIX}[$.collector.amp.remoteWriteEndpoint: is missing but it is required]`,
    );
    expect(
      refusal(V088, '{"collector":{"containerLogs":{"exporters":{"awscloudwatchlogs":{"log_group_name":""}}}}}')
        ?.message,
    ).toBe(
      `${PREFIX}[$.collector.containerLogs.exporters.awscloudwatchlogs.log_group_name: must be at least 1 characters long, $.collector.containerLogs.exporters.awscloudwatchlogs.log_group_name: does not match the regex pattern [\\.\\-_/#A-Za-z0-9]+]`,
    );
  });

  it('refuses text that is neither JSON nor YAML', () => {
    expect(refusal(V088, '{"collector":')?.code).toBe('InvalidParameterException');
  });

  it('writes paths as the validator does', () => {
    expect(jsonPath('')).toBe('$');
    expect(jsonPath('/tolerations/0/key')).toBe('$.tolerations[0].key');
    expect(jsonPath('/a~1b/c~0d')).toBe('$.a/b.c~d');
  });
});
