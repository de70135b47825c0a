import { describe, expect, it } from 'vitest';
import {
  compareAddonVersions,
  imageName,
  kubernetesVersionOfServer,
  minorVersion,
  parseAddonVersion,
  parseImageRef,
  parseKubernetesVersion,
  semverOfTag,
} from '../../src/core/versions.js';
import { certManagerInventory } from '../../src/core/checks/cert-manager-inventory.js';
import { certManagerDeployments, deployment } from './checks-fixtures.js';

describe('Kubernetes versions', () => {
  it.each([
    ['v1.21.14-eks-18ef993', 1, 21, 14],
    ['v1.22.17-eks-48e63af', 1, 22, 17],
    ['1.22', 1, 22, undefined],
    ['v1.30.0', 1, 30, 0],
    ['v1.28.3+k3s1', 1, 28, 3],
    ['1.29.1-gke.1589018', 1, 29, 1],
  ])('parses %s', (text, major, minor, patch) => {
    expect(parseKubernetesVersion(text)).toMatchObject({ major, minor, patch });
  });

  it.each(['', 'latest', 'v1', 'one.two'])('rejects %j', (text) => {
    expect(parseKubernetesVersion(text)).toBeUndefined();
  });

  it('reads the server answer from gitVersion, or from major and an EKS minor like "21+"', () => {
    expect(
      minorVersion(kubernetesVersionOfServer({ gitVersion: 'v1.21.14-eks-18ef993', major: '1', minor: '21+' })!),
    ).toBe('1.21');
    expect(minorVersion(kubernetesVersionOfServer({ gitVersion: 'garbage', major: '1', minor: '21+' })!)).toBe('1.21');
    expect(kubernetesVersionOfServer({ gitVersion: 'garbage', major: '', minor: '' })).toBeUndefined();
  });
});

describe('add-on versions', () => {
  it('splits the eksbuild suffix', () => {
    expect(parseAddonVersion('v0.45.0-eksbuild.1')).toEqual({ core: '0.45.0', build: 1, raw: 'v0.45.0-eksbuild.1' });
    expect(parseAddonVersion('v0.62.1')).toEqual({ core: '0.62.1', build: undefined, raw: 'v0.62.1' });
    expect(parseAddonVersion('nope')).toBeUndefined();
  });

  it('orders by core then eksbuild', () => {
    const sorted = ['v0.62.1-eksbuild.1', 'v0.45.0-eksbuild.2', 'v0.102.0-eksbuild.1', 'v0.45.0-eksbuild.10'].sort(
      compareAddonVersions,
    );
    expect(sorted).toEqual(['v0.45.0-eksbuild.2', 'v0.45.0-eksbuild.10', 'v0.62.1-eksbuild.1', 'v0.102.0-eksbuild.1']);
  });
});

describe('image references', () => {
  it.each([
    [
      'quay.io/jetstack/cert-manager-controller:v1.5.3',
      { registry: 'quay.io', repository: 'jetstack/cert-manager-controller', tag: 'v1.5.3', digest: undefined },
    ],
    [
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/jetstack/cert-manager-controller:v1.5.3',
      {
        registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
        repository: 'jetstack/cert-manager-controller',
        tag: 'v1.5.3',
        digest: undefined,
      },
    ],
    [
      `quay.io/jetstack/cert-manager-webhook@sha256:${'a'.repeat(64)}`,
      {
        registry: 'quay.io',
        repository: 'jetstack/cert-manager-webhook',
        tag: undefined,
        digest: `sha256:${'a'.repeat(64)}`,
      },
    ],
    [
      `quay.io/jetstack/cert-manager-webhook:v1.5.3@sha256:${'b'.repeat(64)}`,
      {
        registry: 'quay.io',
        repository: 'jetstack/cert-manager-webhook',
        tag: 'v1.5.3',
        digest: `sha256:${'b'.repeat(64)}`,
      },
    ],
    [
      'registry.local:5000/mirror/cert-manager-cainjector:v1.13.1',
      {
        registry: 'registry.local:5000',
        repository: 'mirror/cert-manager-cainjector',
        tag: 'v1.13.1',
        digest: undefined,
      },
    ],
    ['localhost:5000/x:v1', { registry: 'localhost:5000', repository: 'x', tag: 'v1', digest: undefined }],
    ['localhost/x', { registry: 'localhost', repository: 'x', tag: undefined, digest: undefined }],
    [
      'jetstack/cert-manager-controller:v1.5.3',
      { registry: undefined, repository: 'jetstack/cert-manager-controller', tag: 'v1.5.3', digest: undefined },
    ],
    ['busybox', { registry: undefined, repository: 'busybox', tag: undefined, digest: undefined }],
  ])('parses %s', (reference, expected) => {
    expect(parseImageRef(reference)).toEqual(expected);
  });

  it('names the image by its last path segment', () => {
    expect(imageName(parseImageRef('registry.local:5000/a/b/cert-manager-webhook:v1'))).toBe('cert-manager-webhook');
  });

  it('reads semantic versions from tags and labels, nothing from other tags', () => {
    expect(semverOfTag('v1.5.3')).toBe('1.5.3');
    expect(semverOfTag('1.13.1')).toBe('1.13.1');
    expect(semverOfTag('latest')).toBeUndefined();
  });
});

describe('cert-manager version sources', () => {
  it('reports every source: deployment labels, image tags and CRD labels', () => {
    const inventory = certManagerInventory(certManagerDeployments('v1.5.3'), [
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'certificates.cert-manager.io', labels: { 'app.kubernetes.io/version': 'v1.5.3' } },
      },
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.example.com', labels: { 'app.kubernetes.io/version': 'v9.9.9' } },
      },
    ]);
    expect(inventory.version).toBe('1.5.3');
    expect(inventory.conflicting).toEqual([]);
    expect(inventory.sources).toHaveLength(7);
    expect(inventory.sources.map((s) => s.source)).toContain(
      'crd certificates.cert-manager.io label app.kubernetes.io/version',
    );
  });

  it('reads images from an ECR mirror without labels, and digest-only images as no version', () => {
    const inventory = certManagerInventory(
      [
        deployment(
          'infra',
          'cm',
          '123456789012.dkr.ecr.us-east-1.amazonaws.com/jetstack/cert-manager-controller:v1.8.2',
        ),
        deployment(
          'infra',
          'cm-webhook',
          `123456789012.dkr.ecr.us-east-1.amazonaws.com/jetstack/cert-manager-webhook@sha256:${'c'.repeat(64)}`,
        ),
      ],
      [],
    );
    expect([...inventory.components.keys()]).toEqual(['controller', 'webhook']);
    expect(inventory.namespace).toBe('infra');
    expect(inventory.version).toBe('1.8.2');
    expect(inventory.sources.find((s) => s.source.includes('webhook'))?.version).toBeUndefined();
  });

  it('recognises cert-manager by Helm labels when images are renamed, and reads the chart label', () => {
    const inventory = certManagerInventory(
      [
        deployment('cm', 'cert-manager', 'mirror.example/controller:custom', {
          'app.kubernetes.io/instance': 'cert-manager',
          'app.kubernetes.io/component': 'controller',
          'helm.sh/chart': 'cert-manager-v1.13.1',
        }),
      ],
      [],
    );
    expect(inventory.components.has('controller')).toBe(true);
    expect(inventory.version).toBe('1.13.1');
  });

  it('ignores deployments that are not cert-manager', () => {
    expect(
      certManagerInventory(
        [deployment('x', 'webhook', 'example.com/webhook:v1.0.0', { 'app.kubernetes.io/name': 'webhook' })],
        [],
      ).components.size,
    ).toBe(0);
  });
});
