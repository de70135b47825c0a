import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsJson, runAwsCli } from '../helpers/aws-cli.js';
import { startTestAwsSandbox, type TestAwsSandbox } from '../helpers/aws-sandbox.js';
import { eventually } from '../helpers/eventually.js';

const PREFIX = 'ConfigurationValue provided in request is not supported: Json schema validation failed with error: ';

/** The real AWS CLI (botocore's model and its --configuration-values handling) against the EKS emulator. */
describe('aws eks: the ADOT add-on advanced configuration', () => {
  let sandbox: TestAwsSandbox;
  let url: string;

  beforeAll(async () => {
    sandbox = await startTestAwsSandbox({
      clusterVersion: '1.28',
      catalog: ['v0.58.0-eksbuild.1', 'v0.84.0-eksbuild.1', 'v0.117.0-eksbuild.1'].map((version) => ({
        version,
        clusterVersions: ['1.28'],
      })),
    });
    url = sandbox.server.url;
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it('describe-addon-configuration answers the schema of each version as JSON text', async () => {
    type Answer = { addonName: string; addonVersion: string; configurationSchema: string };
    const schemaOf = async (version: string) => {
      const answer = await awsJson<Answer>(url, [
        'eks',
        'describe-addon-configuration',
        '--addon-name',
        'adot',
        '--addon-version',
        version,
      ]);
      expect(answer).toMatchObject({ addonName: 'adot', addonVersion: version });
      return JSON.parse(answer.configurationSchema) as {
        properties: { collector?: { properties: Record<string, unknown> } };
      };
    };
    expect((await schemaOf('v0.58.0-eksbuild.1')).properties).toEqual({});
    expect(Object.keys((await schemaOf('v0.84.0-eksbuild.1')).properties.collector?.properties ?? {})).toContain(
      'xray',
    );
    expect(Object.keys((await schemaOf('v0.117.0-eksbuild.1')).properties.collector?.properties ?? {}).sort()).toEqual([
      'containerLogs',
      'otlpIngest',
      'prometheusMetrics',
    ]);
    const missing = await runAwsCli(url, [
      'eks',
      'describe-addon-configuration',
      '--addon-name',
      'adot',
      '--addon-version',
      'v9.9.9-eksbuild.1',
    ]);
    expect([254, 255]).toContain(missing.code);
    expect(missing.stderr).toContain('(ResourceNotFoundException)');
  });

  it('create-addon --configuration-values refuses an unknown key and a wrong type, and takes valid values', async () => {
    const create = (values: string) =>
      runAwsCli(url, [
        'eks',
        'create-addon',
        '--cluster-name',
        'demo',
        '--addon-name',
        'adot',
        '--addon-version',
        'v0.117.0-eksbuild.1',
        '--configuration-values',
        values,
        '--resolve-conflicts',
        'OVERWRITE',
      ]);
    const unknown = await create('{"collector":{"xray":{"enabled":true}}}');
    expect([254, 255]).toContain(unknown.code);
    expect(unknown.stderr).toContain(
      `An error occurred (InvalidParameterException) when calling the CreateAddon operation: ${PREFIX}[$.collector.xray: is not defined in the schema and the schema does not allow additional properties]`,
    );
    const wrongType = await create('{"collector":{"otlpIngest":{"pipelines":{"traces":{"xray":{"enabled":"true"}}}}}}');
    expect(wrongType.stderr).toContain(
      `${PREFIX}[$.collector.otlpIngest.pipelines.traces.xray.enabled: string found, boolean expected]`,
    );

    const values = '{"collector":{"otlpIngest":{"pipelines":{"traces":{"xray":{"enabled":true}}}}}}';
    const created = await create(values);
    expect(created.code, created.stderr).toBe(0);
    const { addon } = JSON.parse(created.stdout) as { addon: { status: string; configurationValues: string } };
    expect(addon).toMatchObject({ status: 'CREATING', configurationValues: values });
    await eventually(
      () =>
        awsJson<{ addon: { status: string } }>(url, [
          'eks',
          'describe-addon',
          '--cluster-name',
          'demo',
          '--addon-name',
          'adot',
        ]),
      (answer) => answer.addon.status === 'ACTIVE',
    );
    expect(sandbox.hooks.settings.at(-1)).toMatchObject({ configurationValues: values, resolveConflicts: 'OVERWRITE' });
  });
});
