import { parse as parseYaml } from 'yaml';
import semver from 'semver';
import { AwsServiceError } from '../../types.js';
import { ADDON_FEATURES } from '../../../core/compat-data.js';
import { addonBaseVersion } from './catalog.js';

/**
 * The advanced-configuration schema of the ADOT add-on, trimmed to its top-level keys. Versions before v0.62.1 take
 * no configuration; from v0.62.1 the operator keys and a `collector` section (mode, replicas, amp, cloudwatch, xray),
 * whose content v0.88.0 replaced with preconfigured resources (prometheusMetrics, otlpIngest, containerLogs): the
 * same top-level key, so the trimmed schema is the same. Sources: ADDON_FEATURES in src/core/compat-data.ts.
 */
export function configurationSchema(addonVersion: string): string {
  const base = addonBaseVersion(addonVersion);
  const properties: Record<string, unknown> = {};
  if (base !== undefined && semver.gte(base, ADDON_FEATURES.configurationFirst)) {
    properties.replicaCount = { type: 'integer', minimum: 1 };
    properties.manager = {
      type: 'object',
      properties: { resources: { type: 'object' }, env: { type: 'object' } },
      additionalProperties: false,
    };
    properties.kubeRBACProxy = { type: 'object' };
    properties.admissionWebhooks = { type: 'object' };
    properties.nodeSelector = { type: 'object' };
    properties.tolerations = { type: 'array' };
    properties.affinity = { type: 'object' };
    properties.collector = { type: 'object' };
  }
  return JSON.stringify({
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties,
    additionalProperties: false,
  });
}

/** Refuses configurationValues that are not a JSON/YAML object or name keys the version's schema lacks. */
export function validateConfigurationValues(
  schema: string,
  values: string,
  clusterName: string,
  addonName: string,
): void {
  let parsed: unknown;
  try {
    parsed = values.trim() === '' ? {} : parseYaml(values);
  } catch {
    throw invalidConfiguration('ConfigurationValues is not valid JSON or YAML', clusterName, addonName);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidConfiguration('ConfigurationValues must be a JSON or YAML object', clusterName, addonName);
  }
  const allowed = Object.keys((JSON.parse(schema) as { properties?: object }).properties ?? {});
  const unknown = Object.keys(parsed).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw invalidConfiguration(
      `ConfigurationValue provided in request is not supported: Json schema validation failed with error: [$.${unknown[0]}: is not defined in the schema and the schema does not allow additional properties]`,
      clusterName,
      addonName,
    );
  }
}

function invalidConfiguration(message: string, clusterName: string, addonName: string): AwsServiceError {
  return new AwsServiceError('InvalidParameterException', message, 400, { clusterName, addonName });
}
