/**
 * The Amazon ECR registry EKS add-on images come from, per Region
 * (https://docs.aws.amazon.com/eks/latest/userguide/add-ons-images.html). Regions the table does not list fall back
 * to the us-west-2 registry, where the add-on charts point by default.
 */
const REGISTRY_ACCOUNTS: Readonly<Record<string, string>> = {
  'af-south-1': '877085696533',
  'ap-east-1': '800184023465',
  'ap-south-2': '900889452093',
  'ap-southeast-3': '296578399912',
  'ap-southeast-4': '491585149902',
  'ca-west-1': '761377655185',
  'cn-north-1': '918309763551',
  'cn-northwest-1': '961992271922',
  'eu-central-2': '900612956339',
  'eu-south-1': '590381155156',
  'eu-south-2': '455263428931',
  'il-central-1': '066635153087',
  'me-south-1': '558608220178',
  'me-central-1': '759879836304',
  'us-gov-east-1': '151742754352',
  'us-gov-west-1': '013241004608',
};
/** every other Region of the table uses this account */
const COMMON_ACCOUNT = '602401143452';
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

export function eksAddonRegistry(region: string): string {
  if (!REGION.test(region)) return `${COMMON_ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com`;
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `${REGISTRY_ACCOUNTS[region] ?? COMMON_ACCOUNT}.dkr.ecr.${region}.${domain}`;
}
