import {
  CreateAddonCommand,
  DescribeAddonCommand,
  DescribeAddonConfigurationCommand,
  DescribeUpdateCommand,
  EKSClient,
  ListAddonsCommand,
  UpdateAddonCommand,
  type Addon,
} from '@aws-sdk/client-eks';
import { afterEach, describe, expect, it } from 'vitest';
import { AddonHealthError, type SeedAddonCatalogEntry } from '../../src/sandbox/types.js';
import { startTestAwsSandbox, type TestAwsSandbox } from '../helpers/aws-sandbox.js';
import { eventually } from '../helpers/eventually.js';

/** versions of each configuration range, all on Kubernetes 1.28 */
const CATALOG: SeedAddonCatalogEntry[] = [
  'v0.58.0-eksbuild.1',
  'v0.62.1-eksbuild.1',
  'v0.66.0-eksbuild.1',
  'v0.84.0-eksbuild.1',
  'v0.88.0-eksbuild.1',
  'v0.117.0-eksbuild.1',
].map((version) => ({ version, clusterVersions: ['1.28'] }));

const PREFIX = 'ConfigurationValue provided in request is not supported: Json schema validation failed with error: ';
const OTLP_INGEST = '{"collector":{"otlpIngest":{"pipelines":{"traces":{"xray":{"enabled":true}}}}}}';
const LEGACY_XRAY = '{"collector":{"xray":{"enabled":true}}}';

let sandbox: TestAwsSandbox | undefined;
let client: EKSClient | undefined;

async function start(options: Parameters<typeof startTestAwsSandbox>[0] = {}) {
  sandbox = await startTestAwsSandbox({ clusterVersion: '1.28', catalog: CATALOG, ...options });
  client = new EKSClient(sandbox.clientConfig);
  return { sandbox, eks: client };
}

afterEach(async () => {
  client?.destroy();
  await sandbox?.close();
  sandbox = undefined;
  client = undefined;
});

async function addonOf(eks: EKSClient): Promise<Addon> {
  const { addon } = await eks.send(new DescribeAddonCommand({ clusterName: 'demo', addonName: 'adot' }));
  if (addon === undefined) throw new Error('DescribeAddon answered without an addon');
  return addon;
}

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number }; clusterName?: string; addonName?: string };
    return {
      name: e.name,
      message: e.message,
      status: e.$metadata?.httpStatusCode,
      clusterName: e.clusterName,
      addonName: e.addonName,
    };
  }
  throw new Error('expected the call to fail');
}

const create = (eks: EKSClient, addonVersion: string, configurationValues?: string, resolveConflicts?: string) =>
  eks.send(
    new CreateAddonCommand({
      clusterName: 'demo',
      addonName: 'adot',
      addonVersion,
      ...(configurationValues === undefined ? {} : { configurationValues }),
      ...(resolveConflicts === undefined ? {} : { resolveConflicts: resolveConflicts as 'NONE' }),
    }),
  );

async function settled(eks: EKSClient, updateId?: string) {
  if (updateId !== undefined) {
    await eventually(
      () => eks.send(new DescribeUpdateCommand({ name: 'demo', updateId, addonName: 'adot' })),
      (answer) => answer.update?.status !== 'InProgress',
    );
  }
  return eventually(
    () => addonOf(eks),
    (addon) => !['CREATING', 'UPDATING'].includes(addon.status ?? ''),
  );
}

describe('EKS advanced configuration of the ADOT add-on, through the real EKS client', () => {
  it('DescribeAddonConfiguration answers each version range its schema', async () => {
    const { eks } = await start();
    const schemaOf = async (addonVersion: string) => {
      const answer = await eks.send(new DescribeAddonConfigurationCommand({ addonName: 'adot', addonVersion }));
      expect(answer).toMatchObject({ addonName: 'adot', addonVersion });
      return JSON.parse(answer.configurationSchema ?? '') as {
        $schema: string;
        additionalProperties: boolean;
        properties: { collector?: { properties: Record<string, unknown> } } & Record<string, unknown>;
      };
    };
    expect((await schemaOf('v0.58.0-eksbuild.1')).properties).toEqual({});
    const collectorKeys = async (version: string) =>
      Object.keys((await schemaOf(version)).properties.collector?.properties ?? {}).sort();
    expect(await collectorKeys('v0.62.1-eksbuild.1')).toEqual(['amp', 'cloudwatch', 'serviceAccount', 'xray']);
    expect(await collectorKeys('v0.84.0-eksbuild.1')).toEqual([
      'amp',
      'cloudwatch',
      'mode',
      'replicas',
      'resources',
      'serviceAccount',
      'xray',
    ]);
    const presets = await schemaOf('v0.117.0-eksbuild.1');
    expect(presets.$schema).toBe('https://json-schema.org/draft/2019-09/schema');
    expect(presets.additionalProperties).toBe(false);
    expect(Object.keys(presets.properties).sort()).toEqual([
      'admissionWebhooks',
      'affinity',
      'collector',
      'kubeRBACProxy',
      'manager',
      'nodeSelector',
      'replicaCount',
      'tolerations',
    ]);
    expect(Object.keys(presets.properties.collector?.properties ?? {}).sort()).toEqual([
      'containerLogs',
      'otlpIngest',
      'prometheusMetrics',
    ]);
  });

  it('CreateAddon refuses an unknown key, a wrong type and a bad enum with the EKS message, storing nothing', async () => {
    const { eks, sandbox } = await start();
    const unknown = await refusal(create(eks, 'v0.88.0-eksbuild.1', LEGACY_XRAY));
    expect(unknown).toEqual({
      name: 'InvalidParameterException',
      status: 400,
      message: `${PREFIX}[$.collector.xray: is not defined in the schema and the schema does not allow additional properties]`,
      clusterName: 'demo',
      addonName: 'adot',
    });
    const wrongType = await refusal(create(eks, 'v0.88.0-eksbuild.1', '{"replicaCount": "two"}'));
    expect(wrongType.message).toBe(`${PREFIX}[$.replicaCount: string found, integer expected]`);
    const badEnum = await refusal(create(eks, 'v0.84.0-eksbuild.1', 'collector:\n  mode: job\n'));
    expect(badEnum.message).toBe(
      `${PREFIX}[$.collector.mode: does not have a value in the enumeration [deployment, daemonset, statefulset, sidecar]]`,
    );
    const none = await refusal(create(eks, 'v0.58.0-eksbuild.1', '{"replicaCount": 1}'));
    expect(none.message).toBe(
      `${PREFIX}[$.replicaCount: is not defined in the schema and the schema does not allow additional properties]`,
    );
    expect((await eks.send(new ListAddonsCommand({ clusterName: 'demo' }))).addons).toEqual([]);
    expect(sandbox.hooks.installed).toEqual([]);
  });

  it('CreateAddon takes valid values (YAML too) and PRESERVE, and hands them to the install', async () => {
    const { eks, sandbox } = await start();
    const yaml = 'collector:\n  otlpIngest:\n    pipelines:\n      traces:\n        xray:\n          enabled: true\n';
    const { addon } = await create(eks, 'v0.117.0-eksbuild.1', yaml, 'PRESERVE');
    expect(addon?.configurationValues).toBe(yaml);
    expect((await settled(eks)).status).toBe('ACTIVE');
    expect(sandbox.hooks.settings).toEqual([{ configurationValues: yaml, resolveConflicts: 'PRESERVE' }]);
    const odd = await refusal(
      eks.send(new UpdateAddonCommand({ clusterName: 'demo', addonName: 'adot', resolveConflicts: 'KEEP' as 'NONE' })),
    );
    expect(odd.name).toBe('InvalidParameterException');
  });

  it('UpdateAddon refuses bad values and leaves the add-on as it was', async () => {
    const { eks, sandbox } = await start({
      addons: [{ name: 'adot', version: 'v0.117.0-eksbuild.1', configurationValues: OTLP_INGEST }],
    });
    const refused = await refusal(
      eks.send(
        new UpdateAddonCommand({
          clusterName: 'demo',
          addonName: 'adot',
          configurationValues: '{"collector":{"otlpIngest":{"pipelines":{"traces":{"xray":{"enabled":"yes"}}}}}}',
        }),
      ),
    );
    expect(refused.message).toBe(
      `${PREFIX}[$.collector.otlpIngest.pipelines.traces.xray.enabled: string found, boolean expected]`,
    );
    expect(await addonOf(eks)).toMatchObject({ status: 'ACTIVE', configurationValues: OTLP_INGEST });
    expect(sandbox.hooks.installed).toEqual([]);
  });

  it('UpdateAddon from v0.84 to v0.88 refuses the v0.84 values it still has, and takes v0.88 values', async () => {
    const { eks, sandbox } = await start({
      addons: [{ name: 'adot', version: 'v0.84.0-eksbuild.1', configurationValues: LEGACY_XRAY }],
    });
    const kept = await refusal(
      eks.send(new UpdateAddonCommand({ clusterName: 'demo', addonName: 'adot', addonVersion: 'v0.88.0-eksbuild.1' })),
    );
    expect(kept.message).toBe(
      `${PREFIX}[$.collector.xray: is not defined in the schema and the schema does not allow additional properties]`,
    );
    const { update } = await eks.send(
      new UpdateAddonCommand({
        clusterName: 'demo',
        addonName: 'adot',
        addonVersion: 'v0.88.0-eksbuild.1',
        configurationValues: OTLP_INGEST,
        resolveConflicts: 'OVERWRITE',
      }),
    );
    expect(await settled(eks, update?.id)).toMatchObject({
      status: 'ACTIVE',
      addonVersion: 'v0.88.0-eksbuild.1',
      configurationValues: OTLP_INGEST,
    });
    expect(sandbox.hooks.settings).toEqual([{ configurationValues: OTLP_INGEST, resolveConflicts: 'OVERWRITE' }]);
  });

  it('a conflict during the install fails it with ConfigurationConflict; a failed update keeps the old values', async () => {
    const { eks, sandbox } = await start();
    const conflict =
      'Conflicts found when trying to apply. Will not continue due to resolve conflicts mode. Conflicts:';
    sandbox.hooks.failure = new AddonHealthError('ConfigurationConflict', conflict);
    await create(eks, 'v0.117.0-eksbuild.1', OTLP_INGEST);
    expect(await settled(eks)).toMatchObject({
      status: 'CREATE_FAILED',
      health: { issues: [{ code: 'ConfigurationConflict', message: conflict, resourceIds: [] }] },
    });

    sandbox.hooks.failure = undefined;
    const { update: first } = await eks.send(new UpdateAddonCommand({ clusterName: 'demo', addonName: 'adot' }));
    expect((await settled(eks, first?.id)).status).toBe('ACTIVE');
    sandbox.hooks.failure = new AddonHealthError('ConfigurationConflict', conflict);
    const { update } = await eks.send(
      new UpdateAddonCommand({ clusterName: 'demo', addonName: 'adot', configurationValues: '{}' }),
    );
    expect(await settled(eks, update?.id)).toMatchObject({
      status: 'UPDATE_FAILED',
      configurationValues: OTLP_INGEST,
      health: { issues: [{ code: 'ConfigurationConflict' }] },
    });
    const { update: failed } = await eks.send(
      new DescribeUpdateCommand({ name: 'demo', updateId: update?.id, addonName: 'adot' }),
    );
    expect(failed).toMatchObject({ status: 'Failed', errors: [{ errorCode: 'ConfigurationConflict' }] });
  });
});
