import {
  CreateAddonCommand,
  DeleteAddonCommand,
  DeletePodIdentityAssociationCommand,
  DescribeAddonCommand,
  DescribeAddonConfigurationCommand,
  DescribeAddonVersionsCommand,
  DescribeUpdateCommand,
  EKSClient,
  ListPodIdentityAssociationsCommand,
  paginateDescribeAddonVersions,
  UpdateAddonCommand,
  UpdatePodIdentityAssociationCommand,
} from '@aws-sdk/client-eks';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinAddonCatalog } from '../../src/sandbox/seed/catalog.js';
import { errorOf } from '../helpers/aws-errors.js';
import { startTestAwsSandbox, type TestAwsSandbox, type TestAwsSandboxOptions } from '../helpers/aws-sandbox.js';
import { eventually } from '../helpers/eventually.js';

const ACCOUNT = '111122223333';
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const ADOT_POD_IDENTITY = 'v0.131.0-eksbuild.1';
const AGENT = 'eks-pod-identity-agent';

let sandbox: TestAwsSandbox | undefined;
let client: EKSClient | undefined;

async function start(options: TestAwsSandboxOptions = {}): Promise<{ sandbox: TestAwsSandbox; eks: EKSClient }> {
  sandbox = await startTestAwsSandbox({ clusterVersion: '1.33', catalog: builtinAddonCatalog(), ...options });
  client = new EKSClient(sandbox.clientConfig);
  for (const name of ['otlp', 'prom']) {
    sandbox.iam.createRole({
      RoleName: name,
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
  }
  return { sandbox, eks: client };
}

afterEach(async () => {
  client?.destroy();
  await sandbox?.close();
  sandbox = undefined;
  client = undefined;
});

const active = (eks: EKSClient, addonName: string) =>
  eventually(
    () => eks.send(new DescribeAddonCommand({ clusterName: 'demo', addonName })),
    (answer) => answer.addon?.status === 'ACTIVE',
  );

describe('the EKS Pod Identity Agent add-on and add-on-owned associations through the real EKS client', () => {
  it('lists every add-on without addonName, by version across pages, and applies the filters', async () => {
    const { eks } = await start();
    const names: string[] = [];
    let versions = 0;
    let pages = 0;
    for await (const page of paginateDescribeAddonVersions(
      { client: eks, pageSize: 2 },
      { kubernetesVersion: '1.33' },
    )) {
      pages += 1;
      for (const addon of page.addons ?? []) {
        if (names.at(-1) !== addon.addonName) names.push(addon.addonName ?? '');
        versions += addon.addonVersions?.length ?? 0;
      }
    }
    expect(names).toEqual(['adot', AGENT]);
    // ADOT v0.131.0, v0.141.0, v0.151.0-eksbuild.1 and .2; the agent's v1.3.10-eksbuild.2 and .3
    expect(versions).toBe(6);
    expect(pages).toBe(3);
    const agent = await eks.send(new DescribeAddonVersionsCommand({ addonName: AGENT, kubernetesVersion: '1.33' }));
    expect(agent.addons).toHaveLength(1);
    expect(agent.addons?.[0]).toMatchObject({
      addonName: AGENT,
      type: 'security',
      owner: 'aws',
      publisher: 'eks',
      defaultNamespace: 'kube-system',
    });
    const defaults = (agent.addons?.[0]?.addonVersions ?? []).filter((v) => v.compatibilities?.[0]?.defaultVersion);
    expect(defaults.map((v) => v.addonVersion)).toEqual(['v1.3.10-eksbuild.3']);
    expect(defaults[0]).toMatchObject({ architecture: ['amd64', 'arm64'], requiresIamPermissions: false });
    const security = await eks.send(new DescribeAddonVersionsCommand({ types: ['security'] }));
    expect(security.addons?.map((addon) => addon.addonName)).toEqual([AGENT]);
    const observability = await eks.send(
      new DescribeAddonVersionsCommand({
        types: ['observability', 'networking'],
        owners: ['aws'],
        publishers: ['eks'],
      }),
    );
    expect(new Set(observability.addons?.map((addon) => addon.addonName))).toEqual(new Set(['adot']));
    expect((await eks.send(new DescribeAddonVersionsCommand({ owners: ['aws-marketplace'] }))).addons).toEqual([]);
    // EKS Pod Identity needs Kubernetes 1.24 or later
    expect(
      (await eks.send(new DescribeAddonVersionsCommand({ addonName: AGENT, kubernetesVersion: '1.23' }))).addons,
    ).toEqual([]);
  });

  it('describes the pod identity configuration: ADOT from v0.94.1, none before and none for the agent', async () => {
    const { eks } = await start();
    const adot = await eks.send(
      new DescribeAddonConfigurationCommand({ addonName: 'adot', addonVersion: 'v0.94.1-eksbuild.1' }),
    );
    expect(adot.podIdentityConfiguration).toEqual([
      {
        serviceAccount: 'adot-col-prom-metrics',
        recommendedManagedPolicies: [
          'arn:aws:iam::aws:policy/AmazonPrometheusRemoteWriteAccess',
          'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy',
        ],
      },
      {
        serviceAccount: 'adot-col-otlp-ingest',
        recommendedManagedPolicies: ['arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess'],
      },
      {
        serviceAccount: 'adot-col-container-logs',
        recommendedManagedPolicies: ['arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy'],
      },
    ]);
    const older = await eks.send(
      new DescribeAddonConfigurationCommand({ addonName: 'adot', addonVersion: 'v0.92.1-eksbuild.1' }),
    );
    expect(older.podIdentityConfiguration).toEqual([]);
    const agent = await eks.send(
      new DescribeAddonConfigurationCommand({ addonName: AGENT, addonVersion: 'v1.3.10-eksbuild.3' }),
    );
    expect(agent.podIdentityConfiguration).toEqual([]);
    expect(Object.keys(JSON.parse(agent.configurationSchema ?? '{}').properties)).toContain('tolerations');
    expect(
      await errorOf(eks.send(new DescribeAddonConfigurationCommand({ addonName: AGENT, addonVersion: 'v9.9.9' }))),
    ).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
  });

  it('creates the agent add-on without cert-manager: CREATING, then ACTIVE through its own hooks; delete removes it', async () => {
    const { sandbox, eks } = await start();
    sandbox.hooks.certManager = 'cert-manager is not installed';
    const created = await eks.send(new CreateAddonCommand({ clusterName: 'demo', addonName: AGENT }));
    expect(created.addon).toMatchObject({ addonName: AGENT, status: 'CREATING', addonVersion: 'v1.3.10-eksbuild.3' });
    expect(created.addon?.addonArn).toMatch(
      /^arn:aws:eks:us-east-1:111122223333:addon\/demo\/eks-pod-identity-agent\//,
    );
    await active(eks, AGENT);
    expect(sandbox.agentHooks.installed).toEqual(['v1.3.10-eksbuild.3']);
    expect(sandbox.hooks.installed).toEqual([]);
    // ADOT still needs cert-manager
    expect(await errorOf(eks.send(new CreateAddonCommand({ clusterName: 'demo', addonName: 'adot' })))).toMatchObject({
      name: 'InvalidParameterException',
      message: 'cert-manager is not installed',
    });
    expect(
      await errorOf(
        eks.send(new CreateAddonCommand({ clusterName: 'demo', addonName: AGENT, addonVersion: 'v1.0.0-eksbuild.1' })),
      ),
    ).toMatchObject({ name: 'ResourceInUseException', status: 409 });
    await eks.send(new DeleteAddonCommand({ clusterName: 'demo', addonName: AGENT }));
    await eventually(
      async () => sandbox.agentHooks.removed,
      (removed) => removed === 1,
    );
    expect(sandbox.hooks.removed).toBe(0);
  });

  it('refuses an agent version the cluster does not support', async () => {
    const { eks } = await start({ clusterVersion: '1.22' });
    expect(await errorOf(eks.send(new CreateAddonCommand({ clusterName: 'demo', addonName: AGENT })))).toMatchObject({
      name: 'InvalidParameterException',
      message: 'Addon eks-pod-identity-agent has no version supported for Kubernetes version 1.22',
    });
  });

  it('CreateAddon makes the associations it is given, owned by the add-on, in the add-on namespace', async () => {
    const { eks } = await start();
    sandbox!.hooks.rbac = true;
    const created = await eks.send(
      new CreateAddonCommand({
        clusterName: 'demo',
        addonName: 'adot',
        addonVersion: ADOT_POD_IDENTITY,
        podIdentityAssociations: [{ serviceAccount: 'adot-col-otlp-ingest', roleArn: roleArn('otlp') }],
      }),
    );
    const listed = await eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'demo' }));
    expect(listed.associations).toEqual([
      expect.objectContaining({
        namespace: 'opentelemetry-operator-system',
        serviceAccount: 'adot-col-otlp-ingest',
        ownerArn: created.addon?.addonArn,
      }),
    ]);
    expect(created.addon?.podIdentityAssociations).toEqual([listed.associations?.[0]?.associationArn]);
    const described = await active(eks, 'adot');
    expect(described.addon?.podIdentityAssociations).toEqual([listed.associations?.[0]?.associationArn]);
  });

  it('refuses associations a version does not support, unknown service accounts and taken ones', async () => {
    const { eks } = await start();
    const create = (addonVersion: string, serviceAccount: string) =>
      errorOf(
        eks.send(
          new CreateAddonCommand({
            clusterName: 'demo',
            addonName: 'adot',
            addonVersion,
            podIdentityAssociations: [{ serviceAccount, roleArn: roleArn('otlp') }],
          }),
        ),
      );
    expect(await create('v0.131.0-eksbuild.1', 'aws-otel-collector')).toEqual({
      name: 'InvalidParameterException',
      status: 400,
      message: 'Service account aws-otel-collector in pod identity configuration is not supported for addon adot',
    });
    const agent = await errorOf(
      eks.send(
        new CreateAddonCommand({
          clusterName: 'demo',
          addonName: AGENT,
          podIdentityAssociations: [{ serviceAccount: 'eks-pod-identity-agent', roleArn: roleArn('otlp') }],
        }),
      ),
    );
    expect(agent).toEqual({
      name: 'InvalidParameterException',
      status: 400,
      message: 'Pod Identity feature is not supported for addon version: v1.3.10-eksbuild.3',
    });
    sandbox!.eks.createPodIdentityAssociation('demo', {
      namespace: 'opentelemetry-operator-system',
      serviceAccount: 'adot-col-otlp-ingest',
      roleArn: roleArn('otlp'),
    });
    // "Add-ons can't assume ownership of existing pod identity associations"
    expect(await create('v0.131.0-eksbuild.1', 'adot-col-otlp-ingest')).toMatchObject({
      name: 'ResourceInUseException',
      status: 409,
    });
    // nothing was created by the refused requests
    expect((await eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'demo' }))).associations).toHaveLength(
      1,
    );
  });

  it('UpdateAddon replaces the owned set; [] removes it; owned associations can be changed directly', async () => {
    const { sandbox, eks } = await start();
    sandbox.hooks.rbac = true;
    const created = await eks.send(
      new CreateAddonCommand({
        clusterName: 'demo',
        addonName: 'adot',
        addonVersion: ADOT_POD_IDENTITY,
        podIdentityAssociations: [{ serviceAccount: 'adot-col-otlp-ingest', roleArn: roleArn('otlp') }],
      }),
    );
    await active(eks, 'adot');
    const replace = [
      { serviceAccount: 'adot-col-otlp-ingest', roleArn: roleArn('prom') },
      { serviceAccount: 'adot-col-prom-metrics', roleArn: roleArn('prom') },
    ];
    const { update } = await eks.send(
      new UpdateAddonCommand({ clusterName: 'demo', addonName: 'adot', podIdentityAssociations: replace }),
    );
    expect(update?.params).toEqual([
      {
        type: 'PodIdentityAssociations',
        value: JSON.stringify(replace.map((entry) => ({ ...entry, namespace: 'opentelemetry-operator-system' }))),
      },
    ]);
    const owned = (await eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'demo' }))).associations ?? [];
    expect(owned.map((entry) => entry.serviceAccount).sort()).toEqual([
      'adot-col-otlp-ingest',
      'adot-col-prom-metrics',
    ]);
    expect(owned.every((entry) => entry.ownerArn === created.addon?.addonArn)).toBe(true);
    await eventually(
      () =>
        eks.send(
          new DescribeUpdateCommand({
            name: 'demo',
            updateId: update?.id ?? '',
            addonName: 'adot',
          }),
        ),
      (answer) => answer.update?.status === 'Successful',
    );

    // "You also can directly update or delete the pod identity association if necessary" (add-ons-iam.html)
    const direct = await eks.send(
      new UpdatePodIdentityAssociationCommand({
        clusterName: 'demo',
        associationId: owned[0]?.associationId ?? '',
        roleArn: roleArn('otlp'),
      }),
    );
    expect(direct.association?.ownerArn).toBe(created.addon?.addonArn);
    await eks.send(
      new DeletePodIdentityAssociationCommand({ clusterName: 'demo', associationId: owned[1]?.associationId ?? '' }),
    );

    await eks.send(new UpdateAddonCommand({ clusterName: 'demo', addonName: 'adot', podIdentityAssociations: [] }));
    expect((await eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'demo' }))).associations).toEqual([]);
    const described = await eks.send(new DescribeAddonCommand({ clusterName: 'demo', addonName: 'adot' }));
    expect(described.addon?.podIdentityAssociations).toBeUndefined();
  });

  it('DeleteAddon deletes the owned associations, and with preserve keeps them without an owner', async () => {
    const { sandbox, eks } = await start();
    sandbox.hooks.rbac = true;
    for (const preserve of [false, true]) {
      await eks.send(
        new CreateAddonCommand({
          clusterName: 'demo',
          addonName: 'adot',
          addonVersion: ADOT_POD_IDENTITY,
          podIdentityAssociations: [{ serviceAccount: 'adot-col-prom-metrics', roleArn: roleArn('prom') }],
        }),
      );
      await active(eks, 'adot');
      await eks.send(new DeleteAddonCommand({ clusterName: 'demo', addonName: 'adot', preserve }));
      const after = await eventually(
        async () => {
          try {
            await eks.send(new DescribeAddonCommand({ clusterName: 'demo', addonName: 'adot' }));
            return undefined;
          } catch {
            return (await eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'demo' }))).associations;
          }
        },
        (associations) => associations !== undefined,
      );
      if (preserve) {
        expect(after).toEqual([expect.objectContaining({ serviceAccount: 'adot-col-prom-metrics' })]);
        expect(after?.[0]?.ownerArn).toBeUndefined();
      } else expect(after).toEqual([]);
    }
  });

  it('seeds add-on-owned associations with the seeded add-on as owner', async () => {
    const { eks } = await start({
      addons: [
        {
          name: 'adot',
          version: ADOT_POD_IDENTITY,
          podIdentityAssociations: [{ serviceAccount: 'adot-col-otlp-ingest', roleArn: roleArn('otlp') }],
        },
      ],
    });
    const { addon } = await eks.send(new DescribeAddonCommand({ clusterName: 'demo', addonName: 'adot' }));
    const listed = await eks.send(
      new ListPodIdentityAssociationsCommand({ clusterName: 'demo', namespace: 'opentelemetry-operator-system' }),
    );
    expect(listed.associations?.[0]?.ownerArn).toBe(addon?.addonArn);
    expect(addon?.podIdentityAssociations).toEqual([listed.associations?.[0]?.associationArn]);
  });
});
