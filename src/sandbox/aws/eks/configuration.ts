import { Ajv2019, type ValidateFunction } from 'ajv/dist/2019.js';
import { parse as parseYaml } from 'yaml';
import { adotConfigurationSchema } from './adot-configuration/schemas.js';
import { invalidParameter, type EksErrorContext } from './errors.js';
import { eksSchemaMessage } from './schema-messages.js';

/** The advanced-configuration JSON schema DescribeAddonConfiguration answers for an ADOT version (as text). */
export function configurationSchema(addonVersion: string): string {
  return JSON.stringify(adotConfigurationSchema(addonVersion));
}

/**
 * configurationValues as EKS reads them: JSON or YAML text ("in JSON or YAML format",
 * https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-field-management.html); empty text is no configuration.
 * Throws InvalidParameterException when the text is neither.
 */
export function parseConfigurationValues(values: string, where: EksErrorContext): unknown {
  if (values.trim() === '') return {};
  try {
    return parseYaml(values) as unknown;
  } catch {
    // EKS's wording for values that do not parse is not public
    throw invalidParameter('ConfigurationValue provided in request is not valid JSON or YAML', where);
  }
}

/**
 * Validates configurationValues against a version's schema as EKS does ("The values that you provide are validated
 * against the schema returned by DescribeAddonConfiguration", the eks/2017-11-01 model's CreateAddon and UpdateAddon)
 * and refuses them with its InvalidParameterException, every error listed
 * (https://github.com/terraform-aws-modules/terraform-aws-eks/pull/2349). Returns the parsed values.
 */
export function validateConfigurationValues(schema: string, values: string, where: EksErrorContext): unknown {
  const parsed = parseConfigurationValues(values, where);
  const validate = compiled(schema);
  if (validate(parsed)) return parsed;
  const messages = [
    ...new Set((validate.errors ?? []).map((error) => eksSchemaMessage(error, parsed)).filter((m) => m !== undefined)),
  ];
  throw invalidParameter(
    `ConfigurationValue provided in request is not supported: Json schema validation failed with error: [${messages.join(', ')}]`,
    where,
  );
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
  const validate = new Ajv2019({ allErrors: true, strict: false }).compile(body);
  validators.set(schema, validate);
  return validate;
}
