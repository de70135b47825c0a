import type { AddonVersionInfo } from '../../ports.js';
import { defaultVersionForCluster, markedDefaultForCluster, versionsForCluster } from '../compat.js';
import { usageError, failure } from '../errors.js';

/** What --addon-version accepts: an exact version, `default` (EKS's default for the cluster) or `latest`. */
export type AddonVersionRequest = 'default' | 'latest' | { exact: string };

export function parseAddonVersionRequest(text: string): AddonVersionRequest {
  const value = text.trim();
  if (value === 'default' || value === 'latest') return value;
  if (!/^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(value)) {
    throw usageError('InvalidAddonVersion', `--addon-version: "${text}" is not a version, "default" or "latest"`, {
      hint: 'adot versions --cluster <name>   # lists the versions for the cluster',
    });
  }
  return { exact: value.startsWith('v') ? value : `v${value}` };
}

export interface AddonVersionInput {
  available: readonly AddonVersionInfo[];
  clusterVersion: string;
  request: AddonVersionRequest | undefined;
  installed: string | undefined;
}

/**
 * Picks the add-on version to install among those DescribeAddonVersions offers for the cluster's Kubernetes version.
 * With no request the installed version is kept when it is still offered (a re-run must not upgrade silently).
 * "The default" is the version EKS marks default; when EKS marks none (it has happened for adot:
 * https://github.com/terraform-aws-modules/terraform-aws-eks/issues/2731) it is the newest offered one, and
 * defaultChoiceNote says so for the plan.
 */
export function resolveAddonVersion(input: AddonVersionInput): string {
  const { clusterVersion, request, installed } = input;
  const offered = versionsForCluster(input.available, clusterVersion);
  const newest = offered[0];
  if (newest === undefined) {
    throw failure('NoAddonVersion', `No ADOT add-on version supports Kubernetes ${clusterVersion} yet`, {
      hint: 'adot versions --kubernetes-version <1.NN>   # see which Kubernetes versions are supported',
    });
  }
  if (request === undefined && installed !== undefined && offered.some((v) => v.addonVersion === installed)) {
    return installed;
  }
  if (request === 'latest') return newest.addonVersion;
  if (request === undefined || request === 'default') {
    return defaultVersionForCluster(offered, clusterVersion) ?? newest.addonVersion;
  }
  const exact = offered.find((v) => v.addonVersion === request.exact || v.addonVersion.startsWith(`${request.exact}-`));
  if (exact === undefined) {
    throw usageError(
      'AddonVersionUnsupported',
      `--addon-version ${request.exact} is not offered for Kubernetes ${clusterVersion} (offered: ${offered
        .map((v) => v.addonVersion)
        .join(', ')})`,
      { hint: `adot versions --kubernetes-version ${clusterVersion}` },
    );
  }
  return exact.addonVersion;
}

/** True when the version comes from "the default" (asked for, or nothing asked and nothing installed kept). */
function choosesDefault(input: AddonVersionInput): boolean {
  if (input.request === 'default') return true;
  if (input.request !== undefined) return false;
  const offered = versionsForCluster(input.available, input.clusterVersion);
  return !(input.installed !== undefined && offered.some((v) => v.addonVersion === input.installed));
}

/** What the plan says when the default was asked for and EKS marks none for the cluster's Kubernetes version. */
export function defaultChoiceNote(input: AddonVersionInput): string | undefined {
  if (!choosesDefault(input) || markedDefaultForCluster(input.available, input.clusterVersion) !== undefined) {
    return undefined;
  }
  return `EKS marks no version default for Kubernetes ${input.clusterVersion}: using the newest offered; --addon-version chooses another`;
}
