import {
  configurationErrors,
  configurationRefusal,
  parseConfigurationText,
} from '../../../core/addon-config/schema-validation.js';
import { adotConfigurationSchema } from './adot-configuration/schemas.js';
import { invalidParameter, type EksErrorContext } from './errors.js';

/** The advanced-configuration JSON schema DescribeAddonConfiguration answers for an ADOT version (as text). */
export function configurationSchema(addonVersion: string): string {
  return JSON.stringify(adotConfigurationSchema(addonVersion));
}

/** configurationValues as EKS reads them (JSON or YAML); throws InvalidParameterException when they are neither. */
export function parseConfigurationValues(values: string, where: EksErrorContext): unknown {
  const parsed = parseConfigurationText(values);
  // EKS's wording for values that do not parse is not public
  if (!parsed.ok) throw invalidParameter('ConfigurationValue provided in request is not valid JSON or YAML', where);
  return parsed.value;
}

/**
 * Validates configurationValues against a version's schema as EKS does ("The values that you provide are validated
 * against the schema returned by DescribeAddonConfiguration", the eks/2017-11-01 model's CreateAddon and UpdateAddon)
 * and refuses them with its InvalidParameterException, every error listed
 * (https://github.com/terraform-aws-modules/terraform-aws-eks/pull/2349). Returns the parsed values.
 */
export function validateConfigurationValues(schema: string, values: string, where: EksErrorContext): unknown {
  const parsed = parseConfigurationValues(values, where);
  const errors = configurationErrors(schema, parsed);
  if (errors.length > 0) throw invalidParameter(configurationRefusal(errors), where);
  return parsed;
}
