/**
 * Doctor and the sandbox's data path agree on identity: for every broken identity one can make, doctor fails
 * exactly the check that names the cause and the sandbox refuses the collector's telemetry (the AWS error in its
 * request log, or the collector's own log when it has no credentials at all), and on every correct setup doctor
 * passes and the segment arrives. Each row is one fresh sandbox of an installed scenario, changed with real clients
 * (the AWS SDK, kubectl), judged by `adot doctor -o json`, and sent one X-Ray segment through the collector's UDP
 * listener; the `aws` CLI then reads from the sandbox's X-Ray whether it was stored.
 */
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteOpenIDConnectProviderCommand,
  DeleteRoleCommand,
  DetachRolePolicyCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  DeleteAddonCommand,
  DeletePodIdentityAssociationCommand,
  ListPodIdentityAssociationsCommand,
  UpdatePodIdentityAssociationCommand,
} from '@aws-sdk/client-eks';
import { afterEach, describe, expect, it } from 'vitest';
import { buildPodIdentityTrustPolicy } from '../../src/core/identity/pod-identity-trust.js';
import { buildTrustPolicy } from '../../src/core/irsa.js';
import { oidcIssuerFor } from '../../src/sandbox/seed/defaults.js';
import { fastSeed } from '../helpers/install-sandbox.js';
import {
  arrives,
  collectorRunning,
  doctor,
  identityWorld,
  NAMESPACE,
  refused,
  restartCollector,
  ROLE,
  sendSegment,
  SERVICE_ACCOUNT,
  type IdentityWorld,
  type Refusal,
} from '../helpers/identity-world.js';
import { eventually } from '../helpers/eventually.js';
import { runAwsCli } from '../helpers/aws-cli.js';

const ACCOUNT = '123456789012';
const XRAY_POLICY = 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess';
const ISSUER = oidcIssuerFor('us-east-1', 'demo');
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER.replace('https://', '')}`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE}`;
const CLUSTER_ARN = `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/demo`;
const POD_SCOPE = {
  clusterArn: CLUSTER_ARN,
  clusterName: 'demo',
  namespace: NAMESPACE,
  serviceAccount: SERVICE_ACCOUNT,
};
const policy = (statement: Record<string, unknown>) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [statement] });

const noCredentials: Refusal = { log: /CredentialsProviderError/ };
const xrayDenied: Refusal = { service: 'xray', operation: 'PutTraceSegments', status: 403 };
const stsDenied: Refusal = { service: 'sts', operation: 'AssumeRoleWithWebIdentity', status: 403 };
const podIdentityDenied: Refusal = { service: 'eks-auth', operation: 'AssumeRoleForPodIdentity', status: 400 };

interface Row {
  name: string;
  scenario: 'installed-healthy' | 'installed-pod-identity';
  change?: (world: IdentityWorld) => Promise<unknown>;
  /** the change takes effect on new pods only (IAM changes): the user restarts the collector */
  restart?: boolean;
  doctorArgs?: string[];
  fails: string[];
  warns?: string[];
  /** undefined: the segment arrives */
  refusal?: Refusal;
}

async function associationId(world: IdentityWorld): Promise<string> {
  const listed = await world.eks.send(
    new ListPodIdentityAssociationsCommand({
      clusterName: 'demo',
      namespace: NAMESPACE,
      serviceAccount: SERVICE_ACCOUNT,
    }),
  );
  return listed.associations?.[0]?.associationId ?? '';
}

const detachXray = (world: IdentityWorld) =>
  world.iam.send(new DetachRolePolicyCommand({ RoleName: ROLE, PolicyArn: XRAY_POLICY }));
const inline = (world: IdentityWorld, actions: string[]) =>
  world.iam.send(
    new PutRolePolicyCommand({
      RoleName: ROLE,
      PolicyName: 'custom-xray',
      PolicyDocument: policy({ Effect: 'Allow', Action: actions, Resource: '*' }),
    }),
  );
const irsaTrust = (world: IdentityWorld, namespace: string, serviceAccount: string) =>
  world.iam.send(
    new UpdateAssumeRolePolicyCommand({
      RoleName: ROLE,
      PolicyDocument: JSON.stringify(
        buildTrustPolicy({ providerArn: PROVIDER_ARN, issuerUrl: ISSUER, namespace, serviceAccount }),
      ),
    }),
  );
const podTrust = (world: IdentityWorld, document: unknown) =>
  world.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: ROLE, PolicyDocument: JSON.stringify(document) }));

const ROWS: Row[] = [
  // IRSA, the blog's world (add-on v0.45.0, the service account annotated)
  { name: 'IRSA: correct', scenario: 'installed-healthy', fails: [] },
  {
    name: 'IRSA: the trust names another namespace',
    scenario: 'installed-healthy',
    change: (world) => irsaTrust(world, 'default', SERVICE_ACCOUNT),
    restart: true,
    fails: ['iam.trust-policy'],
    refusal: stsDenied,
  },
  {
    name: "IRSA: the trust names another service account (the blog's trap)",
    scenario: 'installed-healthy',
    change: (world) => irsaTrust(world, NAMESPACE, 'adot-collector'),
    restart: true,
    fails: ['iam.trust-policy'],
    refusal: stsDenied,
  },
  {
    name: 'IRSA: the annotation removed',
    scenario: 'installed-healthy',
    change: (world) =>
      world.kubectl.run([
        'annotate',
        'serviceaccount',
        SERVICE_ACCOUNT,
        '-n',
        NAMESPACE,
        'eks.amazonaws.com/role-arn-',
      ]),
    fails: ['identity.mode'],
    refusal: noCredentials,
  },
  {
    name: 'IRSA: the OIDC provider deleted',
    scenario: 'installed-healthy',
    change: (world) =>
      world.iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: PROVIDER_ARN })),
    restart: true,
    fails: ['iam.oidc-provider'],
    refusal: { service: 'sts', operation: 'AssumeRoleWithWebIdentity', status: 400 },
  },
  {
    name: 'IRSA: the X-Ray policy detached',
    scenario: 'installed-healthy',
    change: detachXray,
    fails: ['iam.policies'],
    refusal: xrayDenied,
  },
  {
    name: 'IRSA: the managed policy replaced by an inline one granting xray:PutTraceSegments',
    scenario: 'installed-healthy',
    change: async (world) => (await detachXray(world), await inline(world, ['xray:PutTraceSegments'])),
    fails: [],
  },
  {
    name: 'IRSA: a custom policy granting only xray:GetSamplingRules',
    scenario: 'installed-healthy',
    change: async (world) => (await detachXray(world), await inline(world, ['xray:GetSamplingRules'])),
    fails: ['iam.policies'],
    refusal: xrayDenied,
  },
  {
    name: 'IRSA: an explicit Deny of xray:Put* added',
    scenario: 'installed-healthy',
    change: (world) =>
      world.iam.send(
        new PutRolePolicyCommand({
          RoleName: ROLE,
          PolicyName: 'deny-xray-put',
          PolicyDocument: policy({ Effect: 'Deny', Action: 'xray:Put*', Resource: '*' }),
        }),
      ),
    fails: ['iam.policies'],
    refusal: xrayDenied,
  },
  {
    name: 'IRSA: the role deleted',
    scenario: 'installed-healthy',
    change: async (world) => (await detachXray(world), await world.iam.send(new DeleteRoleCommand({ RoleName: ROLE }))),
    restart: true,
    fails: ['iam.role'],
    refusal: stsDenied,
  },
  // EKS Pod Identity, today's world
  { name: 'Pod Identity: correct', scenario: 'installed-pod-identity', fails: [] },
  {
    name: 'Pod Identity: the association removed',
    scenario: 'installed-pod-identity',
    change: async (world) =>
      world.eks.send(
        new DeletePodIdentityAssociationCommand({ clusterName: 'demo', associationId: await associationId(world) }),
      ),
    fails: ['identity.mode'],
    refusal: noCredentials,
  },
  ...(['--role-name', undefined] as const).map((flag): Row => ({
    name: `Pod Identity: the association names another role that no longer trusts pods.eks.amazonaws.com (doctor ${flag === undefined ? 'without' : 'with'} --role-name)`,
    scenario: 'installed-pod-identity',
    change: async (world) => {
      await world.iam.send(
        new CreateRoleCommand({
          RoleName: 'OtherRole',
          AssumeRolePolicyDocument: policy({
            Effect: 'Allow',
            Principal: { Service: 'pods.eks.amazonaws.com' },
            Action: ['sts:AssumeRole', 'sts:TagSession'],
          }),
        }),
      );
      await world.iam.send(new AttachRolePolicyCommand({ RoleName: 'OtherRole', PolicyArn: XRAY_POLICY }));
      await world.eks.send(
        new UpdatePodIdentityAssociationCommand({
          clusterName: 'demo',
          associationId: await associationId(world),
          roleArn: `arn:aws:iam::${ACCOUNT}:role/OtherRole`,
        }),
      );
      // EKS checks the trust only when the association is made; it can change afterwards
      await world.iam.send(
        new UpdateAssumeRolePolicyCommand({
          RoleName: 'OtherRole',
          PolicyDocument: policy({
            Effect: 'Allow',
            Principal: { Service: 'ec2.amazonaws.com' },
            Action: 'sts:AssumeRole',
          }),
        }),
      );
    },
    doctorArgs: flag === undefined ? [] : [flag, ROLE],
    fails: flag === undefined ? ['iam.trust-policy'] : ['pod-identity.association'],
    refusal: podIdentityDenied,
  })),
  {
    name: 'Pod Identity: the agent add-on deleted',
    scenario: 'installed-pod-identity',
    change: async (world) => {
      await world.eks.send(new DeleteAddonCommand({ clusterName: 'demo', addonName: 'eks-pod-identity-agent' }));
      const gone = async () =>
        (await world.kubectl.run(['get', 'daemonset', 'eks-pod-identity-agent', '-n', 'kube-system'])).code !== 0;
      await eventually(gone, (isGone) => isGone, 20_000); // each look is a kubectl process
    },
    fails: ['pod-identity.agent'],
    refusal: noCredentials,
  },
  {
    name: 'Pod Identity: the trust names another namespace',
    scenario: 'installed-pod-identity',
    change: (world) => podTrust(world, buildPodIdentityTrustPolicy({ ...POD_SCOPE, namespace: 'default' })),
    restart: true,
    fails: ['iam.trust-policy'],
    refusal: podIdentityDenied,
  },
  {
    name: 'Pod Identity: the trust lacks sts:TagSession',
    scenario: 'installed-pod-identity',
    change: (world) =>
      podTrust(world, {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    restart: true,
    fails: ['iam.trust-policy'],
    refusal: podIdentityDenied,
  },
  {
    name: 'Pod Identity: the association disables session tags while the trust conditions on them',
    scenario: 'installed-pod-identity',
    change: async (world) =>
      world.eks.send(
        new UpdatePodIdentityAssociationCommand({
          clusterName: 'demo',
          associationId: await associationId(world),
          disableSessionTags: true,
        }),
      ),
    fails: ['iam.trust-policy'],
    refusal: podIdentityDenied,
  },
  {
    name: 'Pod Identity: the X-Ray policy detached',
    scenario: 'installed-pod-identity',
    change: detachXray,
    fails: ['iam.policies'],
    refusal: xrayDenied,
  },
  {
    name: 'Pod Identity: the policy replaced by a custom one that grants xray:PutTraceSegments',
    scenario: 'installed-pod-identity',
    change: async (world) => (await detachXray(world), await inline(world, ['xray:PutTraceSegments'])),
    fails: [],
  },
  {
    name: 'Pod Identity: an IRSA annotation too (the association wins)',
    scenario: 'installed-pod-identity',
    change: (world) =>
      world.kubectl.run([
        'annotate',
        'serviceaccount',
        SERVICE_ACCOUNT,
        '-n',
        NAMESPACE,
        `eks.amazonaws.com/role-arn=${ROLE_ARN}`,
      ]),
    fails: [],
    warns: ['identity.mode'],
  },
];

const worlds: IdentityWorld[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

describe('identity: doctor and the data path agree, row by row', () => {
  it.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const world = await identityWorld(fastSeed(row.scenario));
    worlds.push(world);
    // the collector runs before the change (it has fetched no credentials yet: nothing was sent)
    await collectorRunning(world);
    const change = (await row.change?.(world)) as { code?: number; stderr?: string } | undefined;
    if (change?.code !== undefined) expect(change.code, change.stderr).toBe(0);
    if (row.restart === true) await restartCollector(world);
    const report = await doctor(world, row.doctorArgs);
    expect(
      report.failing,
      JSON.stringify(
        report.checks.filter((c) => c.status !== 'pass' && c.status !== 'skip'),
        null,
        1,
      ),
    ).toEqual(row.fails);
    if (row.warns !== undefined) expect(report.warning).toEqual(expect.arrayContaining(row.warns));
    const traceId = await sendSegment(world);
    if (row.refusal === undefined) {
      await arrives(world, traceId);
      // and with the credentials of the wiring that wins
      const served = world.sandbox.awsRequests().filter((request) => request.status === 200);
      const via = (service: string, operation: string) =>
        served.some((request) => request.service === service && request.operation === operation);
      const irsa = row.scenario === 'installed-healthy';
      expect(via('sts', 'AssumeRoleWithWebIdentity')).toBe(irsa);
      expect(via('eks-auth', 'AssumeRoleForPodIdentity')).toBe(!irsa);
    } else {
      await refused(world, traceId, row.refusal);
    }
    // a client no one here wrote reads the same outcome from the sandbox's X-Ray
    const traces = await runAwsCli(world.sandbox.awsEndpoint, ['xray', 'batch-get-traces', '--trace-ids', traceId]);
    expect(traces.code, traces.stderr).toBe(0);
    const stored = (JSON.parse(traces.stdout) as { Traces: { Id: string }[] }).Traces.map((trace) => trace.Id);
    expect(stored).toEqual(row.refusal === undefined ? [traceId] : []);
  });
});
