/** Parts of ARNs (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html). */

/** The region in an ARN: arn:aws:eks:REGION:ACCOUNT:cluster/NAME */
export function regionOfArn(arn: string): string | undefined {
  const region = arn.split(':')[3];
  return region === undefined || region === '' ? undefined : region;
}
