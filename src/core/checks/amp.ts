/**
 * amp.workspace: the Amazon Managed Service for Prometheus workspace the collector remote-writes to exists, is
 * ACTIVE, and lives in the region the requests are signed for. A wrong workspace id answers 404 at remote write
 * and a signature for another region is refused, so telemetry would be lost either way.
 */
import { customSignedRemoteWrites } from '../identity/amp-workspace.js';
import { collectorConfigOf } from './collector-identity.js';
import { hintFor, listText, pass, withFact } from './helpers.js';
import { identityOf } from './iam.js';
import type { AmpWorkspaceFact, Check, CheckId, CheckOutcome } from './types.js';

export const ampWorkspace: Check<'amp.workspace'> = {
  id: 'amp.workspace',
  category: 'collector',
  title: 'the AMP workspace the collector writes to exists, is ACTIVE and is in the signing region',
  appliesToPre: false,
  retryable: true,
  dependsOn: ['collector.resource'],
  run(facts, context) {
    return withFact(this.id, 'the AMP workspace', facts.ampWorkspace, (target) => {
      if (target === undefined) {
        const identity = identityOf(facts, context);
        const config = identity.collector === undefined ? undefined : collectorConfigOf(identity.collector).config;
        const custom = config === undefined ? [] : customSignedRemoteWrites(config);
        if (custom.length > 0) {
          return {
            status: 'warn',
            message: `the collector sends SigV4-signed remote writes to ${listText(custom)}, which is not an Amazon Managed Service for Prometheus endpoint`,
            observed: listText(custom),
            expected: 'aps-workspaces.REGION.amazonaws.com',
            hint: hintFor(
              this.id,
              `adot install --cluster ${context.clusterName} --target amp --amp-workspace-id <id> (or keep it, if you mean to send there: install took it with --allow-custom-endpoint)`,
            ),
          };
        }
        return {
          status: 'skip',
          message: 'skipped: the collector writes to no Amazon Managed Service for Prometheus workspace',
          notApplicable: true,
        };
      }
      return ampWorkspaceOutcome(target, this.id, context.clusterName);
    });
  },
};

/** The judgement of one collector's workspace (also for the add-on's own collectors, see addon-configuration.ts). */
export function ampWorkspaceOutcome(target: AmpWorkspaceFact, id: CheckId, clusterName: string): CheckOutcome {
  const { workspaceId, endpointRegion, signingRegion, workspace } = target;
  const where = `${workspaceId} in ${endpointRegion}`;
  if (workspace === undefined) {
    return {
      status: 'fail',
      message: `AMP workspace ${where} does not exist: remote writes answer 404`,
      observed: 'not found',
      expected: where,
      hint: hintFor(
        id,
        `aws amp list-workspaces --region ${endpointRegion}; then adot install --cluster ${clusterName} --target amp --amp-workspace-id <id> (or --amp-workspace-alias <alias> to find or create one)`,
      ),
    };
  }
  if (signingRegion !== undefined && signingRegion !== endpointRegion) {
    return {
      status: 'fail',
      message: `the collector signs remote writes for ${signingRegion} (sigv4auth region) but workspace ${workspaceId} is in ${endpointRegion}`,
      observed: `sigv4auth region ${signingRegion}`,
      expected: `sigv4auth region ${endpointRegion}`,
      hint: hintFor(id, `adot install --cluster ${clusterName} --target amp --amp-workspace-id ${workspaceId}`),
    };
  }
  if (workspace.status !== 'ACTIVE') {
    return {
      status: 'fail',
      message: `AMP workspace ${where} is ${workspace.status}, not ACTIVE`,
      observed: String(workspace.status),
      expected: 'ACTIVE',
      hint: hintFor(id, `aws amp describe-workspace --region ${endpointRegion} --workspace-id ${workspaceId}`),
    };
  }
  const alias = workspace.alias === undefined ? '' : ` (${workspace.alias})`;
  return pass(`workspace ${where}${alias} is ACTIVE`, { observed: `${workspaceId} ACTIVE`, expected: where });
}
