import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinAddonCatalog } from '../../src/sandbox/seed/catalog.js';
import { awsJson, runAwsCli } from '../helpers/aws-cli.js';
import { startTestAwsSandbox, type TestAwsSandbox } from '../helpers/aws-sandbox.js';

interface Association {
  clusterName: string;
  namespace: string;
  serviceAccount: string;
  roleArn?: string;
  associationArn: string;
  associationId: string;
  ownerArn?: string;
  createdAt?: number;
}

/** The real AWS CLI (botocore's eks model, parsers and waiters) against the EKS Pod Identity emulation. */
describe('aws CLI: EKS Pod Identity', () => {
  let sandbox: TestAwsSandbox;
  let url: string;
  const roleArn = 'arn:aws:iam::111122223333:role/collector';

  beforeAll(async () => {
    sandbox = await startTestAwsSandbox({
      clusterVersion: '1.33',
      catalog: builtinAddonCatalog(),
      timing: { addonCreateSeconds: 2 },
    });
    sandbox.iam.createRole({
      RoleName: 'collector',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'pods.eks.amazonaws.com' },
            Action: ['sts:AssumeRole', 'sts:TagSession'],
          },
        ],
      }),
    });
    url = sandbox.server.url;
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it('create-, list-, describe-, update- and delete-pod-identity-association', async () => {
    const { association } = await awsJson<{ association: Association }>(url, [
      'eks',
      'create-pod-identity-association',
      '--cluster-name',
      'demo',
      '--namespace',
      'aws-otel-eks',
      '--service-account',
      'aws-otel-collector',
      '--role-arn',
      roleArn,
    ]);
    expect(association).toMatchObject({
      clusterName: 'demo',
      namespace: 'aws-otel-eks',
      serviceAccount: 'aws-otel-collector',
      roleArn,
    });
    expect(association.associationId).toMatch(/^a-[a-z0-9]{17}$/);
    // CLI v1 prints timestamps as the wire had them: restJson1 epoch seconds
    expect(Math.abs(Number(association.createdAt) - Date.now() / 1000)).toBeLessThan(600);
    const id = association.associationId;

    const listed = await awsJson<{ associations: Association[] }>(url, [
      'eks',
      'list-pod-identity-associations',
      '--cluster-name',
      'demo',
      '--namespace',
      'aws-otel-eks',
    ]);
    expect(listed.associations.map((entry) => entry.associationId)).toEqual([id]);
    const described = await awsJson<{ association: Association }>(url, [
      'eks',
      'describe-pod-identity-association',
      '--cluster-name',
      'demo',
      '--association-id',
      id,
    ]);
    expect(described.association.associationArn).toBe(association.associationArn);
    const updated = await awsJson<{ association: Association & { disableSessionTags: boolean } }>(url, [
      'eks',
      'update-pod-identity-association',
      '--cluster-name',
      'demo',
      '--association-id',
      id,
      '--disable-session-tags',
    ]);
    expect(updated.association.disableSessionTags).toBe(true);
    const duplicate = await runAwsCli(url, [
      'eks',
      'create-pod-identity-association',
      '--cluster-name',
      'demo',
      '--namespace',
      'aws-otel-eks',
      '--service-account',
      'aws-otel-collector',
      '--role-arn',
      roleArn,
    ]);
    expect([254, 255]).toContain(duplicate.code);
    expect(duplicate.stderr).toContain('(ResourceInUseException)');
    expect(duplicate.stderr).toContain(`Association already exists: ${id}`);
    await awsJson(url, ['eks', 'delete-pod-identity-association', '--cluster-name', 'demo', '--association-id', id]);
    const gone = await runAwsCli(url, [
      'eks',
      'describe-pod-identity-association',
      '--cluster-name',
      'demo',
      '--association-id',
      id,
    ]);
    expect(gone.stderr).toContain('(ResourceNotFoundException)');
  });

  it('describe-addon-versions --addon-name eks-pod-identity-agent', async () => {
    const answer = await awsJson<{
      addons: { addonName: string; type: string; addonVersions: { addonVersion: string }[] }[];
    }>(url, [
      'eks',
      'describe-addon-versions',
      '--addon-name',
      'eks-pod-identity-agent',
      '--kubernetes-version',
      '1.33',
    ]);
    expect(answer.addons.map((addon) => [addon.addonName, addon.type])).toEqual([
      ['eks-pod-identity-agent', 'security'],
    ]);
    expect(answer.addons[0]?.addonVersions.map((version) => version.addonVersion)).toEqual([
      'v1.3.10-eksbuild.3',
      'v1.3.10-eksbuild.2',
    ]);
  });

  it('create-addon --addon-name eks-pod-identity-agent, then wait addon-active', { timeout: 60_000 }, async () => {
    const { addon } = await awsJson<{ addon: Record<string, unknown> }>(url, [
      'eks',
      'create-addon',
      '--cluster-name',
      'demo',
      '--addon-name',
      'eks-pod-identity-agent',
    ]);
    expect(addon).toMatchObject({ addonName: 'eks-pod-identity-agent', status: 'CREATING' });
    const waited = await runAwsCli(url, [
      'eks',
      'wait',
      'addon-active',
      '--cluster-name',
      'demo',
      '--addon-name',
      'eks-pod-identity-agent',
    ]);
    expect(waited).toMatchObject({ code: 0, stderr: '' });
    expect(sandbox.agentHooks.installed).toEqual(['v1.3.10-eksbuild.3']);
  });

  it('describe-addon-configuration names the service accounts and policies for pod identity', async () => {
    const answer = await awsJson<{
      podIdentityConfiguration: { serviceAccount: string; recommendedManagedPolicies: string[] }[];
      configurationSchema: string;
    }>(url, ['eks', 'describe-addon-configuration', '--addon-name', 'adot', '--addon-version', 'v0.131.0-eksbuild.1']);
    expect(answer.podIdentityConfiguration.map((entry) => entry.serviceAccount)).toEqual([
      'adot-col-prom-metrics',
      'adot-col-otlp-ingest',
      'adot-col-container-logs',
    ]);
    expect(JSON.parse(answer.configurationSchema)).toMatchObject({ type: 'object' });
  });

  it('create-addon --pod-identity-associations with the shorthand syntax the user guide shows', async () => {
    sandbox.hooks.rbac = true;
    const { addon } = await awsJson<{ addon: { addonArn: string; podIdentityAssociations: string[] } }>(url, [
      'eks',
      'create-addon',
      '--cluster-name',
      'demo',
      '--addon-name',
      'adot',
      '--addon-version',
      'v0.131.0-eksbuild.1',
      '--pod-identity-associations',
      `serviceAccount=adot-col-otlp-ingest,roleArn=${roleArn}`,
    ]);
    expect(addon.podIdentityAssociations).toHaveLength(1);
    const listed = await awsJson<{ associations: Association[] }>(url, [
      'eks',
      'list-pod-identity-associations',
      '--cluster-name',
      'demo',
      '--service-account',
      'adot-col-otlp-ingest',
    ]);
    expect(listed.associations).toEqual([
      expect.objectContaining({ namespace: 'opentelemetry-operator-system', ownerArn: addon.addonArn }),
    ]);
  });
});
