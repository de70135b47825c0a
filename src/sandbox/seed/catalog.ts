import type { SeedAddonCatalogEntry } from '../types.js';

/**
 * The built-in answer of DescribeAddonVersions for addonName adot: every ADOT add-on version and eksbuild published
 * up to v0.151.0-eksbuild.2 (June 2026), with the Kubernetes versions each supports. Data only: a new release is
 * one row. Kubernetes versions newer than the last row (1.37) have no version on purpose, as happens on EKS.
 *
 * What is published and what is assumed:
 * - Versions and eksbuilds: the release announcements (https://aws-otel.github.io/docs/ReleaseBlogs/… from v0.74.0
 *   on) and, before them, the ADOT and EKS docs or public code that installs the version (URL per row).
 * - The newest Kubernetes version of a row (`to`) is published when the row says so; the oldest (`from`) only for
 *   v0.45.0 and v0.151.0. The others are the sandbox's assumption (`assumed`), kept consistent with the public
 *   DescribeAddonVersions outputs cited below.
 * - Defaults: EKS marks one default per Kubernetes version. Every public DescribeAddonVersions output found marks
 *   the newest compatible version (1.19–1.22 in April 2022: the AWS blog; 1.23 in late 2022: the ADOT docs' update
 *   page; 1.27 on 2023-10-14: https://github.com/dayhunter/adot-eks/blob/da951fe221a0b86ffdde39079b55c41f8bde3660/1_eks_add_on.md;
 *   1.35 in June 2026: https://github.com/awslabs/cdk-eks-blueprints/pull/1253), so this catalogue marks none and
 *   the EKS emulator makes the newest compatible version the default. Today's defaults are not published.
 */
interface Release {
  version: string;
  from: string;
  to: string;
  amd64Only?: boolean;
  /** bounds no public source gives: the sandbox's assumption */
  assumed?: readonly ('from' | 'to')[];
  source: string;
}

const BLOG_2022 =
  'https://aws.amazon.com/blogs/containers/metrics-and-traces-collection-using-amazon-eks-add-ons-for-aws-distro-for-opentelemetry/';
const RELEASE_BLOG = 'https://aws-otel.github.io/docs/ReleaseBlogs/aws-distro-for-opentelemetry-eks-add-on-';
const BLUEPRINTS_COMMIT = 'https://github.com/awslabs/cdk-eks-blueprints/commit/';
/** DescribeAddonVersions at 1.23: v0.58.0-eksbuild.1 (default) and v0.56.0-eksbuild.2, nothing older */
const UPDATE_PAGE_1_23 = 'https://aws-otel.github.io/docs/getting-started/adot-eks-add-on/update-and-cleanup';
/** DescribeAddonVersions at 1.27 on 2023-10-14: v0.74.0-eksbuild.1 … v0.82.0-eksbuild.1, nothing older */
const OUTPUT_1_27 =
  'https://github.com/dayhunter/adot-eks/blob/da951fe221a0b86ffdde39079b55c41f8bde3660/1_eks_add_on.md';

const RELEASES: readonly Release[] = [
  // 1.19–1.22, amd64 only, the only version in April 2022
  { version: 'v0.45.0-eksbuild.1', from: '1.19', to: '1.22', amd64Only: true, source: BLOG_2022 },
  // multi-arch from v0.51.0: https://aws-otel.github.io/docs/getting-started/adot-eks-add-on/troubleshooting
  {
    version: 'v0.51.0-eksbuild.1',
    from: '1.19',
    to: '1.22',
    assumed: ['from', 'to'],
    source: `${BLUEPRINTS_COMMIT}908108178379261e427e783c21a58c95abcaa706 (not listed at 1.23: ${UPDATE_PAGE_1_23})`,
  },
  { version: 'v0.56.0-eksbuild.2', from: '1.19', to: '1.23', assumed: ['from'], source: UPDATE_PAGE_1_23 },
  { version: 'v0.58.0-eksbuild.1', from: '1.19', to: '1.24', assumed: ['from', 'to'], source: UPDATE_PAGE_1_23 },
  // first with advanced configuration, last that needs the add-on RBAC manifest
  {
    version: 'v0.62.1-eksbuild.1',
    from: '1.19',
    to: '1.24',
    assumed: ['from', 'to'],
    source: 'https://github.com/aws-otel/aws-otel.github.io/commit/3a7c64977e38ecc7fe07b0b8e78ac33fcc213f43',
  },
  {
    version: 'v0.66.0-eksbuild.1',
    from: '1.21',
    to: '1.25',
    assumed: ['from', 'to'],
    source: 'https://github.com/aws-otel/aws-otel.github.io/commit/9436089cc5eb97779928046f30a312dcabdd8dfe',
  },
  {
    version: 'v0.70.0-eksbuild.1',
    from: '1.21',
    to: '1.26',
    assumed: ['from', 'to'],
    source: `${BLUEPRINTS_COMMIT}434a4d1a6a4653c86f192e25d32b3fb929e2484f (not listed at 1.27: ${OUTPUT_1_27})`,
  },
  {
    version: 'v0.74.0-eksbuild.1',
    from: '1.22',
    to: '1.27',
    assumed: ['from', 'to'],
    source: `${RELEASE_BLOG}v0.74.0 ${OUTPUT_1_27}`,
  },
  {
    version: 'v0.76.1-eksbuild.1',
    from: '1.22',
    to: '1.27',
    assumed: ['from', 'to'],
    source: `${RELEASE_BLOG}v0.76.1 ${OUTPUT_1_27}`,
  },
  {
    version: 'v0.78.0-eksbuild.1',
    from: '1.22',
    to: '1.27',
    assumed: ['from', 'to'],
    source: `${RELEASE_BLOG}v0.78.0 ${OUTPUT_1_27}`,
  },
  // fixes creating the add-on with advanced configuration
  {
    version: 'v0.78.0-eksbuild.2',
    from: '1.22',
    to: '1.27',
    assumed: ['from', 'to'],
    source: `${RELEASE_BLOG}v0.80.0-and-v0.78.0`,
  },
  {
    version: 'v0.80.0-eksbuild.1',
    from: '1.23',
    to: '1.28',
    assumed: ['from', 'to'],
    source: `${RELEASE_BLOG}v0.80.0 ${OUTPUT_1_27}`,
  },
  {
    version: 'v0.80.0-eksbuild.2',
    from: '1.23',
    to: '1.28',
    assumed: ['from', 'to'],
    source: `${RELEASE_BLOG}v0.80.0-and-v0.78.0`,
  },
  {
    version: 'v0.82.0-eksbuild.1',
    from: '1.23',
    to: '1.28',
    assumed: ['from', 'to'],
    source: `${RELEASE_BLOG}v0.82.0 ${OUTPUT_1_27}`,
  },
  {
    version: 'v0.84.0-eksbuild.1',
    from: '1.23',
    to: '1.28',
    assumed: ['from', 'to'],
    source: `${RELEASE_BLOG}v0.84.0`,
  },
  // breaking change of the advanced configuration (presets)
  {
    version: 'v0.88.0-eksbuild.1',
    from: '1.23',
    to: '1.28',
    assumed: ['from', 'to'],
    source: `${RELEASE_BLOG}v0.88.0`,
  },
  {
    version: 'v0.88.0-eksbuild.2',
    from: '1.23',
    to: '1.28',
    assumed: ['from', 'to'],
    source: `${RELEASE_BLOG}v0.88.0-eksbuild-2`,
  },
  {
    version: 'v0.90.0-eksbuild.1',
    from: '1.26',
    to: '1.28',
    assumed: ['from', 'to'],
    source: `${RELEASE_BLOG}v0.90.0 ${BLUEPRINTS_COMMIT}e58e34cc940b1721ae5142d06ac7724193f79356`,
  },
  // "Support for EKS v1.29"
  { version: 'v0.92.1-eksbuild.1', from: '1.26', to: '1.29', assumed: ['from'], source: `${RELEASE_BLOG}v0.92.1` },
  // EKS Pod Identity from here: https://docs.aws.amazon.com/eks/latest/userguide/add-ons-iam.html#pod-id-add-on-versions
  {
    version: 'v0.94.1-eksbuild.1',
    from: '1.26',
    to: '1.29',
    assumed: ['from', 'to'],
    source: `${RELEASE_BLOG}v0.94.1`,
  },
  // "Support for EKS v1.30" and the v1beta1 CRD; before it 1.30 had no version: https://github.com/aws/containers-roadmap/issues/2365
  { version: 'v0.102.0-eksbuild.1', from: '1.26', to: '1.30', assumed: ['from'], source: `${RELEASE_BLOG}v0.102.0` },
  { version: 'v0.102.1-eksbuild.1', from: '1.26', to: '1.30', assumed: ['from'], source: `${RELEASE_BLOG}v0.102.1` },
  {
    version: 'v0.102.1-eksbuild.2',
    from: '1.26',
    to: '1.30',
    assumed: ['from'],
    source: `${RELEASE_BLOG}v0.102.1-eksbuild.2`,
  },
  // 1.31 support: https://github.com/aws/containers-roadmap/issues/2435
  { version: 'v0.109.0-eksbuild.1', from: '1.27', to: '1.31', assumed: ['from'], source: `${RELEASE_BLOG}v0.109.0` },
  {
    version: 'v0.109.0-eksbuild.2',
    from: '1.27',
    to: '1.31',
    assumed: ['from'],
    source: `${RELEASE_BLOG}v0.109.0-eksbuild.2`,
  },
  // "Support for EKS 1.32"
  {
    version: 'v0.117.0-eksbuild.1',
    from: '1.28',
    to: '1.32',
    assumed: ['from'],
    source: `${RELEASE_BLOG}v0.117.0-eksbuild.1`,
  },
  // "Support for EKS 1.33"
  {
    version: 'v0.131.0-eksbuild.1',
    from: '1.29',
    to: '1.33',
    assumed: ['from'],
    source: `${RELEASE_BLOG}v0.131.0-eksbuild.1`,
  },
  // "Support for EKS 1.34"
  {
    version: 'v0.141.0-eksbuild.1',
    from: '1.30',
    to: '1.34',
    assumed: ['from'],
    source: `${RELEASE_BLOG}v0.141.0-eksbuild.1`,
  },
  // "Support for EKS versions 1.31 through 1.36"
  { version: 'v0.151.0-eksbuild.1', from: '1.31', to: '1.36', source: `${RELEASE_BLOG}v0.151.0-eksbuild.1` },
  { version: 'v0.151.0-eksbuild.2', from: '1.31', to: '1.36', source: `${RELEASE_BLOG}v0.151.0-eksbuild.2` },
];

function minorRange(from: string, to: string): string[] {
  const first = Number(from.split('.')[1]);
  const last = Number(to.split('.')[1]);
  return Array.from({ length: last - first + 1 }, (_, index) => `1.${first + index}`);
}

/** Newest first, as EKS lists them; no entry is flagged default (see the rule above). */
export function builtinAddonCatalog(): SeedAddonCatalogEntry[] {
  return [...RELEASES].reverse().map((release) => ({
    version: release.version,
    clusterVersions: minorRange(release.from, release.to),
    architecture: release.amd64Only ? ['amd64'] : ['amd64', 'arm64'],
    requiresConfiguration: false,
  }));
}

/** The built-in catalogue with every entry marked `default: false`: EKS marks no default for any version. */
export function catalogWithoutDefaults(): SeedAddonCatalogEntry[] {
  return builtinAddonCatalog().map((entry) => ({ ...entry, default: false }));
}

/** Kubernetes version -> its default add-on version under the newest-compatible rule */
export function builtinDefaultVersions(): Map<string, string> {
  const defaults = new Map<string, string>();
  for (const release of RELEASES) {
    for (const clusterVersion of minorRange(release.from, release.to)) defaults.set(clusterVersion, release.version);
  }
  return defaults;
}

/** The newest Kubernetes version that has an ADOT version in the built-in catalogue ("1.36"). */
export function newestSupportedKubernetes(): string {
  return RELEASES.map((release) => release.to).reduce((a, b) =>
    Number(b.split('.')[1]) > Number(a.split('.')[1]) ? b : a,
  );
}

/**
 * The catalogue the AWS blog of April 2022 shows (its DescribeAddonVersions output): v0.45.0-eksbuild.1 alone,
 * amd64, the default for 1.19–1.22. https://aws.amazon.com/blogs/containers/metrics-and-traces-collection-using-amazon-eks-add-ons-for-aws-distro-for-opentelemetry/
 */
export function blogAddonCatalog(): SeedAddonCatalogEntry[] {
  return [
    {
      version: 'v0.45.0-eksbuild.1',
      clusterVersions: ['1.19', '1.20', '1.21', '1.22'],
      default: true,
      architecture: ['amd64'],
      requiresConfiguration: false,
    },
  ];
}
