import type { ErrorObject } from 'ajv/dist/2019.js';

/**
 * EKS's schema errors in its own words. The messages EKS answers are those of the networknt json-schema-validator
 * 1.0.x (src/main/resources/jsv-messages.properties of https://github.com/networknt/json-schema-validator, tag
 * 1.0.76): "$.nodeSelector: is not defined in the schema and the schema does not allow additional properties"
 * (https://github.com/aws/amazon-vpc-cni-k8s/issues/2272), "$.env.ENABLE_PREFIX_DELEGATION: boolean found, string
 * expected" (https://github.com/terraform-aws-modules/terraform-aws-eks/pull/2349), "$: null found, object expected"
 * (https://github.com/cookpad/terraform-aws-eks/pull/331). Paths are JSONPath as that validator writes them ($, .key,
 * [index]); a list of them is printed as a Java set: "[a, b]".
 */
export function eksSchemaMessage(error: ErrorObject, data: unknown): string | undefined {
  const at = jsonPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${at}.${String(params.additionalProperty)}: is not defined in the schema and the schema does not allow additional properties`;
    case 'required':
      return `${at}.${String(params.missingProperty)}: is missing but it is required`;
    case 'type': {
      const found = jsonTypeOf(valueAt(data, error.instancePath));
      // ajv joins a list of types with commas; a list is the validator's "union type" message
      const expected = String(params.type).split(',');
      return expected.length > 1
        ? `${at}: ${found} found, but [${expected.join(', ')}] is required`
        : `${at}: ${found} found, ${expected[0] ?? ''} expected`;
    }
    case 'enum':
      return `${at}: does not have a value in the enumeration [${(params.allowedValues as unknown[]).map(text).join(', ')}]`;
    case 'const':
      return `${at}: must be a constant value ${text(params.allowedValue)}`;
    case 'pattern':
      return `${at}: does not match the regex pattern ${String(params.pattern)}`;
    case 'minLength':
      return `${at}: must be at least ${String(params.limit)} characters long`;
    case 'maxLength':
      return `${at}: may only be ${String(params.limit)} characters long`;
    case 'minimum':
      return `${at}: must have a minimum value of ${String(params.limit)}`;
    case 'maximum':
      return `${at}: must have a maximum value of ${String(params.limit)}`;
    case 'minItems':
      return `${at}: there must be a minimum of ${String(params.limit)} items in the array`;
    case 'maxItems':
      return `${at}: there must be a maximum of ${String(params.limit)} items in the array`;
    // networknt reports the errors of the failing `then` schema only, never one for the `if` itself
    case 'if':
      return undefined;
    default:
      return `${at}: ${error.message ?? error.keyword}`;
  }
}

/** `/a/b/0` -> `$.a.b[0]` (JSON pointer to the validator's JSONPath; ~1 and ~0 unescaped) */
export function jsonPath(pointer: string): string {
  if (pointer === '') return '$';
  return (
    '$' +
    pointer
      .slice(1)
      .split('/')
      .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`))
      .join('')
  );
}

/**
 * The JSON type names the validator prints: integral numbers are "integer" (Jackson's IntNode). A number written
 * 1.0 is "number" there but "integer" here, as JavaScript cannot tell them apart once parsed.
 */
function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function valueAt(data: unknown, pointer: string): unknown {
  if (pointer === '') return data;
  let node = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

/** an enum or const value as Jackson's asText prints it: strings bare, the rest as JSON */
function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
