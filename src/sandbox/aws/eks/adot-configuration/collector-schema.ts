import { closedObject, enabledOnly, resources, stringMap, type JsonSchema } from './schema-parts.js';

/** The collector modes the v0.66.0 docs list for `collector.mode`. */
export const LEGACY_COLLECTOR_MODES = ['deployment', 'daemonset', 'statefulset', 'sidecar'] as const;

/**
 * The `collector` section of v0.62.1 to v0.84.0: one collector the add-on deploys, sending to the destinations
 * switched on. v0.62.1-eksbuild.1 takes serviceAccount, amp, cloudwatch and xray
 * (https://github.com/aws-otel/aws-otel.github.io/commit/3a7c64977e38ecc7fe07b0b8e78ac33fcc213f43); v0.66.0-eksbuild.1
 * adds mode, replicas and resources (…/commit/9436089cc5eb97779928046f30a312dcabdd8dfe; the same table stayed until
 * v0.88.0 replaced it, …/commit/282f48cba70d4b10fef0c6a42a518fb6263c31d2). "`collector.amp.remoteWriteEndpoint` …
 * Required if `collector.amp.enabled` is true": written as the v0.117.0 schema writes its own such rule (if/then,
 * https://github.com/aws-observability/aws-otel-collector/issues/3087).
 */
export function legacyCollectorSchema(withDeploymentKeys: boolean): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    serviceAccount: closedObject({
      create: {
        type: 'boolean',
        description: 'Specify whether or not to create a service account for use with Collector deployment.',
      },
      name: {
        type: 'string',
        description:
          'Specify a name for a service account for use with Collector deployment, either to create or a pre-existing service account.',
      },
      annotations: {
        ...stringMap,
        description: 'Specifies annotations for a service account for use with Collector deployment.',
      },
    }),
    amp: closedObject(
      {
        enabled: {
          type: 'boolean',
          description:
            'Specify whether or not to enable Amazon Managed Prometheus as a destination for Collector deployment.',
        },
        remoteWriteEndpoint: {
          type: 'string',
          description: 'Specify a remote write endpoint for Amazon Managed Prometheus.',
        },
      },
      {
        if: { properties: { enabled: { const: true } }, required: ['enabled'] },
        then: { required: ['remoteWriteEndpoint'] },
      },
    ),
    cloudwatch: enabledOnly,
    xray: enabledOnly,
  };
  if (withDeploymentKeys) {
    properties.mode = {
      type: 'string',
      enum: [...LEGACY_COLLECTOR_MODES],
      description: 'Specifies what mode to deploy the Collector in.',
    };
    properties.replicas = { type: 'integer', description: 'Specifies how many replicas of the Collector to deploy.' };
    properties.resources = { ...resources, description: 'Resource requests and limits of the ADOT Collector pod.' };
  }
  return closedObject(properties);
}
