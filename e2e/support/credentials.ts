import { generateSigningKeyPair, mintToken, type SigningKeyPair, type TenantKind } from '@tracking/auth';

let foreignKeys: Promise<SigningKeyPair> | undefined;

/**
 * A well-formed, unexpired token naming the tenant, signed with a key no service trusts: what
 * someone who knows a tenant's id but not the signing key can make.
 */
export async function forgedToken(kind: TenantKind, id: string): Promise<string> {
  const keys = await (foreignKeys ??= generateSigningKeyPair());
  return mintToken({ kind, id }, keys.privateKeyPem, { expiresIn: '1h' });
}

export function otherKind(kind: TenantKind): TenantKind {
  return kind === 'merchant' ? 'fulfillment_center' : 'merchant';
}
