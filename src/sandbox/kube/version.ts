/**
 * The /version document. major/minor follow EKS, which reports minor "22+" for v1.22.17-eks-48e63af (the `+`
 * marks a build that is not an upstream release).
 */
export function kubeVersionInfo(gitVersion: string): Record<string, string> {
  const match = /^v?(\d+)\.(\d+)/.exec(gitVersion);
  const major = match?.[1] ?? '';
  const isVendorBuild = /-/.test(gitVersion);
  const minor = match === null ? '' : `${match[2] ?? ''}${isVendorBuild ? '+' : ''}`;
  return {
    major,
    minor,
    gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2024-01-01T00:00:00Z',
    goVersion: 'go1.20.10',
    compiler: 'gc',
    // what EKS control planes report, whatever machine the sandbox runs on
    platform: 'linux/amd64',
  };
}
