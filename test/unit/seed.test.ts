import { describe, expect, it } from 'vitest';
import { AdotError } from '../../src/core/errors.js';
import {
  blogAddonCatalog,
  builtinAddonCatalog,
  builtinDefaultVersions,
  catalogWithoutDefaults,
  newestSupportedKubernetes,
} from '../../src/sandbox/seed/catalog.js';
import { oidcIssuerFor } from '../../src/sandbox/seed/defaults.js';
import { parseSeed, validateSeed } from '../../src/sandbox/seed/parse.js';
import { presetObjects } from '../../src/sandbox/seed/presets.js';
import { SCENARIOS, scenarioSeed } from '../../src/sandbox/seed/scenarios.js';

function seedError(text: string): AdotError {
  try {
    parseSeed(text, 'seed.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(AdotError);
    return error as AdotError;
  }
  throw new Error('the seed was accepted');
}

describe('parseSeed: good seeds', () => {
  it('reads the contract example and keeps every value', () => {
    const seed = parseSeed(
      `account: "210987654321"
region: eu-west-1
addonCatalog:
  - version: v0.45.0-eksbuild.1
    clusterVersions: ["1.19", "1.20", "1.21", "1.22"]
    default: true
    architecture: [amd64]
behaviour:
  addonCreateSeconds: 0.2
  rolloutSeconds: 0.5
  faults:
    - {service: eks, operation: DescribeAddon, status: 429, rate: 0.3}
    - {service: kubernetes, verb: patch, status: 500, rate: 0.1}
clusters:
  - name: demo
    version: "1.22"
    gitVersion: v1.22.17-eks-48e63af
    status: ACTIVE
    oidcIssuer: https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF
    presets: [cert-manager-v1.5.3, addon-rbac]
    addons:
      - {name: adot, version: v0.45.0-eksbuild.1, status: DEGRADED, serviceAccountRoleArn: "arn:aws:iam::210987654321:role/x",
         health: [{code: InsufficientNumberOfReplicas, message: "not enough", resourceIds: ["a"]}]}
    objects:
      - {apiVersion: v1, kind: Namespace, metadata: {name: aws-otel-eks, labels: {anything: goes}}, extra: {free: form}}
iam:
  oidcProviders: [{url: https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF, clientIds: [sts.amazonaws.com]}]
  roles: [{name: EKS-ADOT-ServiceAccount-Role, assumeRolePolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "sts:AssumeRole", Extra: [1, 2]}]}, attachedPolicies: ["arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"]}]
`,
      'seed.yaml',
    );
    expect(seed.account).toBe('210987654321');
    expect(seed.region).toBe('eu-west-1');
    expect(seed.behaviour).toMatchObject({
      addonCreateSeconds: 0.2,
      rolloutSeconds: 0.5,
      addonDeleteSeconds: 1,
      addonUpdateSeconds: 2,
    });
    expect(seed.behaviour?.faults).toHaveLength(2);
    expect(seed.clusters?.[0]?.addons?.[0]?.health?.[0]?.code).toBe('InsufficientNumberOfReplicas');
    expect(seed.clusters?.[0]?.objects?.[0]).toMatchObject({ extra: { free: 'form' } });
    expect(seed.iam?.roles?.[0]?.assumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole', Extra: [1, 2] },
      ],
    });
  });

  it('reads customer managed and inline policies, and AMP workspaces', () => {
    const seed = parseSeed(
      `iam:
  policies:
    - name: adot-xray
      path: /adot/
      description: what the collector needs
      document: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: ["xray:PutTraceSegments"], Resource: "*"}]}
  roles:
    - name: collector
      attachedPolicies: ["arn:aws:iam::123456789012:policy/adot/adot-xray", "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"]
      inlinePolicies:
        amp: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "aps:RemoteWrite", Resource: "*"}]}
amp:
  workspaces: [{id: ws-0123abcd-4e5f-6789-abcd-ef0123456789, alias: prod}, {alias: dev, status: CREATING}]
behaviour: {workspaceCreateSeconds: 0.5, addonCollectorBatchSeconds: 2}
`,
      'seed.yaml',
    );
    expect(seed.iam?.policies?.[0]).toMatchObject({ name: 'adot-xray', path: '/adot/' });
    expect(Object.keys(seed.iam?.roles?.[0]?.inlinePolicies ?? {})).toEqual(['amp']);
    expect(seed.amp?.workspaces).toEqual([
      { id: 'ws-0123abcd-4e5f-6789-abcd-ef0123456789', alias: 'prod' },
      { alias: 'dev', status: 'CREATING' },
    ]);
    expect(seed.behaviour?.workspaceCreateSeconds).toBe(0.5);
    expect(seed.behaviour?.addonCollectorBatchSeconds).toBe(2);
  });

  it('fills the defaults of an empty seed', () => {
    const seed = parseSeed('', 'empty.yaml');
    expect(seed.account).toBe('123456789012');
    expect(seed.region).toBe('us-east-1');
    expect(seed.behaviour).toMatchObject({
      addonCreateSeconds: 3,
      addonDeleteSeconds: 1,
      addonUpdateSeconds: 2,
      rolloutSeconds: 1,
    });
    expect(seed.clusters).toHaveLength(1);
    // a cluster without a version is what the default scenario runs: the newest Kubernetes with an ADOT version
    expect(seed.clusters?.[0]).toMatchObject({
      name: 'demo',
      version: '1.36',
      gitVersion: expect.stringMatching(/^v1\.36\.0-eks-[0-9a-f]{7}$/),
      status: 'ACTIVE',
    });
  });

  it('derives the gitVersion per minor and the OIDC issuer from region and name', () => {
    const seed = parseSeed(
      'region: ap-south-1\nclusters: [{name: one, version: "1.27"}, {name: two, version: "1.40"}]',
      's.yaml',
    );
    const [one, two] = seed.clusters ?? [];
    expect(one?.gitVersion).toBe('v1.27.16-eks-2d5f260');
    expect(two?.gitVersion).toMatch(/^v1\.40\.0-eks-[0-9a-f]{7}$/);
    expect(one?.oidcIssuer).toMatch(/^https:\/\/oidc\.eks\.ap-south-1\.amazonaws\.com\/id\/[0-9A-F]{32}$/);
    expect(one?.oidcIssuer).toBe(oidcIssuerFor('ap-south-1', 'one'));
    expect(one?.oidcIssuer).not.toBe(two?.oidcIssuer);
  });
});

describe('parseSeed: bad seeds', () => {
  it('reports a YAML syntax error with its line', () => {
    const error = seedError('account: "123456789012"\nclusters:\n  - name: demo\n   version: [1.22\n');
    expect(error.kind).toBe('usage');
    expect(error.code).toBe('SeedInvalid');
    expect(error.exitStatus).toBe(2);
    expect(error.message).toMatch(/^seed\.yaml:\d+: the seed is not valid YAML/);
    expect(error.hint).toContain('docs/sandbox.md');
  });

  it('refuses duplicate keys, alias bombs, oversized seeds and kinds no API server serves, as usage errors', () => {
    expect(seedError('account: "123456789012"\naccount: "123456789013"\n').message).toBe(
      'seed.yaml:2: the seed is not valid YAML: Map keys must be unique: "account" is defined again',
    );
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const name of 'bcdefgh')
      bomb.push(
        `${name}: &${name} [${Array(9)
          .fill(`*${String.fromCharCode(name.charCodeAt(0) - 1)}`)
          .join(', ')}]`,
      );
    expect(seedError(bomb.join('\n')).message).toContain('Excessive alias count');
    expect(seedError(`# ${'x'.repeat(9 * 1024 * 1024)}\n`).message).toMatch(/at most \d+ are read/);
    const bogus = seedError(
      'clusters:\n  - name: demo\n    objects:\n      - {apiVersion: v1, kind: Bogus, metadata: {name: x}}\n',
    );
    expect(bogus.message).toContain('clusters[0].objects[0].kind: no kind Bogus in v1');
    const withCrd = `clusters:
  - name: demo
    objects:
      - apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec: {group: example.com, names: {kind: Widget, plural: widgets}, scope: Namespaced}
      - {apiVersion: example.com/v1, kind: Widget, metadata: {name: w, namespace: default}}
`;
    expect(() => parseSeed(withCrd, 'seed.yaml')).not.toThrow();
  });

  it('names an unknown key deep inside a list with its path and line', () => {
    const error = seedError(`clusters:
  - name: demo
    addons:
      - {name: adot, version: v0.45.0-eksbuild.1}
      - name: adot2
        version: v0.45.0-eksbuild.1
        stauts: ACTIVE
`);
    expect(error.message).toBe(
      'seed.yaml:7: clusters[0].addons[1].stauts: unknown key; expected one of name, version, status, serviceAccountRoleArn, configurationValues, health, podIdentityAssociations',
    );
  });

  it("refuses ADOT configurationValues its version would refuse, in EKS's words", () => {
    const error = seedError(`clusters:
  - name: demo
    addons:
      - name: adot
        version: v0.88.0-eksbuild.1
        configurationValues: '{"collector":{"xray":{"enabled":true}}}'
`);
    expect(error.message).toContain(
      'clusters[0].addons[0].configurationValues: ConfigurationValue provided in request is not supported: Json schema validation failed with error: [$.collector.xray: is not defined in the schema and the schema does not allow additional properties]',
    );
  });

  it('names an unknown top-level key and a wrong type', () => {
    expect(seedError('acount: x\n').message).toMatch(
      /^seed\.yaml:1: acount: unknown key; expected one of account, region/,
    );
    expect(seedError('clusters:\n  name: demo\n').message).toBe(
      'seed.yaml:2: clusters: expected a list, got a mapping',
    );
    expect(seedError('behaviour:\n  rolloutSeconds: soon\n').message).toBe(
      'seed.yaml:2: behaviour.rolloutSeconds: expected a number, got "soon"',
    );
  });

  it('accepts anything inside Kubernetes objects and policy documents but requires their identity', () => {
    expect(() =>
      parseSeed(
        'clusters: [{name: a, objects: [{apiVersion: v1, kind: ConfigMap, metadata: {name: x}, data: {k: v}, zzz: 1}]}]',
        's',
      ),
    ).not.toThrow();
    expect(seedError('clusters: [{name: a, objects: [{apiVersion: v1, metadata: {name: x}}]}]').message).toContain(
      'clusters[0].objects[0].kind: required key is missing',
    );
    expect(
      seedError('clusters: [{name: a, objects: [{apiVersion: v1, kind: "", metadata: {name: x}}]}]').message,
    ).toContain('clusters[0].objects[0].kind: expected a non-empty string, got ""');
    expect(seedError('clusters: [{name: a, objects: [{apiVersion: v1, kind: ConfigMap}]}]').message).toContain(
      'clusters[0].objects[0].metadata: required key is missing',
    );
    expect(seedError('iam: {policies: [{name: p, document: "{}"}]}').message).toContain(
      'iam.policies[0].document: expected a mapping, got "{}"',
    );
  });

  it.each([
    [
      'account: 123456789012',
      'account: expected a string (an AWS account id of 12 digits), got number 123456789012 (quote it)',
    ],
    ['account: "1234"', 'account: expected an AWS account id of 12 digits, got "1234"'],
    ['region: mars', 'region: expected an AWS region like us-east-1, got "mars"'],
    ['clusters: [{name: -bad}]', 'clusters[0].name: expected an EKS cluster name'],
    [
      'clusters: [{name: a, version: "1.x"}]',
      'clusters[0].version: expected a Kubernetes minor version like "1.22", got "1.x"',
    ],
    [
      'clusters: [{name: a, version: 1.30}]',
      'clusters[0].version: expected a string (a Kubernetes minor version like "1.22"), got number 1.3 (quote it)',
    ],
    [
      'clusters: [{name: a, status: RUNNING}]',
      'clusters[0].status: expected one of CREATING, ACTIVE, DELETING, FAILED, UPDATING, PENDING, got "RUNNING"',
    ],
    [
      'clusters: [{name: a, addons: [{name: adot, version: v0.45.0-eksbuild.1, status: GREEN}]}]',
      'clusters[0].addons[0].status: expected one of CREATING, ACTIVE',
    ],
    ['clusters: [{name: a, presets: [istio]}]', 'clusters[0].presets[0]: expected a preset: cert-manager-<version>'],
    ['clusters: [{name: a}, {name: a}]', 'clusters[1]: duplicate of clusters[0] ("a")'],
    ['clusters: [{version: "1.22"}]', 'clusters[0].name: required key is missing'],
    [
      'behaviour: {faults: [{service: eks, status: 429, rate: 1.5}]}',
      'behaviour.faults[0].rate: expected a number from 0 to 1, got 1.5',
    ],
    [
      'behaviour: {faults: [{service: s3, status: 500, rate: 0.1}]}',
      'behaviour.faults[0].service: expected one of eks, eks-auth, iam, sts, xray, logs, aps, kubernetes',
    ],
    [
      'behaviour: {faults: [{service: eks, status: 200, rate: 0.1}]}',
      'behaviour.faults[0].status: expected an integer from 400 to 599, got 200',
    ],
    [
      'iam: {roles: [{name: r, attachedPolicies: [AWSXRayDaemonWriteAccess]}]}',
      'iam.roles[0].attachedPolicies[0]: expected an IAM policy ARN',
    ],
    [
      'iam: {roles: [{name: r, attachedPolicies: ["arn:aws:iam::123456789012:policy/missing"]}]}',
      'iam.roles[0].attachedPolicies[0]: no policy of iam.policies has the ARN arn:aws:iam::123456789012:policy/missing',
    ],
    [
      'iam: {roles: [{name: r, attachedPolicies: ["arn:aws:iam::aws:policy/AmazonS3FullAccess"]}]}',
      'iam.roles[0].attachedPolicies[0]: the sandbox does not know the AWS managed policy arn:aws:iam::aws:policy/AmazonS3FullAccess',
    ],
    [
      'iam: {policies: [{name: p, document: {Statement: [{Effect: Allow, Action: "xray:*"}]}}]}',
      'iam.policies[0].document: not a policy document IAM accepts: Policy statement must contain resources.',
    ],
    ['iam: {policies: [{name: "bad name", document: {}}]}', 'iam.policies[0].name: expected an IAM policy name'],
    ['iam: {policies: [{name: p}]}', 'iam.policies[0].document: required key is missing'],
    [
      'iam: {roles: [{name: r, inlinePolicies: {x: {Statement: [{Effect: Allow, Principal: "*", Action: "*", Resource: "*"}]}}}]}',
      'iam.roles[0].inlinePolicies.x: not a policy document IAM accepts: Policy document should not specify a principal.',
    ],
    [
      'iam: {roles: [{name: r, inlinePolicies: {"a/b": {}}}]}',
      'iam.roles[0].inlinePolicies["a/b"]: expected a key that is an IAM policy name',
    ],
    ['amp: {workspaces: [{id: workspace-1}]}', 'amp.workspaces[0].id: expected a workspace id like ws-'],
    [
      'amp: {workspaces: [{status: READY}]}',
      'amp.workspaces[0].status: expected one of CREATING, ACTIVE, UPDATING, DELETING, CREATION_FAILED',
    ],
    ['behaviour: {workspaceCreateSeconds: -1}', 'behaviour.workspaceCreateSeconds: expected a number from 0 to 3600'],
    [
      'behaviour: {addonCollectorBatchSeconds: 7200}',
      'behaviour.addonCollectorBatchSeconds: expected a number from 0 to 3600',
    ],
  ])('rejects %s', (text, expected) => {
    const error = seedError(text);
    expect(error.code).toBe('SeedInvalid');
    expect(error.message).toContain(`seed.yaml:1: ${expected}`);
  });

  it('lists every problem when there are several', () => {
    const error = seedError('account: "1"\nregion: nowhere\n');
    expect(error.message).toContain('the seed has 2 problems');
    expect(error.message).toContain('seed.yaml:1: account');
    expect(error.message).toContain('seed.yaml:2: region');
  });
});

describe('scenarios', () => {
  it('each scenario is a valid seed with a cluster named demo', () => {
    for (const scenario of SCENARIOS) {
      const seed = validateSeed(scenario.seed, `scenario ${scenario.name}`);
      expect(seed.clusters?.map((cluster) => cluster.name)).toEqual(['demo']);
      expect(scenario.description.length).toBeGreaterThan(10);
    }
  });

  it('has the documented scenarios and their distinguishing facts', () => {
    expect(SCENARIOS.map((scenario) => scenario.name)).toEqual([
      'fresh',
      'blog-2022',
      'no-cert-manager',
      'cert-manager-too-new',
      'old-kubernetes',
      'no-addon-version',
      'no-default-version',
      'no-permissions',
      'installed-healthy',
      'irsa-broken',
      'addon-degraded',
      'flaky-api',
      'pod-identity-ready',
      'installed-pod-identity',
      'addon-presets',
      'fargate-only',
    ]);
    expect(scenarioSeed('addon-presets').clusters?.[0]?.addons).toMatchObject([
      { name: 'adot', version: 'v0.151.0-eksbuild.2', status: 'ACTIVE' },
    ]);
    expect(scenarioSeed('pod-identity-ready').clusters?.[0]).toMatchObject({
      version: '1.36',
      addons: [{ name: 'eks-pod-identity-agent', status: 'ACTIVE' }],
    });
    expect(scenarioSeed('fargate-only').clusters?.[0]).toMatchObject({ version: '1.36', computeType: 'fargate' });
    // today's world: the newest Kubernetes with an ADOT version, the latest cert-manager, the built-in catalogue
    expect(scenarioSeed('fresh').clusters?.[0]).toMatchObject({
      version: '1.36',
      presets: ['cert-manager-v1.21.1', 'demo-workload'],
    });
    expect(scenarioSeed('fresh').addonCatalog).toBeUndefined();
    // the blog's world, exactly: EKS 1.22, cert-manager of the 1.5 line, the blog's catalogue
    const blog = scenarioSeed('blog-2022');
    expect(blog.clusters?.[0]).toMatchObject({
      version: '1.22',
      gitVersion: 'v1.22.17-eks-48e63af',
      presets: ['cert-manager-v1.5.3', 'demo-workload'],
      addons: [],
    });
    expect(blog.addonCatalog).toEqual(blogAddonCatalog());
    for (const name of ['installed-healthy', 'irsa-broken', 'addon-degraded', 'old-kubernetes']) {
      expect(scenarioSeed(name).addonCatalog, name).toEqual(blogAddonCatalog());
    }
    expect(scenarioSeed('cert-manager-too-new').clusters?.[0]).toMatchObject({
      version: '1.22',
      presets: ['cert-manager-v1.8.2', 'addon-rbac'],
      addons: [{ name: 'adot', version: 'v0.45.0-eksbuild.1', status: 'ACTIVE' }],
    });
    expect(scenarioSeed('no-addon-version').clusters?.[0]?.version).toBe('1.37');
    expect(scenarioSeed('no-default-version').addonCatalog?.every((entry) => entry.default === false)).toBe(true);
    expect(scenarioSeed('installed-healthy').clusters?.[0]?.presets).toContain('demo-workload');
    expect(scenarioSeed('old-kubernetes').clusters?.[0]?.gitVersion).toMatch(/^v1\.18\.20-eks-/);
    const broken = JSON.stringify(scenarioSeed('irsa-broken').iam);
    expect(broken).toContain('system:serviceaccount:aws-otel-eks:adot-collector');
    expect(scenarioSeed('irsa-broken').iam?.roles?.[0]?.attachedPolicies).toEqual([]);
    for (const fault of scenarioSeed('flaky-api').behaviour?.faults ?? []) expect(fault.rate).toBeLessThan(0.35);
  });

  it('says in each description which world it is in', () => {
    for (const scenario of SCENARIOS) {
      expect(scenario.description, scenario.name).toMatch(/today|like fresh|blog's world|like installed-healthy/);
    }
  });

  it('refuses an unknown scenario and lists the known ones', () => {
    expect(() => scenarioSeed('nope')).toThrow(
      expect.objectContaining({ kind: 'usage', hint: expect.stringContaining('installed-healthy') }),
    );
  });
});

describe('built-in add-on catalogue', () => {
  const catalog = builtinAddonCatalog();

  it('has every published version and eksbuild, newest first, v0.45.0 amd64-only and multi-arch from v0.51.0', () => {
    expect(catalog.map((entry) => entry.version)).toEqual([
      'v0.151.0-eksbuild.2',
      'v0.151.0-eksbuild.1',
      'v0.141.0-eksbuild.1',
      'v0.131.0-eksbuild.1',
      'v0.117.0-eksbuild.1',
      'v0.109.0-eksbuild.2',
      'v0.109.0-eksbuild.1',
      'v0.102.1-eksbuild.2',
      'v0.102.1-eksbuild.1',
      'v0.102.0-eksbuild.1',
      'v0.94.1-eksbuild.1',
      'v0.92.1-eksbuild.1',
      'v0.90.0-eksbuild.1',
      'v0.88.0-eksbuild.2',
      'v0.88.0-eksbuild.1',
      'v0.84.0-eksbuild.1',
      'v0.82.0-eksbuild.1',
      'v0.80.0-eksbuild.2',
      'v0.80.0-eksbuild.1',
      'v0.78.0-eksbuild.2',
      'v0.78.0-eksbuild.1',
      'v0.76.1-eksbuild.1',
      'v0.74.0-eksbuild.1',
      'v0.70.0-eksbuild.1',
      'v0.66.0-eksbuild.1',
      'v0.62.1-eksbuild.1',
      'v0.58.0-eksbuild.1',
      'v0.56.0-eksbuild.2',
      'v0.51.0-eksbuild.1',
      'v0.45.0-eksbuild.1',
    ]);
    expect(catalog.find((entry) => entry.version === 'v0.45.0-eksbuild.1')).toMatchObject({
      clusterVersions: ['1.19', '1.20', '1.21', '1.22'],
      architecture: ['amd64'],
    });
    expect(catalog.find((entry) => entry.version.startsWith('v0.51.0'))?.architecture).toEqual(['amd64', 'arm64']);
    expect(catalog.find((entry) => entry.version === 'v0.151.0-eksbuild.2')?.clusterVersions).toEqual([
      '1.31',
      '1.32',
      '1.33',
      '1.34',
      '1.35',
      '1.36',
    ]);
    // flags no default: the emulator makes the newest compatible version the default
    expect(catalog.some((entry) => entry.default !== undefined)).toBe(false);
  });

  it('agrees with the public DescribeAddonVersions outputs it cites', () => {
    const listing = (kubernetes: string) =>
      catalog.filter((entry) => entry.clusterVersions.includes(kubernetes)).map((entry) => entry.version);
    // the ADOT docs' update page: 1.23 lists v0.58.0-eksbuild.1 and v0.56.0-eksbuild.2 and nothing older
    expect(listing('1.23')).toEqual(expect.arrayContaining(['v0.58.0-eksbuild.1', 'v0.56.0-eksbuild.2']));
    expect(listing('1.23')).not.toContain('v0.51.0-eksbuild.1');
    // 2023-10-14 at 1.27: v0.74.0-eksbuild.1 … v0.82.0-eksbuild.1, nothing older
    expect(listing('1.27')).toEqual(
      expect.arrayContaining([
        'v0.82.0-eksbuild.1',
        'v0.80.0-eksbuild.2',
        'v0.80.0-eksbuild.1',
        'v0.78.0-eksbuild.2',
        'v0.78.0-eksbuild.1',
        'v0.76.1-eksbuild.1',
        'v0.74.0-eksbuild.1',
      ]),
    );
    expect(listing('1.27')).not.toContain('v0.70.0-eksbuild.1');
    // each release's announced newest Kubernetes version
    const newest = (kubernetes: string) => listing(kubernetes).at(-1);
    expect(newest('1.29')).toBe('v0.92.1-eksbuild.1');
    expect(newest('1.30')).toBe('v0.102.0-eksbuild.1');
    expect(newest('1.31')).toBe('v0.109.0-eksbuild.1');
    expect(newest('1.32')).toBe('v0.117.0-eksbuild.1');
    expect(newest('1.33')).toBe('v0.131.0-eksbuild.1');
    expect(newest('1.34')).toBe('v0.141.0-eksbuild.1');
    expect(listing('1.35')).toEqual(['v0.151.0-eksbuild.2', 'v0.151.0-eksbuild.1']);
  });

  it('has exactly one default from 1.19 to 1.36, the newest compatible, and nothing for 1.18 or 1.37', () => {
    const defaults = builtinDefaultVersions();
    for (let minor = 19; minor <= 36; minor += 1) {
      const version = defaults.get(`1.${minor}`);
      expect(version, `1.${minor}`).toBeDefined();
      expect(catalog.find((entry) => entry.version === version)?.clusterVersions).toContain(`1.${minor}`);
    }
    expect(defaults.get('1.36')).toBe('v0.151.0-eksbuild.2');
    expect(defaults.get('1.22')).toBe('v0.78.0-eksbuild.2');
    expect(newestSupportedKubernetes()).toBe('1.36');
    expect(
      catalog.some((entry) => entry.clusterVersions.includes('1.37') || entry.clusterVersions.includes('1.18')),
    ).toBe(false);
  });

  it("keeps the blog's catalogue as the blog printed it, and one without any default", () => {
    expect(blogAddonCatalog()).toEqual([
      {
        version: 'v0.45.0-eksbuild.1',
        clusterVersions: ['1.19', '1.20', '1.21', '1.22'],
        default: true,
        architecture: ['amd64'],
        requiresConfiguration: false,
      },
    ]);
    expect(catalogWithoutDefaults().map((entry) => entry.default)).toEqual(catalog.map(() => false));
  });
});

describe('presets', () => {
  it('cert-manager-<version> carries that version in labels and images', () => {
    const objects = presetObjects('cert-manager-v1.13.1');
    const deployments = objects.filter((object) => object.kind === 'Deployment');
    expect(deployments.map((deployment) => deployment.metadata.name).sort()).toEqual([
      'cert-manager',
      'cert-manager-cainjector',
      'cert-manager-webhook',
    ]);
    for (const deployment of deployments) {
      expect(deployment.metadata.labels?.['app.kubernetes.io/version']).toBe('v1.13.1');
      expect(JSON.stringify(deployment)).toMatch(/quay\.io\/jetstack\/cert-manager-[a-z]+:v1\.13\.1/);
    }
    const crds = objects
      .filter((object) => object.kind === 'CustomResourceDefinition')
      .map((object) => object.metadata.name);
    expect(crds).toEqual(expect.arrayContaining(['certificates.cert-manager.io', 'challenges.acme.cert-manager.io']));
    const webhook = objects.find(
      (object) => object.kind === 'Service' && object.metadata.name === 'cert-manager-webhook',
    );
    expect(webhook?.spec).toMatchObject({ ports: [{ port: 443, targetPort: 10250 }] });
  });

  it('addon-rbac binds eks:addon-manager and no-admin grants only reads', () => {
    const rbac = presetObjects('addon-rbac');
    expect(rbac.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
      'Namespace/opentelemetry-operator-system',
      'ClusterRole/eks:addon-manager-otel',
      'ClusterRoleBinding/eks:addon-manager-otel',
      'Role/eks:addon-manager',
      'RoleBinding/eks:addon-manager',
    ]);
    const readOnly = presetObjects('no-admin', 'someone');
    const verbs = new Set(
      readOnly.flatMap((object) =>
        ((object.rules as { verbs: string[] }[] | undefined) ?? []).flatMap((rule) => rule.verbs),
      ),
    );
    expect([...verbs].sort()).toEqual(['get', 'list', 'watch']);
    expect(JSON.stringify(readOnly)).toContain('"name":"someone"');
  });

  it('demo-workload: an annotated Pod, Service and Endpoints at the demo metrics server address', () => {
    const objects = presetObjects('demo-workload', undefined, { demoWorkload: { host: '127.0.0.1', port: 40123 } });
    expect(
      objects.map((object) => `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`),
    ).toEqual([
      'Namespace//demo-workload',
      'Pod/demo-workload/metrics-demo-0',
      'Service/demo-workload/metrics-demo',
      'Endpoints/demo-workload/metrics-demo',
    ]);
    const scrape = { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '40123', 'prometheus.io/path': '/metrics' };
    const [, pod, service, endpoints] = objects;
    expect(pod?.metadata.annotations).toEqual(scrape);
    expect(pod?.status).toMatchObject({ phase: 'Running', podIP: '127.0.0.1' });
    expect(service?.metadata.annotations).toEqual(scrape);
    expect((service?.spec as Record<string, unknown>).selector).toBeUndefined();
    expect(endpoints?.subsets).toEqual([
      {
        addresses: [
          { ip: '127.0.0.1', targetRef: { kind: 'Pod', namespace: 'demo-workload', name: 'metrics-demo-0' } },
        ],
        ports: [{ name: 'metrics', port: 40123, protocol: 'TCP' }],
      },
    ]);
    expect(() => presetObjects('demo-workload')).toThrow(/demo metrics server/);
    expect(() => parseSeed('clusters:\n  - name: demo\n    presets: [demo-workload]\n', 'seed.yaml')).not.toThrow();
  });
});
