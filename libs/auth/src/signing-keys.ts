import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  generateKeyPairSync,
  type KeyObject,
  randomUUID,
} from 'node:crypto';
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import {
  isTenantId,
  isTenantKind,
  TENANT_ID_CLAIM,
  TENANT_KIND_CLAIM,
  type TenantPrincipal,
} from './tenant-principal';

export type SigningAlgorithm = 'ES256' | 'ES384' | 'RS256';

export interface SigningKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

/**
 * The JWS algorithm a key is for, read from the key itself, so operators configure one PEM and
 * nothing else. Verification accepts only this algorithm, which rules out algorithm-confusion
 * tokens (an HS256 token "signed" with the public key, or `alg: none`).
 */
export function signingAlgorithmFor(key: KeyObject): SigningAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return 'ES256';
    if (curve === 'secp384r1') return 'ES384';
  }
  const detail = key.asymmetricKeyDetails?.namedCurve ?? key.asymmetricKeyType ?? 'unknown';
  throw new Error(`unsupported token signing key (${detail}): use an EC P-256 (ES256) or RSA (RS256) key`);
}

const generateKeyPairAsync = promisify(generateKeyPair);

/** A fresh ES256 key pair as PEM (PKCS#8 private, SPKI public). */
export async function generateSigningKeyPair(): Promise<SigningKeyPair> {
  const { privateKey, publicKey } = await generateKeyPairAsync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

function isErrorCode(error: unknown, ...codes: string[]): boolean {
  return (
    typeof error === 'object' && error !== null && codes.includes((error as { code?: string }).code ?? '')
  );
}

/** Creates `target` with `content` only if it does not exist yet; never leaves a half-written file visible. */
function createExclusively(target: string, content: string): void {
  const staging = `${target}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(staging, content, { mode: 0o600 });
  try {
    linkSync(staging, target);
  } catch (error: unknown) {
    if (isErrorCode(error, 'EEXIST')) return;
    if (!isErrorCode(error, 'EPERM', 'ENOTSUP', 'EXDEV')) throw error;
    // Filesystems without hard links: exclusive create still lets only one writer win.
    try {
      writeFileSync(target, content, { mode: 0o600, flag: 'wx' });
    } catch (fallbackError: unknown) {
      if (!isErrorCode(fallbackError, 'EEXIST')) throw fallbackError;
    }
  } finally {
    unlinkSync(staging);
  }
}

/**
 * The key pair of the embedded system (`npm start`) and local tools. It is kept on disk so tokens
 * minted yesterday still verify after a restart, and created exclusively so services starting
 * at the same moment agree on one key. Never used when AUTH_JWKS_URL or AUTH_PUBLIC_KEY is set.
 */
export function loadOrCreateDevKeyPair(dir = '.data/auth'): SigningKeyPair {
  const privatePath = path.join(dir, 'private.pem');
  const publicPath = path.join(dir, 'public.pem');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(privatePath)) {
    const { privateKey } = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    createExclusively(privatePath, privateKey);
  }
  chmodSync(privatePath, 0o600);
  const privateKeyPem = readFileSync(privatePath, 'utf8');
  // Derived rather than read: the public half can never disagree with the private one.
  const publicKeyPem = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
  if (!existsSync(publicPath) || readFileSync(publicPath, 'utf8') !== publicKeyPem) {
    const staging = `${publicPath}.${process.pid}.${randomUUID()}.tmp`;
    writeFileSync(staging, publicKeyPem, { mode: 0o600 });
    renameSync(staging, publicPath);
  }
  return { privateKeyPem, publicKeyPem };
}

export interface MintTokenOptions {
  /** A jose time span: '30d', '7d', '1h'. */
  expiresIn?: string;
  issuer?: string;
  audience?: string;
}

/** A bearer token for one tenant, as the services' guard expects it. */
export async function mintToken(
  principal: TenantPrincipal,
  privateKeyPem: string,
  options: MintTokenOptions = {},
): Promise<string> {
  if (!isTenantKind(principal.kind)) throw new Error(`unknown tenant kind: ${String(principal.kind)}`);
  if (!isTenantId(principal.id))
    throw new Error(`tenant id must be 1-128 letters, digits or ._:- (got ${JSON.stringify(principal.id)})`);
  const key = createPrivateKey(privateKeyPem);
  let jwt = new SignJWT({ [TENANT_KIND_CLAIM]: principal.kind, [TENANT_ID_CLAIM]: principal.id })
    .setProtectedHeader({ alg: signingAlgorithmFor(key), typ: 'JWT' })
    .setSubject(`${principal.kind}:${principal.id}`)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '30d');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(key);
}
