/**
 * Version parsing for Kubernetes (EKS suffixes and `minor: "22+"`), cert-manager and the ADOT add-on, and
 * registry-agnostic container image references. Pure functions, no I/O.
 */
import semver from 'semver';

export interface KubernetesVersion {
  major: number;
  minor: number;
  patch: number | undefined;
  /** the text it was parsed from */
  raw: string;
}

/**
 * Accepts `v1.21.14-eks-18ef993`, `1.22`, `v1.22`, `1.22.17`. The EKS suffix (`-eks-…`) and any other pre-release
 * or build part are ignored: they do not change the Kubernetes minor.
 */
export function parseKubernetesVersion(text: string): KubernetesVersion | undefined {
  const match = /^\s*v?(\d+)\.(\d+)\+?(?:\.(\d+))?(?:[-+].*)?\s*$/.exec(text);
  if (!match) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: match[3] === undefined ? undefined : Number(match[3]),
    raw: text.trim(),
  };
}

/** The server's /version answer: gitVersion first; else major + minor, where EKS reports minor as `22+`. */
export function kubernetesVersionOfServer(server: {
  gitVersion?: string;
  major?: string;
  minor?: string;
}): KubernetesVersion | undefined {
  const fromGit = server.gitVersion === undefined ? undefined : parseKubernetesVersion(server.gitVersion);
  if (fromGit) return fromGit;
  const major = /^(\d+)/.exec(server.major ?? '');
  const minor = /^(\d+)/.exec(server.minor ?? '');
  if (!major || !minor) return undefined;
  return { major: Number(major[1]), minor: Number(minor[1]), patch: undefined, raw: `${server.major}.${server.minor}` };
}

/** "1.22" */
export function minorVersion(version: KubernetesVersion): string {
  return `${version.major}.${version.minor}`;
}

/** negative when a < b, 0 when the same minor, positive when a > b */
export function compareMinor(a: KubernetesVersion, b: KubernetesVersion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

export interface AddonVersion {
  /** the semantic core, e.g. "0.45.0" */
  core: string;
  /** the eksbuild number, when present */
  build: number | undefined;
  raw: string;
}

/** `v0.45.0-eksbuild.1` → core 0.45.0, build 1. */
export function parseAddonVersion(text: string): AddonVersion | undefined {
  const match = /^\s*v?(\d+\.\d+\.\d+)(?:-eksbuild\.(\d+))?(?:[-+].*)?\s*$/.exec(text);
  if (!match || match[1] === undefined) return undefined;
  return { core: match[1], build: match[2] === undefined ? undefined : Number(match[2]), raw: text.trim() };
}

/** Orders add-on versions by core then eksbuild number. */
export function compareAddonVersions(a: string, b: string): number {
  const pa = parseAddonVersion(a);
  const pb = parseAddonVersion(b);
  if (!pa || !pb) return a.localeCompare(b);
  const byCore = semver.compare(pa.core, pb.core);
  return byCore !== 0 ? byCore : (pa.build ?? 0) - (pb.build ?? 0);
}

/** A plain semantic version from a tag or label: `v1.5.3` → `1.5.3`; anything else → undefined. */
export function semverOfTag(tag: string): string | undefined {
  const parsed = semver.parse(tag.trim(), { loose: true });
  return parsed ? parsed.version : undefined;
}

export interface ImageRef {
  /** registry host (with port), absent for Docker Hub short names */
  registry: string | undefined;
  /** path inside the registry, e.g. jetstack/cert-manager-controller */
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

/**
 * Parses `quay.io/jetstack/cert-manager-controller:v1.5.3`, ECR mirrors, `name@sha256:…`, `name:v1@sha256:…` and
 * registries with ports (`host:5000/x:v1`): the first path segment is a registry only when it contains a dot or
 * a colon or is `localhost` (Docker's rule), and a colon counts as a tag separator only after the last slash.
 */
export function parseImageRef(reference: string): ImageRef {
  let rest = reference.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry: string | undefined;
  const firstSlash = rest.indexOf('/');
  if (firstSlash >= 0) {
    const head = rest.slice(0, firstSlash);
    if (head.includes('.') || head.includes(':') || head === 'localhost') {
      registry = head;
      rest = rest.slice(firstSlash + 1);
    }
  }
  return { registry, repository: rest, tag: tag || undefined, digest: digest || undefined };
}

/** The last path segment of the repository: `jetstack/cert-manager-controller` → `cert-manager-controller`. */
export function imageName(image: ImageRef): string {
  const slash = image.repository.lastIndexOf('/');
  return slash >= 0 ? image.repository.slice(slash + 1) : image.repository;
}
