import { entityAlreadyExists, invalidInput, noSuchEntity, validationError } from './errors.js';
import type { Tag } from './policies.js';

export interface OpenIdConnectProvider {
  Arn: string;
  /** without the scheme, as IAM returns it */
  Url: string;
  ClientIDList: string[];
  ThumbprintList: string[];
  CreateDate: Date;
  Tags: Tag[];
}

export interface CreateOidcProviderInput {
  Url: string;
  ClientIDList: string[];
  ThumbprintList?: string[];
  Tags?: Tag[];
}

const OIDC_PROVIDER_ARN = /^arn:aws:iam::\d{12}:oidc-provider\/.+$/;
const THUMBPRINT = /^[0-9a-fA-F]{40}$/;
/** The thumbprint IAM records for oidc.eks.*.amazonaws.com issuers when none is given (their root CA). */
const EKS_OIDC_THUMBPRINT = '9e99a48a9960b14926bb7f3b02e22da2b0ab7280';

/** IAM's OpenID Connect providers of one account. */
export class OidcProviders {
  private readonly providers = new Map<string, OpenIdConnectProvider>();

  constructor(private readonly account: string) {}

  create(input: CreateOidcProviderInput): string {
    const url =
      /^https:\/\/[^\s/]+/i.test(input.Url) && input.Url.length <= 255
        ? input.Url.replace(/^https:\/\//i, '')
        : undefined;
    if (url === undefined) throw invalidInput('Invalid Openid Connect Provider Url');
    const thumbprints = input.ThumbprintList ?? [];
    if (thumbprints.length > 5) throw invalidInput('Thumbprint list must contain fewer than 5 entries.');
    const badThumbprint = thumbprints.find((thumbprint) => !THUMBPRINT.test(thumbprint));
    if (badThumbprint !== undefined)
      throw validationError(`Thumbprint ${badThumbprint} must be 40 hexadecimal characters`);
    const arn = `arn:aws:iam::${this.account}:oidc-provider/${url}`;
    if (this.providers.has(arn)) throw entityAlreadyExists(`Provider with url ${input.Url} already exists.`);
    this.providers.set(arn, {
      Arn: arn,
      Url: url,
      ClientIDList: [...new Set(input.ClientIDList)],
      ThumbprintList: thumbprints.length > 0 ? [...thumbprints] : defaultThumbprints(url),
      CreateDate: new Date(),
      Tags: mergeTags([], input.Tags ?? []),
    });
    return arn;
  }

  get(arn: string): OpenIdConnectProvider {
    return structuredClone(this.provider(arn));
  }

  list(): string[] {
    return [...this.providers.keys()].sort();
  }

  delete(arn: string): void {
    this.provider(arn);
    this.providers.delete(arn);
  }

  private provider(arn: string): OpenIdConnectProvider {
    if (!OIDC_PROVIDER_ARN.test(arn)) throw invalidInput(`ARN ${arn} is not valid.`);
    const provider = this.providers.get(arn);
    if (provider === undefined) throw noSuchEntity(`OpenIDConnect Provider not found for arn ${arn}`);
    return provider;
  }
}

function defaultThumbprints(url: string): string[] {
  return /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com\//.test(url) ? [EKS_OIDC_THUMBPRINT] : [];
}

function mergeTags(current: Tag[], added: Tag[]): Tag[] {
  const merged = new Map(current.map((tag) => [tag.Key, tag.Value]));
  for (const tag of added) merged.set(tag.Key, tag.Value);
  return [...merged].map(([Key, Value]) => ({ Key, Value }));
}
