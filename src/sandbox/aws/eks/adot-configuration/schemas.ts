import semver from 'semver';
import { ADDON_FEATURES } from '../../../../core/compat-data.js';
import { addonBaseVersion } from '../catalog.js';
import { legacyCollectorSchema } from './collector-schema.js';
import { operatorProperties } from './operator-schema.js';
import { presetCollectorSchema } from './preset-schema.js';
import type { JsonSchema } from './schema-parts.js';

/** One range of ADOT versions that take the same configuration schema, from `first` to the next range. */
export interface AdotSchemaRange {
  first: string;
  /** what the `collector` key holds in this range */
  collector: 'legacy' | 'presets';
  source: string;
  collectorSchema(): JsonSchema;
}

/** The ranges, oldest first (versions before the first take no configuration). */
export const ADOT_SCHEMA_RANGES: readonly AdotSchemaRange[] = [
  {
    first: ADDON_FEATURES.configurationFirst,
    collector: 'legacy',
    source: 'https://github.com/aws-otel/aws-otel.github.io/commit/3a7c64977e38ecc7fe07b0b8e78ac33fcc213f43',
    collectorSchema: () => legacyCollectorSchema(false),
  },
  {
    first: '0.66.0',
    collector: 'legacy',
    source: 'https://github.com/aws-otel/aws-otel.github.io/commit/9436089cc5eb97779928046f30a312dcabdd8dfe',
    collectorSchema: () => legacyCollectorSchema(true),
  },
  {
    first: ADDON_FEATURES.configurationPresetsFirst,
    collector: 'presets',
    source:
      'https://aws-otel.github.io/docs/getting-started/adot-eks-add-on/add-on-configuration-collector-deployment, https://github.com/aws-observability/aws-otel-collector/issues/3087',
    collectorSchema: presetCollectorSchema,
  },
];

/** the range a version belongs to, or undefined before v0.62.1 (and for versions that are not semver) */
export function adotSchemaRange(addonVersion: string): AdotSchemaRange | undefined {
  const base = addonBaseVersion(addonVersion);
  if (base === undefined) return undefined;
  return [...ADOT_SCHEMA_RANGES].reverse().find((range) => semver.gte(base, range.first));
}

/**
 * The configuration schema DescribeAddonConfiguration answers for an ADOT version. Draft 2019-09 and the `$id` as the
 * one public ADOT schema (v0.117.0-eksbuild.1, https://github.com/aws-observability/aws-otel-collector/issues/3087)
 * declares them; which draft older versions declared is not public. Versions before v0.62.1 take no configuration:
 * their schema allows no key (what EKS answers for them is not public).
 */
export function adotConfigurationSchema(addonVersion: string): JsonSchema {
  const range = adotSchemaRange(addonVersion);
  const properties: Record<string, JsonSchema> =
    range === undefined ? {} : { ...operatorProperties(), collector: range.collectorSchema() };
  return {
    $id: 'http://example.com/example.json',
    $schema: 'https://json-schema.org/draft/2019-09/schema',
    additionalProperties: false,
    properties,
    type: 'object',
  };
}
