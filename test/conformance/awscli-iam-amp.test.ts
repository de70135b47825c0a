import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apsService, ApsState } from '../../src/sandbox/aws/aps/index.js';
import { awsJson, runAwsCli } from '../helpers/aws-cli.js';
import { startTestAwsSandbox, type TestAwsSandbox } from '../helpers/aws-sandbox.js';

const ACCOUNT = '111122223333';

/** The real AWS CLI (botocore's models, parsers and waiters) against the sandbox's IAM policies and AMP. */
describe('aws CLI: IAM policies and Amazon Managed Service for Prometheus', () => {
  let sandbox: TestAwsSandbox;
  let aps: ApsState;
  let url: string;

  beforeAll(async () => {
    aps = new ApsState({ account: ACCOUNT, region: 'us-east-1', workspaceCreateSeconds: 0.5 });
    sandbox = await startTestAwsSandbox({ account: ACCOUNT, services: [apsService(aps)] });
    url = sandbox.server.url;
  });

  afterAll(async () => {
    aps.workspaces.close();
    await sandbox.close();
  });

  const document = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }],
  };

  it('iam create-policy, get-policy, get-policy-version (the CLI decodes and parses the document)', async () => {
    const created = await awsJson<{ Policy: Record<string, unknown> }>(url, [
      'iam',
      'create-policy',
      '--policy-name',
      'adot-xray',
      '--path',
      '/adot/',
      '--description',
      'X-Ray for the collector',
      '--policy-document',
      JSON.stringify(document),
    ]);
    const arn = `arn:aws:iam::${ACCOUNT}:policy/adot/adot-xray`;
    expect(created.Policy).toMatchObject({ PolicyName: 'adot-xray', Arn: arn, DefaultVersionId: 'v1' });
    expect(await awsJson(url, ['iam', 'get-policy', '--policy-arn', arn])).toMatchObject({
      Policy: { Description: 'X-Ray for the collector', AttachmentCount: 0 },
    });
    const version = await awsJson<{ PolicyVersion: Record<string, unknown> }>(url, [
      'iam',
      'get-policy-version',
      '--policy-arn',
      arn,
      '--version-id',
      'v1',
    ]);
    expect(version.PolicyVersion).toMatchObject({ Document: document, VersionId: 'v1', IsDefaultVersion: true });
    const listed = await awsJson<{ Policies: { Arn: string }[] }>(url, ['iam', 'list-policies', '--scope', 'Local']);
    expect(listed.Policies.map((policy) => policy.Arn)).toEqual([arn]);
  });

  it('iam put-role-policy, get-role-policy, list-role-policies', async () => {
    const trust = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    };
    await awsJson(url, [
      'iam',
      'create-role',
      '--role-name',
      'r',
      '--assume-role-policy-document',
      JSON.stringify(trust),
    ]);
    const put = await runAwsCli(url, [
      'iam',
      'put-role-policy',
      '--role-name',
      'r',
      '--policy-name',
      'xray',
      '--policy-document',
      JSON.stringify(document),
    ]);
    expect(put).toMatchObject({ code: 0, stdout: '' });
    expect(await awsJson(url, ['iam', 'get-role-policy', '--role-name', 'r', '--policy-name', 'xray'])).toEqual({
      RoleName: 'r',
      PolicyName: 'xray',
      PolicyDocument: document,
    });
    expect(await awsJson(url, ['iam', 'list-role-policies', '--role-name', 'r'])).toEqual({ PolicyNames: ['xray'] });
    const refused = await runAwsCli(url, ['iam', 'delete-role', '--role-name', 'r']);
    expect(refused.stderr).toContain('(DeleteConflict)');
    expect(refused.stderr).toContain('Cannot delete entity, must delete policies first.');
  });

  it(
    'amp create-workspace, wait workspace-active, list-workspaces, describe-workspace, delete-workspace',
    { timeout: 60_000 },
    async () => {
      const created = await awsJson<Record<string, unknown>>(url, ['amp', 'create-workspace', '--alias', 'prod']);
      const id = created.workspaceId as string;
      expect(created).toMatchObject({
        arn: `arn:aws:aps:us-east-1:${ACCOUNT}:workspace/${id}`,
        status: { statusCode: 'CREATING' },
      });
      const waited = await runAwsCli(url, ['amp', 'wait', 'workspace-active', '--workspace-id', id]);
      expect(waited).toMatchObject({ code: 0, stderr: '' });
      const listed = await awsJson<{ workspaces: Record<string, unknown>[] }>(url, [
        'amp',
        'list-workspaces',
        '--alias',
        'pro',
      ]);
      expect(listed.workspaces).toEqual([
        expect.objectContaining({ workspaceId: id, alias: 'prod', status: { statusCode: 'ACTIVE' } }),
      ]);
      const described = await awsJson<{ workspace: Record<string, unknown> }>(url, [
        'amp',
        'describe-workspace',
        '--workspace-id',
        id,
      ]);
      expect(described.workspace).toMatchObject({
        workspaceId: id,
        prometheusEndpoint: `https://aps-workspaces.us-east-1.amazonaws.com/workspaces/${id}/`,
      });
      expect(await runAwsCli(url, ['amp', 'delete-workspace', '--workspace-id', id])).toMatchObject({ code: 0 });
      const missing = await runAwsCli(url, ['amp', 'describe-workspace', '--workspace-id', 'ws-nope']);
      expect(missing.stderr).toContain('(ResourceNotFoundException)');
    },
  );

  it('keys the sandbox never issued are refused with InvalidClientTokenId', async () => {
    const result = await runAwsCli(url, ['sts', 'get-caller-identity'], 60_000, {
      accessKeyId: 'AKIAOTHER00000000000',
      secretAccessKey: 'made-up',
    });
    expect(result.stderr).toContain('(InvalidClientTokenId)');
    expect(result.stderr).toContain('The security token included in the request is invalid.');
  });
});
