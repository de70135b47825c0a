import { randomBytes } from 'node:crypto';
import { stableId } from './iam/managed-policies.js';

/**
 * Who signs the sandbox's AWS requests. One store per sandbox: the sandbox user's fixed keys (an administrator,
 * allowed everything) and the temporary credentials STS issues for role sessions (AssumeRole,
 * AssumeRoleWithWebIdentity, and later EKS Pod Identity), which the server authorizes against the role's policies.
 */

export interface SessionTag {
  Key: string;
  Value: string;
}

/** The sandbox's one IAM user, whose fixed keys every client signs with by default. */
export interface SandboxUserPrincipal {
  kind: 'user';
  account: string;
  arn: string;
  userId: string;
  userName: string;
}

/** A role session, as STS describes it (AssumedRoleUser) and as IAM evaluates it. */
export interface RoleSessionPrincipal {
  kind: 'role-session';
  account: string;
  /** arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION */
  arn: string;
  /** ROLEID:SESSION */
  userId: string;
  roleArn: string;
  roleName: string;
  roleId: string;
  sessionName: string;
  tags: SessionTag[];
  issuedAt: Date;
  expiration: Date;
}

export type Principal = SandboxUserPrincipal | RoleSessionPrincipal;

export interface IssuedCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: Date;
}

export interface RoleOfSession {
  Arn: string;
  RoleName: string;
  RoleId: string;
}

export interface IssueRoleSessionInput {
  roleArn: string;
  sessionName: string;
  durationSeconds: number;
  /** session tags, e.g. the kubernetes-namespace / kubernetes-service-account tags EKS Pod Identity passes */
  tags?: SessionTag[];
}

/** Why a request's credentials are not accepted, in the words the services' errors use. */
export type CredentialProblem = 'unrecognized' | 'expired';

export interface CredentialStoreOptions {
  account: string;
  user: { name: string; accessKeyId: string; secretAccessKey: string };
  /** the role a session is for, by ARN (IAM's current view) */
  findRole(roleArn: string): RoleOfSession | undefined;
  /** injectable clock (ms since the epoch) */
  now?: () => number;
}

interface Stored {
  principal: Principal;
  secretAccessKey: string;
  sessionToken?: string;
}

export class CredentialStore {
  private readonly keys = new Map<string, Stored>();
  private readonly now: () => number;

  constructor(private readonly options: CredentialStoreOptions) {
    this.now = options.now ?? Date.now;
    const { account, user } = options;
    this.keys.set(user.accessKeyId, {
      principal: {
        kind: 'user',
        account,
        arn: `arn:aws:iam::${account}:user/${user.name}`,
        userId: stableId('AIDA', `${account}/${user.name}`),
        userName: user.name,
      },
      secretAccessKey: user.secretAccessKey,
    });
  }

  /**
   * Temporary credentials for a session of the role (the caller has checked the trust policy). Throws when the
   * role does not exist.
   */
  issueRoleSession(input: IssueRoleSessionInput): { credentials: IssuedCredentials; principal: RoleSessionPrincipal } {
    const role = this.options.findRole(input.roleArn);
    if (role === undefined) throw new Error(`no role ${input.roleArn} to issue a session for`);
    const issuedAt = new Date(this.now());
    const expiration = new Date(issuedAt.getTime() + input.durationSeconds * 1000);
    // ASIA + 16 characters, the shape of STS temporary access key ids
    const accessKeyId = stableId('ASIA', randomBytes(16).toString('hex')).slice(0, 20);
    const secretAccessKey = randomBytes(30).toString('base64');
    const sessionToken = randomBytes(96).toString('base64');
    const principal: RoleSessionPrincipal = {
      kind: 'role-session',
      account: this.options.account,
      arn: `arn:aws:sts::${this.options.account}:assumed-role/${role.RoleName}/${input.sessionName}`,
      userId: `${role.RoleId}:${input.sessionName}`,
      roleArn: role.Arn,
      roleName: role.RoleName,
      roleId: role.RoleId,
      sessionName: input.sessionName,
      tags: (input.tags ?? []).map((tag) => ({ ...tag })),
      issuedAt,
      expiration,
    };
    this.keys.set(accessKeyId, { principal, secretAccessKey, sessionToken });
    return {
      credentials: {
        AccessKeyId: accessKeyId,
        SecretAccessKey: secretAccessKey,
        SessionToken: sessionToken,
        Expiration: expiration,
      },
      principal,
    };
  }

  /** who an access key belongs to, or undefined for a key the sandbox never issued */
  principalOf(accessKeyId: string): Principal | undefined {
    return this.keys.get(accessKeyId)?.principal;
  }

  /**
   * The principal of a signed request, or why its credentials are refused: a key the sandbox never issued, a
   * session token that does not belong to the key, or an expired session. (Signatures themselves are not verified.)
   */
  authenticate(accessKeyId: string, sessionToken: string | undefined): Principal | CredentialProblem {
    const stored = this.keys.get(accessKeyId);
    if (stored === undefined) return 'unrecognized';
    if (stored.sessionToken !== undefined && stored.sessionToken !== sessionToken) return 'unrecognized';
    if (stored.principal.kind === 'role-session' && stored.principal.expiration.getTime() <= this.now())
      return 'expired';
    return stored.principal;
  }

  /** the store's clock, for request contexts (aws:CurrentTime) */
  currentTime(): Date {
    return new Date(this.now());
  }
}
