/**
 * Service-account tokens as the Kubernetes API server issues them for projected volumes and TokenRequest
 * (https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#bound-service-account-tokens):
 * JWTs whose `iss` is the cluster's issuer (on EKS its OIDC issuer URL), `sub` `system:serviceaccount:NS:SA`, `aud`
 * the audience asked for (sts.amazonaws.com for IRSA, pods.eks.amazonaws.com for EKS Pod Identity, the API server
 * for the default token), `exp`/`iat`/`nbf`, a `jti`, and the private claim `kubernetes.io` naming the namespace, the
 * service account and the pod (and node) the token is bound to. The sandbox signs them with one ES256 key of its own
 * (Kubernetes accepts RSA or ECDSA service-account keys); its EKS Auth and Kubernetes API verify that signature, its
 * STS does not (AWS verifies against the issuer's published keys, which the sandbox does not serve).
 */
import { createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';

export interface BoundObject {
  name: string;
  uid: string;
}

export interface TokenRequest {
  issuer: string;
  audiences: readonly string[];
  namespace: string;
  serviceAccount: BoundObject;
  pod?: BoundObject;
  node?: BoundObject;
  expirationSeconds: number;
}

export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  'kubernetes.io': {
    namespace: string;
    serviceaccount: BoundObject;
    pod?: BoundObject;
    node?: BoundObject;
  };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export class ServiceAccountTokenIssuer {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  readonly keyId: string;

  constructor(private readonly now: () => number = Date.now) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    this.publicKey = createPublicKey(privateKey);
    this.keyId = randomUUID().replaceAll('-', '');
  }

  issue(request: TokenRequest): { token: string; claims: ServiceAccountClaims } {
    const issuedAt = Math.floor(this.now() / 1000);
    const claims: ServiceAccountClaims = {
      aud: [...request.audiences],
      exp: issuedAt + request.expirationSeconds,
      iat: issuedAt,
      iss: request.issuer,
      jti: randomUUID(),
      'kubernetes.io': {
        namespace: request.namespace,
        ...(request.node === undefined ? {} : { node: { ...request.node } }),
        ...(request.pod === undefined ? {} : { pod: { ...request.pod } }),
        serviceaccount: { ...request.serviceAccount },
      },
      nbf: issuedAt,
      sub: `system:serviceaccount:${request.namespace}:${request.serviceAccount.name}`,
    };
    const signingInput = `${base64url({ alg: 'ES256', kid: this.keyId })}.${base64url(claims)}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key: this.privateKey, dsaEncoding: 'ieee-p1363' });
    return { token: `${signingInput}.${signature.toString('base64url')}`, claims };
  }

  /** The claims of a token this issuer signed (whatever its expiry), or undefined: malformed, or another signer's. */
  verify(token: string): ServiceAccountClaims | undefined {
    const parts = token.trim().split('.');
    if (parts.length !== 3) return undefined;
    const [header = '', payload = '', signature = ''] = parts;
    let valid = false;
    try {
      valid = verify(
        'sha256',
        Buffer.from(`${header}.${payload}`),
        { key: this.publicKey, dsaEncoding: 'ieee-p1363' },
        Buffer.from(signature, 'base64url'),
      );
    } catch {
      return undefined;
    }
    if (!valid) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ServiceAccountClaims;
      return typeof claims.sub === 'string' && typeof claims.iss === 'string' ? claims : undefined;
    } catch {
      return undefined;
    }
  }

  /** seconds since the epoch, on the issuer's clock */
  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
}
