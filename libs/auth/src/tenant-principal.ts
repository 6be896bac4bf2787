/** Who a credential belongs to: exactly one merchant or one fulfillment centre (DESIGN.md, "Security"). */
export const TENANT_KINDS = ['merchant', 'fulfillment_center'] as const;

export type TenantKind = (typeof TENANT_KINDS)[number];

export interface TenantPrincipal {
  kind: TenantKind;
  id: string;
}

/** Token claims that carry the tenant; part of the contract with whoever issues tokens. */
export const TENANT_KIND_CLAIM = 'tenant_kind';
export const TENANT_ID_CLAIM = 'tenant_id';

/** Ids are opaque to us but end up in SQL parameters, logs and URLs: keep them printable and bounded. */
const ACCEPTABLE_TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function isTenantKind(value: unknown): value is TenantKind {
  return typeof value === 'string' && (TENANT_KINDS as readonly string[]).includes(value);
}

export function isTenantId(value: unknown): value is string {
  return typeof value === 'string' && ACCEPTABLE_TENANT_ID.test(value);
}
