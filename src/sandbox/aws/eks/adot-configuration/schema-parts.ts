/** JSON Schema fragments the ADOT add-on's configuration schemas are built of. */
export type JsonSchema = Record<string, unknown>;

/**
 * An object that takes only the listed keys. EKS refuses keys a schema does not define ("… is not defined in the
 * schema and the schema does not allow additional properties"), and the one public ADOT schema (v0.117.0-eksbuild.1,
 * https://github.com/aws-observability/aws-otel-collector/issues/3087) says `additionalProperties: false` at every
 * level it shows.
 */
export function closedObject(properties: Record<string, JsonSchema>, extra: JsonSchema = {}): JsonSchema {
  return { type: 'object', properties, additionalProperties: false, ...extra };
}

/**
 * cpu and memory requests and limits, as strings: the docs write them quoted ("1", "1G", "200m" in
 * https://aws-otel.github.io/docs/getting-started/adot-eks-add-on/add-on-v88-migration and the add-on configuration
 * pages), as the EKS schemas that are public type them (vpc-cni's Limits: {cpu: string, memory: string},
 * https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-field-management.html).
 */
const quantities = closedObject({ cpu: { type: 'string' }, memory: { type: 'string' } });
export const resources = closedObject({ limits: quantities, requests: quantities });

/** a map of strings (annotations, environment variables, node selectors) */
export const stringMap: JsonSchema = { type: 'object', additionalProperties: { type: 'string' } };

/** a pipeline switch `{enabled: boolean}`, `enabled` required (v0.117.0-eksbuild.1's cloudwatchLogs, #3087) */
export function pipelineSwitch(title: string): JsonSchema {
  return closedObject({ enabled: { title: 'The enabled Schema', type: 'boolean' } }, { required: ['enabled'], title });
}

/** a destination switch of the v0.62.1–v0.84 `collector` section: `{enabled}` (no `required` is documented) */
export const enabledOnly = closedObject({ enabled: { type: 'boolean' } });
