import { invalidParameter } from './errors.js';
import type { EksEmulator } from './emulator.js';

/** One EKS operation of the eks/2017-11-01 model, by HTTP method and path. */
export interface Route {
  operation: string;
  method: string;
  /** path segments; `{name}` captures one segment */
  pattern: string[];
  serve(eks: EksEmulator, input: RouteInput): unknown;
}

export interface RouteInput {
  labels: Record<string, string>;
  query: URLSearchParams;
  body: () => Record<string, unknown>;
}

/** Readers of a restJson1 request's labels, query and body that refuse what the model does not allow. */
export function label(labels: Record<string, string>, name: string): string {
  return labels[name] ?? '';
}

export function pageOf(query: URLSearchParams): { maxResults?: number; nextToken?: string } {
  const maxResults = query.get('maxResults');
  if (maxResults !== null && !/^\d+$/.test(maxResults)) throw invalidParameter('maxResults must be an integer');
  return {
    maxResults: maxResults === null ? undefined : Number(maxResults),
    nextToken: query.get('nextToken') ?? undefined,
  };
}

export function requiredQuery(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null || value === '') throw invalidParameter(`${name} is required`);
  return value;
}

export function requiredString(input: Record<string, unknown>, name: string): string {
  const value = optionalString(input, name);
  if (value === undefined || value === '') throw invalidParameter(`${name} is required`);
  return value;
}

export function optionalString(input: Record<string, unknown>, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(`${name} must be a string`);
  return value;
}

export function optionalTags(input: Record<string, unknown>): Record<string, string> | undefined {
  const tags = input.tags;
  if (tags === undefined || tags === null) return undefined;
  if (typeof tags !== 'object' || Array.isArray(tags) || Object.values(tags).some((v) => typeof v !== 'string')) {
    throw invalidParameter('tags must be a map of strings');
  }
  return tags as Record<string, string>;
}

export function optionalBoolean(input: Record<string, unknown>, name: string): boolean | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidParameter(`${name} must be a boolean`);
  return value;
}

/** CreateAddon/UpdateAddon `podIdentityAssociations` (AddonPodIdentityAssociationsList: serviceAccount, roleArn) */
export function optionalAddonAssociations(
  input: Record<string, unknown>,
): { serviceAccount: string; roleArn: string }[] | undefined {
  const value = input.podIdentityAssociations;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidParameter('podIdentityAssociations must be a list');
  return value.map((item: unknown) => {
    if (typeof item !== 'object' || item === null) {
      throw invalidParameter('each of podIdentityAssociations must have serviceAccount and roleArn');
    }
    const entry = item as Record<string, unknown>;
    return { serviceAccount: requiredString(entry, 'serviceAccount'), roleArn: requiredString(entry, 'roleArn') };
  });
}
