import { createHash, randomUUID } from 'node:crypto';
import { AwsServiceError } from '../../types.js';

/**
 * Amazon Managed Service for Prometheus workspaces (botocore model amp/2020-08-01): ids `ws-` + a UUID, ARNs
 * `arn:aws:aps:REGION:ACCOUNT:workspace/ID`, prometheusEndpoint
 * `https://aps-workspaces.REGION.amazonaws.com/workspaces/ID/`, statuses CREATING | ACTIVE | UPDATING | DELETING |
 * CREATION_FAILED. A new workspace is CREATING for `createSeconds`, then ACTIVE; a deleted one DELETING for as
 * long, then gone. "Deletion is disallowed until status is ACTIVE", "Updates are allowed only when status is ACTIVE"
 * (WorkspaceStatusCode in the model's documentation).
 */
export type WorkspaceStatusCode = 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING' | 'CREATION_FAILED';

export interface Workspace {
  workspaceId: string;
  alias?: string;
  arn: string;
  status: { statusCode: WorkspaceStatusCode };
  prometheusEndpoint: string;
  createdAt: Date;
  tags: Record<string, string>;
}

export interface WorkspacesOptions {
  account: string;
  region: string;
  /** how long CREATING and DELETING last */
  createSeconds: number;
  /** called when a deleted workspace is gone, so its data goes too */
  onGone?(workspaceId: string): void;
}

const RESOURCE_TYPE = 'AWS::APS::Workspace';
const ALIAS_MAX = 100;

export function resourceNotFound(workspaceId: string): AwsServiceError {
  // moto's and AMP's data plane message; the model requires resourceId and resourceType
  return new AwsServiceError('ResourceNotFoundException', 'Workspace not found', 404, {
    resourceId: workspaceId,
    resourceType: RESOURCE_TYPE,
  });
}

export function validationException(field: string, message: string): AwsServiceError {
  return new AwsServiceError('ValidationException', message, 400, {
    reason: 'FIELD_VALIDATION_FAILED',
    fieldList: [{ name: field, message }],
  });
}

function conflict(workspace: Workspace, operation: string): AwsServiceError {
  // the model names ConflictException for a workspace that is not ACTIVE; AWS's message text is not documented
  return new AwsServiceError(
    'ConflictException',
    `${operation} is not allowed while workspace ${workspace.workspaceId} is ${workspace.status.statusCode}`,
    409,
    { resourceId: workspace.workspaceId, resourceType: RESOURCE_TYPE },
  );
}

/** `ws-` + a UUID derived from a seed (stable across runs), for seeded workspaces without an id. */
export function derivedWorkspaceId(seed: string): string {
  const hex = createHash('sha256').update(`amp-workspace/${seed}`).digest('hex');
  return `ws-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function trimAlias(alias: string | undefined): string | undefined {
  if (alias === undefined) return undefined;
  const trimmed = alias.trim();
  if (trimmed.length < 1 || trimmed.length > ALIAS_MAX) {
    throw validationException(
      'alias',
      `1 validation error detected: Value '${alias}' at 'alias' failed to satisfy constraint: Member must have length between 1 and ${ALIAS_MAX}`,
    );
  }
  return trimmed;
}

export class AmpWorkspaces {
  private readonly workspaces = new Map<string, Workspace>();
  private readonly byClientToken = new Map<string, string>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: WorkspacesOptions) {}

  get region(): string {
    return this.options.region;
  }

  arnOf(workspaceId: string, region = this.options.region): string {
    return `arn:aws:aps:${region}:${this.options.account}:workspace/${workspaceId}`;
  }

  /** a workspace that exists from the start (seeds): ACTIVE unless told otherwise */
  seed(input: { workspaceId: string; alias?: string; status?: WorkspaceStatusCode }): Workspace {
    const workspace = this.make(input.workspaceId, input.alias, input.status ?? 'ACTIVE', {});
    this.workspaces.set(workspace.workspaceId, workspace);
    return { ...workspace };
  }

  create(input: { alias?: string; clientToken?: string; tags?: Record<string, string> }): Workspace {
    const alias = trimAlias(input.alias);
    const earlier = input.clientToken === undefined ? undefined : this.byClientToken.get(input.clientToken);
    const existing = earlier === undefined ? undefined : this.workspaces.get(earlier);
    if (existing !== undefined) return copy(existing);
    const workspace = this.make(`ws-${randomUUID()}`, alias, 'CREATING', input.tags ?? {});
    this.workspaces.set(workspace.workspaceId, workspace);
    if (input.clientToken !== undefined) this.byClientToken.set(input.clientToken, workspace.workspaceId);
    this.later(() => {
      if (workspace.status.statusCode === 'CREATING') workspace.status = { statusCode: 'ACTIVE' };
    });
    return copy(workspace);
  }

  describe(workspaceId: string): Workspace {
    return copy(this.existing(workspaceId));
  }

  /** the workspaces whose alias starts with the given one (ListWorkspaces' alias filter), in creation order */
  list(aliasPrefix: string | undefined): Workspace[] {
    const prefix = aliasPrefix?.trim();
    return [...this.workspaces.values()]
      .filter((workspace) => prefix === undefined || (workspace.alias ?? '').startsWith(prefix))
      .map(copy);
  }

  updateAlias(workspaceId: string, alias: string | undefined): void {
    const workspace = this.existing(workspaceId);
    if (workspace.status.statusCode !== 'ACTIVE') throw conflict(workspace, 'UpdateWorkspaceAlias');
    const trimmed = trimAlias(alias);
    if (trimmed === undefined) delete workspace.alias;
    else workspace.alias = trimmed;
  }

  delete(workspaceId: string): void {
    const workspace = this.existing(workspaceId);
    if (workspace.status.statusCode !== 'ACTIVE' && workspace.status.statusCode !== 'CREATION_FAILED') {
      throw conflict(workspace, 'DeleteWorkspace');
    }
    workspace.status = { statusCode: 'DELETING' };
    this.later(() => {
      this.workspaces.delete(workspaceId);
      this.options.onGone?.(workspaceId);
    });
  }

  /** whether remote write and query reach the workspace: it exists and is usable (ACTIVE or UPDATING) */
  accepts(workspaceId: string): boolean {
    const status = this.workspaces.get(workspaceId)?.status.statusCode;
    return status === 'ACTIVE' || status === 'UPDATING';
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private existing(workspaceId: string): Workspace {
    const workspace = this.workspaces.get(workspaceId);
    if (workspace === undefined) throw resourceNotFound(workspaceId);
    return workspace;
  }

  private make(
    workspaceId: string,
    alias: string | undefined,
    statusCode: WorkspaceStatusCode,
    tags: Record<string, string>,
  ): Workspace {
    return {
      workspaceId,
      ...(alias === undefined ? {} : { alias }),
      arn: this.arnOf(workspaceId),
      status: { statusCode },
      prometheusEndpoint: `https://aps-workspaces.${this.options.region}.amazonaws.com/workspaces/${workspaceId}/`,
      createdAt: new Date(),
      tags: { ...tags },
    };
  }

  private later(action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, this.options.createSeconds * 1000);
    timer.unref();
    this.timers.add(timer);
  }
}

function copy(workspace: Workspace): Workspace {
  return { ...workspace, status: { ...workspace.status }, tags: { ...workspace.tags } };
}
