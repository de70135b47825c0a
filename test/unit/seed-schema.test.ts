import { describe, expect, expectTypeOf, it } from 'vitest';
import { AdotError } from '../../src/core/errors.js';
import type { AddonStatus, KubeObject } from '../../src/ports.js';
import { parseSeed } from '../../src/sandbox/seed/parse.js';
import type { Seed, SeedAddon, SeedCluster, SeedFault } from '../../src/sandbox/types.js';

function seedProblems(text: string): string[] {
  try {
    parseSeed(text, 'seed.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(AdotError);
    return ((error as AdotError).details as { problems: string[] }).problems;
  }
  throw new Error('the seed was accepted');
}

describe('the seed declaration (src/sandbox/seed/seed-schema.ts)', () => {
  it('names every unknown key of a mapping, each on its line', () => {
    expect(seedProblems('clusters:\n  - name: demo\n    verison: "1.30"\n    addon: []\n')).toEqual([
      'seed.yaml:3: clusters[0].verison: unknown key; expected one of name, version, gitVersion, status, oidcIssuer, presets, addons, objects, nodes, computeType, podIdentityAssociations',
      'seed.yaml:4: clusters[0].addon: unknown key; expected one of name, version, gitVersion, status, oidcIssuer, presets, addons, objects, nodes, computeType, podIdentityAssociations',
    ]);
  });

  it('reports wrong values and unknown keys of one mapping together', () => {
    expect(seedProblems('behaviour:\n  rolloutSeconds: soon\n  flaky: true\n')).toEqual([
      'seed.yaml:2: behaviour.rolloutSeconds: expected a number, got "soon"',
      'seed.yaml:3: behaviour.flaky: unknown key; expected one of addonCreateSeconds, addonDeleteSeconds, addonUpdateSeconds, rolloutSeconds, workspaceCreateSeconds, addonCollectorBatchSeconds, faults, randomSeed',
    ]);
  });

  it('refuses a list or null where a mapping or a required value belongs', () => {
    expect(seedProblems('clusters: [[demo]]\n')).toEqual(['seed.yaml:1: clusters[0]: expected a mapping, got a list']);
    expect(seedProblems('clusters:\n  - name:\n')).toEqual([
      'seed.yaml:2: clusters[0].name: expected a string (an EKS cluster name (1-100 letters, digits, - or _, starting with a letter or digit)), got null',
    ]);
    expect(seedProblems('iam: {roles: [{name: r, inlinePolicies: [x]}]}\n')).toEqual([
      'seed.yaml:1: iam.roles[0].inlinePolicies: expected a mapping, got a list',
    ]);
  });

  it('names duplicates by their first occurrence, deep in the seed, once every item is valid', () => {
    expect(
      seedProblems(
        'clusters:\n  - name: demo\n    addons:\n      - {name: adot, version: v0.45.0-eksbuild.1}\n      - {name: adot, version: v0.45.0-eksbuild.1}\n',
      ),
    ).toEqual(['seed.yaml:5: clusters[0].addons[1]: duplicate of clusters[0].addons[0] ("adot")']);
    expect(seedProblems('clusters: [{name: a, nodes: [{name: n}, {name: n}]}]\n')).toEqual([
      'seed.yaml:1: clusters[0].nodes[1]: duplicate of clusters[0].nodes[0] ("n")',
    ]);
    expect(seedProblems('clusters: [{name: a}, {name: a, status: RUNNING}]\n')).toEqual([
      'seed.yaml:1: clusters[1].status: expected one of CREATING, ACTIVE, DELETING, FAILED, UPDATING, PENDING, got "RUNNING"',
    ]);
  });

  it('checks a list of nodes item by item, not only as "a number or a list"', () => {
    expect(seedProblems('clusters:\n  - name: a\n    nodes:\n      - labels: {"bad key!": x}\n')).toEqual([
      'seed.yaml:4: clusters[0].nodes[0].labels["bad key!"]: expected a key that is a label key',
    ]);
  });

  it('refuses numbers that are not finite', () => {
    expect(seedProblems('behaviour: {rolloutSeconds: .inf}\n')).toEqual([
      'seed.yaml:1: behaviour.rolloutSeconds: expected a number, got number Infinity',
    ]);
  });

  it('gives the seed types: enumerations as unions, Kubernetes objects as KubeObject', () => {
    expectTypeOf<SeedAddon['status']>().toEqualTypeOf<AddonStatus | undefined>();
    expectTypeOf<SeedFault['service']>().toEqualTypeOf<
      'eks' | 'eks-auth' | 'iam' | 'sts' | 'xray' | 'logs' | 'aps' | 'kubernetes'
    >();
    expectTypeOf<NonNullable<SeedCluster['objects']>[number]>().toEqualTypeOf<KubeObject>();
    expectTypeOf<Seed>().toHaveProperty('clusters');
    expectTypeOf(parseSeed).returns.toEqualTypeOf<Seed>();
  });
});

describe('keys named like JavaScript internals', () => {
  it('refuses them as unknown keys where the seed declares its keys', () => {
    expect(seedProblems('constructor: x\nprototype: 1\n__proto__: {a: 1}\n')).toEqual(
      ['constructor', 'prototype', '__proto__'].map(
        (key, index) =>
          `seed.yaml:${index + 1}: ${key}: unknown key; expected one of account, region, addonCatalog, behaviour, clusters, iam, amp`,
      ),
    );
  });

  it('keeps and checks them where keys are free: tags, labels, Kubernetes objects', () => {
    const seed = parseSeed(
      `clusters:
  - name: a
    nodes: [{labels: {constructor: x}}]
    objects: [{apiVersion: v1, kind: ConfigMap, metadata: {name: x, prototype: y}, data: {constructor: z}}]
    podIdentityAssociations:
      - {namespace: n, serviceAccount: s, roleArn: "arn:aws:iam::123456789012:role/r", tags: {constructor: x}}
`,
      'seed.yaml',
    );
    const [cluster] = seed.clusters ?? [];
    expect(Array.isArray(cluster?.nodes) && cluster.nodes[0]?.labels).toEqual({ constructor: 'x' });
    expect(cluster?.objects?.[0]?.metadata).toEqual({ name: 'x', prototype: 'y' });
    expect(cluster?.podIdentityAssociations?.[0]?.tags).toEqual({ constructor: 'x' });
    expect(
      seedProblems(
        'clusters: [{name: a, podIdentityAssociations: [{namespace: n, serviceAccount: s, roleArn: "arn:aws:iam::123456789012:role/r", tags: {constructor: 5}}]}]\n',
      ),
    ).toEqual([
      'seed.yaml:1: clusters[0].podIdentityAssociations[0].tags.constructor: expected a string, got number 5 (quote it)',
    ]);
  });
});
