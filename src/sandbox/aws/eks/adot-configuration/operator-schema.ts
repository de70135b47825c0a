import { closedObject, resources, stringMap, type JsonSchema } from './schema-parts.js';

/**
 * The operator's keys, the same from v0.62.1 on: the docs' tables for v0.62.1-eksbuild.1
 * (https://github.com/aws-otel/aws-otel.github.io/commit/3a7c64977e38ecc7fe07b0b8e78ac33fcc213f43), v0.66.0-eksbuild.1
 * (…/commit/9436089cc5eb97779928046f30a312dcabdd8dfe) and v0.88.0-eksbuild.1
 * (https://aws-otel.github.io/docs/getting-started/adot-eks-add-on/add-on-configuration-operator), and the values a
 * user read back from v0.92.1-eksbuild.1 (manager.env as a map of strings, ENABLE_WEBHOOKS: "true";
 * https://github.com/aws-observability/aws-otel-collector/issues/2685). The tables name the keys and leaves; the
 * nested objects are closed here, as every level of the public v0.117.0 schema is. The docs' own examples write
 * `"resource"` (singular) where the tables say `resources`: those examples are refused here.
 */
export function operatorProperties(): Record<string, JsonSchema> {
  return {
    replicaCount: { type: 'integer', description: 'Number of replicated pods to create.' },
    manager: closedObject({
      resources: { ...resources, description: 'Resource requests and limits of the ADOT Operator pod.' },
      env: { ...stringMap, description: 'Set environment variables for the ADOT Operator pod.' },
    }),
    kubeRBACProxy: closedObject({
      resources: { ...resources, description: 'Resource requests and limits of the kubeRBACProxy container.' },
    }),
    admissionWebhooks: closedObject({
      namespaceSelector: { type: 'object', description: 'Add a namespaceSelector for admission webhooks.' },
      objectSelector: { type: 'object', description: 'Add a objectSelector for admission webhooks.' },
    }),
    affinity: { type: 'object', description: 'Specify node affinity for the ADOT Operator pod.' },
    tolerations: { type: 'array', description: 'Specify tolerations to apply to the ADOT Operator pod.' },
    nodeSelector: { ...stringMap, description: 'Specify nodeSelector for the ADOT Operator pod.' },
  };
}
