import { randomBytes, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { SeedPodIdentityAssociation } from '../../types.js';
import { invalidParameter, resourceInUse, resourceLimitExceeded, resourceNotFound } from './errors.js';
import { podIdentityTrustProblem } from './pod-identity-trust.js';

/**
 * EKS Pod Identity associations of one cluster (CreatePodIdentityAssociation and its siblings, botocore eks
 * 2017-11-01; https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html). Messages quoted from EKS
 * answers people published are cited next to them; every other message is not public, written to be plausible, and
 * marked `// message not public` where it is thrown.
 */
export interface PodIdentityAssociation {
  clusterName: string;
  namespace: string;
  serviceAccount: string;
  roleArn: string;
  associationArn: string;
  associationId: string;
  tags: Record<string, string>;
  createdAt: Date;
  modifiedAt: Date;
  ownerArn?: string;
  disableSessionTags: boolean;
  targetRoleArn?: string;
  externalId?: string;
  policy?: string;
}

export type PodIdentityAssociationSummary = Pick<
  PodIdentityAssociation,
  'clusterName' | 'namespace' | 'serviceAccount' | 'associationArn' | 'associationId' | 'ownerArn'
>;

/** what the emulated EKS reads of IAM: a role's trust policy (IamEmulator answers it) */
export interface RoleDirectory {
  findRoleByArn(arn: string): { AssumeRolePolicyDocument: string } | undefined;
}

export interface CreateAssociationParams {
  namespace: string;
  serviceAccount: string;
  roleArn: string;
  clientRequestToken?: string;
  tags?: Record<string, string>;
  disableSessionTags?: boolean;
  targetRoleArn?: string;
  policy?: string;
}

export interface UpdateAssociationParams {
  roleArn?: string;
  clientRequestToken?: string;
  disableSessionTags?: boolean;
  targetRoleArn?: string;
  policy?: string;
}

interface AssociationContext {
  account: string;
  region: string;
  clusterName: string;
  roles: RoleDirectory;
}

/** "Pod Identity associations per cluster is 1000 … and this quota isn't adjustable" (service-quotas.html) */
export const MAX_ASSOCIATIONS_PER_CLUSTER = 1000;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/;
/** tag limits of the TagMap shape (botocore eks model): 50 tags, keys of 1-128 and values of up to 256 characters */
const MAX_TAGS = 50;

/** `a-` and 17 lowercase letters or digits, as EKS issues them (a-kyevsbqhrnchy79jw in pod-id-association.html) */
export function newAssociationId(): string {
  const bytes = randomBytes(17);
  return `a-${[...bytes].map((byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join('')}`;
}

export class PodIdentityAssociations {
  private readonly associations = new Map<string, PodIdentityAssociation>();
  /** clientRequestToken -> the request it came with and the association it made */
  private readonly tokens = new Map<string, { request: unknown; associationId: string }>();

  constructor(private readonly context: AssociationContext) {}

  create(params: CreateAssociationParams, ownerArn?: string): PodIdentityAssociation {
    const replay = this.replayOf(params.clientRequestToken, { create: params, ownerArn });
    if (replay !== undefined) return replay;
    this.validateTags(params.tags);
    this.validateRole(params.roleArn, params.disableSessionTags === true);
    this.validateOptions(params);
    const existing = this.find(params.namespace, params.serviceAccount);
    // https://github.com/awslabs/crossplane-on-eks/issues/168: 409 "Association already exists: a-dt1bedfjc72dlwp5n"
    if (existing !== undefined)
      throw resourceInUse(`Association already exists: ${existing.associationId}`, this.where());
    if (this.associations.size >= MAX_ASSOCIATIONS_PER_CLUSTER) {
      // message not public
      throw resourceLimitExceeded(
        `Pod Identity associations per cluster limit of ${MAX_ASSOCIATIONS_PER_CLUSTER} exceeded`,
        this.where(),
      );
    }
    const association = this.store({
      namespace: params.namespace,
      serviceAccount: params.serviceAccount,
      roleArn: params.roleArn,
      tags: { ...params.tags },
      disableSessionTags: params.disableSessionTags === true,
      targetRoleArn: emptyToUndefined(params.targetRoleArn),
      policy: emptyToUndefined(params.policy),
      ownerArn,
    });
    this.remember(params.clientRequestToken, { create: params, ownerArn }, association.associationId);
    return structuredClone(association);
  }

  /** an association present at start, taken as given (a seed describes state, it is not a request) */
  seed(seeded: SeedPodIdentityAssociation, ownerArn?: string): PodIdentityAssociation {
    return structuredClone(
      this.store({
        namespace: seeded.namespace,
        serviceAccount: seeded.serviceAccount,
        roleArn: seeded.roleArn,
        tags: { ...seeded.tags },
        disableSessionTags: seeded.disableSessionTags === true,
        targetRoleArn: seeded.targetRoleArn,
        ownerArn,
        id: seeded.id,
      }),
    );
  }

  list(filter: { namespace?: string; serviceAccount?: string }): PodIdentityAssociationSummary[] {
    return [...this.associations.values()]
      .filter((association) => filter.namespace === undefined || association.namespace === filter.namespace)
      .filter(
        (association) => filter.serviceAccount === undefined || association.serviceAccount === filter.serviceAccount,
      )
      .map(({ clusterName, namespace, serviceAccount, associationArn, associationId, ownerArn }) => ({
        clusterName,
        namespace,
        serviceAccount,
        associationArn,
        associationId,
        ...(ownerArn === undefined ? {} : { ownerArn }),
      }));
  }

  describe(associationId: string): PodIdentityAssociation {
    return structuredClone(this.get(associationId));
  }

  /**
   * Owned associations may be changed too: "You also can directly update or delete the pod identity association if
   * necessary" (https://docs.aws.amazon.com/eks/latest/userguide/add-ons-iam.html).
   */
  update(associationId: string, params: UpdateAssociationParams): PodIdentityAssociation {
    const association = this.get(associationId);
    const replay = this.replayOf(params.clientRequestToken, { update: associationId, params });
    if (replay !== undefined) return replay;
    if (
      params.roleArn === undefined &&
      params.disableSessionTags === undefined &&
      params.targetRoleArn === undefined &&
      params.policy === undefined
    ) {
      // "You must change at least one of these in an update" (UpdatePodIdentityAssociation, eks model); message not public
      throw invalidParameter(
        'At least one of roleArn, targetRoleArn, disableSessionTags or policy must be given',
        this.where(),
      );
    }
    const disableSessionTags = params.disableSessionTags ?? association.disableSessionTags;
    this.validateRole(params.roleArn ?? association.roleArn, disableSessionTags);
    const targetRoleArn =
      params.targetRoleArn === undefined ? association.targetRoleArn : emptyToUndefined(params.targetRoleArn);
    const policy = params.policy === undefined ? association.policy : emptyToUndefined(params.policy);
    this.validateOptions({ targetRoleArn, policy, disableSessionTags });
    if (params.roleArn !== undefined) association.roleArn = params.roleArn;
    association.disableSessionTags = disableSessionTags;
    association.policy = policy;
    if (targetRoleArn !== association.targetRoleArn) {
      association.targetRoleArn = targetRoleArn;
      association.externalId = targetRoleArn === undefined ? undefined : randomUUID();
    }
    association.modifiedAt = new Date();
    this.remember(params.clientRequestToken, { update: associationId, params }, associationId);
    return structuredClone(association);
  }

  delete(associationId: string): PodIdentityAssociation {
    const association = this.get(associationId);
    this.associations.delete(associationId);
    return structuredClone(association);
  }

  find(namespace: string, serviceAccount: string): PodIdentityAssociation | undefined {
    return [...this.associations.values()].find(
      (association) => association.namespace === namespace && association.serviceAccount === serviceAccount,
    );
  }

  ownedBy(ownerArn: string): PodIdentityAssociation[] {
    return [...this.associations.values()].filter((association) => association.ownerArn === ownerArn);
  }

  /** an add-on's pod identity association whose role changed (UpdateAddon), kept under its id */
  reassign(associationId: string, roleArn: string): void {
    const association = this.get(associationId);
    if (association.roleArn === roleArn) return;
    association.roleArn = roleArn;
    association.modifiedAt = new Date();
  }

  /** associations a deleted add-on leaves behind with DeleteAddon --preserve no longer name it as their owner */
  disown(associationId: string): void {
    delete this.get(associationId).ownerArn;
  }

  /**
   * What EKS checks of a role when an association is made
   * (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html): it must be in the cluster's account ("You can only associate roles that are in the same AWS account as the
   * cluster", pod-identities.html), exist ("InvalidParameterException: Role provided in the request does not
   * exist.", https://github.com/hashicorp/terraform-provider-aws/pull/34717) and trust pods.eks.amazonaws.com
   * ("Trust policy of the role provided is invalid.",
   * https://github.com/hashicorp/terraform-provider-aws/issues/41483).
   */
  validateRole(roleArn: string, disableSessionTags: boolean): void {
    const match = ROLE_ARN.exec(roleArn);
    if (match === null)
      // message not public
      throw invalidParameter(`Role ARN ${roleArn} is not a valid IAM role ARN`, this.where());
    if (match[1] !== this.context.account) {
      // message not public
      throw invalidParameter(`Role ${roleArn} is not in the cluster's account ${this.context.account}`, this.where());
    }
    const role = this.context.roles.findRoleByArn(roleArn);
    if (role === undefined) throw invalidParameter('Role provided in the request does not exist.', this.where());
    if (podIdentityTrustProblem(role.AssumeRolePolicyDocument, disableSessionTags) !== undefined) {
      throw invalidParameter('Trust policy of the role provided is invalid.', this.where());
    }
  }

  private validateOptions(options: { targetRoleArn?: string; policy?: string; disableSessionTags?: boolean }): void {
    if (options.targetRoleArn !== undefined && options.targetRoleArn !== '' && !ROLE_ARN.test(options.targetRoleArn)) {
      // message not public
      throw invalidParameter(`Target role ARN ${options.targetRoleArn} is not a valid IAM role ARN`, this.where());
    }
    // "When using this policy, disableSessionTags must be set to true" (policy, eks model); message not public
    if (options.policy !== undefined && options.policy !== '' && options.disableSessionTags !== true) {
      throw invalidParameter('disableSessionTags must be true when a policy is given', this.where());
    }
  }

  private validateTags(tags: Record<string, string> | undefined): void {
    const entries = Object.entries(tags ?? {});
    if (entries.length > MAX_TAGS) {
      // message not public
      throw invalidParameter(`An association can have at most ${MAX_TAGS} tags`, this.where());
    }
    for (const [key, value] of entries) {
      if (key.length < 1 || key.length > 128 || value.length > 256 || key.toLowerCase().startsWith('aws:')) {
        // message not public
        throw invalidParameter(
          `Tag ${key} is not valid: keys have 1-128 characters, values up to 256, and aws: is reserved`,
          this.where(),
        );
      }
    }
  }

  private store(fields: {
    namespace: string;
    serviceAccount: string;
    roleArn: string;
    tags: Record<string, string>;
    disableSessionTags: boolean;
    targetRoleArn?: string;
    policy?: string;
    ownerArn?: string;
    id?: string;
  }): PodIdentityAssociation {
    let id = fields.id ?? newAssociationId();
    while (fields.id === undefined && this.associations.has(id)) id = newAssociationId();
    const now = new Date();
    const { account, region, clusterName } = this.context;
    const association: PodIdentityAssociation = {
      clusterName,
      namespace: fields.namespace,
      serviceAccount: fields.serviceAccount,
      roleArn: fields.roleArn,
      // arn:aws:eks:us-west-2:123456789012:podidentityassociation/mycluster/a-4wvljrezsukshq1bv (add-ons-iam.html)
      associationArn: `arn:aws:eks:${region}:${account}:podidentityassociation/${clusterName}/${id}`,
      associationId: id,
      tags: fields.tags,
      createdAt: now,
      modifiedAt: now,
      disableSessionTags: fields.disableSessionTags,
      ...(fields.ownerArn === undefined ? {} : { ownerArn: fields.ownerArn }),
      ...(fields.targetRoleArn === undefined
        ? {}
        : // the value EKS issues is not public beyond being a unique identifier; a UUID stands in
          { targetRoleArn: fields.targetRoleArn, externalId: randomUUID() }),
      ...(fields.policy === undefined ? {} : { policy: fields.policy }),
    };
    this.associations.set(id, association);
    return association;
  }

  private get(associationId: string): PodIdentityAssociation {
    // https://github.com/aws-samples/eks-workshop-v2/issues/882
    if (associationId.length !== 19) {
      throw invalidParameter('The parameter associationId should be 19 characters long.', this.where());
    }
    const association = this.associations.get(associationId);
    if (association === undefined) {
      // message not public
      throw resourceNotFound(`No association found for ID: ${associationId}`, this.where());
    }
    return association;
  }

  /**
   * clientRequestToken makes a request idempotent (eks model): the same token with the same request answers what
   * the first one did; with a different request it is refused.
   */
  private replayOf(token: string | undefined, request: unknown): PodIdentityAssociation | undefined {
    if (token === undefined) return undefined;
    const seen = this.tokens.get(token);
    if (seen === undefined) return undefined;
    if (!isDeepStrictEqual(seen.request, request)) {
      // message not public
      throw invalidParameter(
        `The client request token ${token} was already used with different parameters`,
        this.where(),
      );
    }
    const association = this.associations.get(seen.associationId);
    return association === undefined ? undefined : structuredClone(association);
  }

  private remember(token: string | undefined, request: unknown, associationId: string): void {
    if (token !== undefined) this.tokens.set(token, { request: structuredClone(request), associationId });
  }

  private where(): { clusterName: string } {
    return { clusterName: this.context.clusterName };
  }
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}
