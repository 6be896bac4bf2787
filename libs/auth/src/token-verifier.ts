import { createPublicKey, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PlatformConfig } from '@tracking/config';
import { DependencyUnavailableError, TrackingError } from '@tracking/errors';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { signingAlgorithmFor, type SigningAlgorithm } from './signing-keys';
import {
  isTenantId,
  isTenantKind,
  TENANT_ID_CLAIM,
  TENANT_KIND_CLAIM,
  type TenantPrincipal,
} from './tenant-principal';

/** Algorithms an identity provider's JWKS may use; the key's own `alg`/`kty` must still match. */
const JWKS_ALGORITHMS: SigningAlgorithm[] = ['ES256', 'ES384', 'RS256'];

/** Clocks of issuer and service disagree by a few seconds in practice. */
const CLOCK_TOLERANCE_SECONDS = 30;

/** Why a bearer token was refused, in RFC 6750 terms, so the guard can answer WWW-Authenticate precisely. */
export class InvalidTokenError extends TrackingError {
  constructor(description: string, cause?: unknown) {
    super('UNAUTHENTICATED', description, { cause, details: { bearerError: 'invalid_token' } });
  }
}

type VerificationKey =
  { kind: 'pem'; key: KeyObject; algorithm: SigningAlgorithm } | { kind: 'jwks'; keys: JWTVerifyGetKey };

function verificationKeyFrom(config: PlatformConfig): VerificationKey {
  if (config.AUTH_PUBLIC_KEY) {
    let key: KeyObject;
    try {
      key = createPublicKey(config.AUTH_PUBLIC_KEY.replace(/\\n/g, '\n'));
    } catch (error: unknown) {
      throw new TrackingError('CONFIG_INVALID', 'AUTH_PUBLIC_KEY is not a readable PEM public key', {
        cause: error,
      });
    }
    try {
      return { kind: 'pem', key, algorithm: signingAlgorithmFor(key) };
    } catch (error: unknown) {
      throw new TrackingError('CONFIG_INVALID', `AUTH_PUBLIC_KEY: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  if (config.AUTH_JWKS_URL) {
    return {
      kind: 'jwks',
      // jose caches the set and refetches on an unknown `kid`, at most every cooldown, so key rotation needs no restart.
      keys: createRemoteJWKSet(new URL(config.AUTH_JWKS_URL), {
        timeoutDuration: 3_000,
        cooldownDuration: 30_000,
      }),
    };
  }
  throw new TrackingError('CONFIG_INVALID', 'set AUTH_PUBLIC_KEY or AUTH_JWKS_URL to verify bearer tokens');
}

function describeRefusal(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'the token is not valid yet';
    return `the token's ${error.claim} claim is not accepted`;
  }
  if (
    error instanceof joseErrors.JWSSignatureVerificationFailed ||
    error instanceof joseErrors.JWKSNoMatchingKey
  ) {
    return 'the token signature is not valid';
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed)
    return 'the token is signed with an algorithm that is not accepted';
  return 'the token is malformed';
}

// A storefront or a centre sends the same token on every request until it expires; checking its
// signature again each time was a tenth of order intake's CPU. A verified token is remembered
// until it expires, and never longer than this, so a key withdrawn from the JWKS stops counting soon.
const VERIFIED_TOKEN_TTL_MS = 5 * 60_000;
const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/** Verifies bearer tokens against the configured key and turns their claims into a tenant. */
@Injectable()
export class TokenVerifier {
  private readonly key: VerificationKey;
  private readonly verified = new Map<string, { principal: TenantPrincipal; until: number }>();

  constructor(private readonly config: PlatformConfig) {
    this.key = verificationKeyFrom(config);
  }

  async verify(token: string): Promise<TenantPrincipal> {
    const now = Date.now();
    const remembered = this.verified.get(token);
    if (remembered && remembered.until > now) return remembered.principal;
    if (remembered) this.verified.delete(token);
    const { principal, expiresAt } = await this.verifySignature(token);
    if (this.verified.size >= VERIFIED_TOKEN_CACHE_SIZE) {
      // Maps iterate in insertion order: the first key is the oldest entry.
      this.verified.delete(this.verified.keys().next().value!);
    }
    this.verified.set(token, { principal, until: Math.min(expiresAt, now + VERIFIED_TOKEN_TTL_MS) });
    return principal;
  }

  private async verifySignature(token: string): Promise<{ principal: TenantPrincipal; expiresAt: number }> {
    const options = {
      issuer: this.config.AUTH_ISSUER,
      audience: this.config.AUTH_AUDIENCE,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      // A token that never expires is a credential that can never be taken back.
      requiredClaims: ['exp'],
    };
    let payload: Record<string, unknown>;
    try {
      const result =
        this.key.kind === 'pem'
          ? await jwtVerify(token, this.key.key, { ...options, algorithms: [this.key.algorithm] })
          : await jwtVerify(token, this.key.keys, { ...options, algorithms: JWKS_ALGORITHMS });
      payload = result.payload;
    } catch (error: unknown) {
      const keySetUnreachable =
        this.key.kind === 'jwks' &&
        (!(error instanceof joseErrors.JOSEError) ||
          error instanceof joseErrors.JWKSTimeout ||
          error instanceof joseErrors.JWKSInvalid);
      if (keySetUnreachable) {
        // The identity provider's key set could not be fetched: not the caller's fault, and worth a retry.
        throw new DependencyUnavailableError('token signing keys (AUTH_JWKS_URL)', error);
      }
      throw new InvalidTokenError(describeRefusal(error), error);
    }
    const kind = payload[TENANT_KIND_CLAIM];
    const id = payload[TENANT_ID_CLAIM];
    if (!isTenantKind(kind) || !isTenantId(id)) {
      throw new InvalidTokenError(
        `the token does not name a tenant (${TENANT_KIND_CLAIM}, ${TENANT_ID_CLAIM})`,
      );
    }
    return { principal: { kind, id }, expiresAt: Number(payload.exp) * 1_000 };
  }
}
