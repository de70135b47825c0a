/**
 * An EKS add-on's configurationValues against the JSON schema DescribeAddonConfiguration answers for its version,
 * checked the way EKS checks them (every error, in EKS's words: schema-messages.ts). Shared by the sandbox's EKS,
 * which refuses CreateAddon/UpdateAddon with them, and by adot, which checks the values it is about to send and the
 * values an add-on has (doctor's addon.configuration).
 */
import { createRequire } from 'node:module';
import type * as Ajv2019Module from 'ajv/dist/2019.js';
import type { ValidateFunction } from 'ajv/dist/2019.js';
import { parse as parseYaml } from 'yaml';
import { eksSchemaMessage } from './schema-messages.js';

/**
 * configurationValues as EKS reads them: JSON or YAML text ("in JSON or YAML format",
 * https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-field-management.html); empty text is no configuration.
 * undefined: the text is neither.
 */
export function parseConfigurationText(values: string): { ok: true; value: unknown } | { ok: false } {
  if (values.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: parseYaml(values) as unknown };
  } catch {
    return { ok: false };
  }
}

/** The schema errors of parsed values, in EKS's words; empty when the values are valid. */
export function configurationErrors(schema: string, values: unknown): string[] {
  const validate = compiled(schema);
  if (validate(values)) return [];
  return [
    ...new Set((validate.errors ?? []).map((error) => eksSchemaMessage(error, values)).filter((m) => m !== undefined)),
  ];
}

/** The message EKS refuses invalid values with (its InvalidParameterException). */
export function configurationRefusal(errors: readonly string[]): string {
  return `ConfigurationValue provided in request is not supported: Json schema validation failed with error: [${errors.join(', ')}]`;
}

const validators = new Map<string, ValidateFunction>();

/**
 * One compiled validator per schema text. `$schema` and `$id` are dropped before compiling: the add-ons' schemas
 * declare drafts 06 and 2019-09 and share a placeholder `$id`, and the keywords they use mean the same in both.
 */
function compiled(schema: string): ValidateFunction {
  const cached = validators.get(schema);
  if (cached !== undefined) return cached;
  const { $schema: _draft, $id: _id, ...body } = JSON.parse(schema) as Record<string, unknown>;
  const { Ajv2019 } = loadAjv();
  const validate = new Ajv2019({ allErrors: true, strict: false }).compile(body);
  validators.set(schema, validate);
  return validate;
}

/**
 * ajv, loaded from node_modules on the first validation rather than bundled into the code that imports this module:
 * `adot doctor` validates only an add-on that has configuration values, and bundled, ajv (~240 kB) was parsed and
 * run by every doctor (~10 ms of CPU on Node 20; loaded on demand it costs ~5 ms, when needed).
 */
function loadAjv(): typeof Ajv2019Module {
  return createRequire(import.meta.url)('ajv/dist/2019.js') as typeof Ajv2019Module;
}
