import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { TrackingError } from '@tracking/errors';
import type { TenantKind, TenantPrincipal } from './tenant-principal';

export const IS_PUBLIC = Symbol('tracking:auth:public');
export const REQUIRED_TENANT_KINDS = Symbol('tracking:auth:required-tenant-kinds');

/** Where the guard leaves the verified tenant on the request. */
export const TENANT_PRINCIPAL = Symbol('tracking:auth:tenant');

export interface AuthenticatedRequest {
  [TENANT_PRINCIPAL]?: TenantPrincipal;
}

/**
 * Opts a controller or route out of authentication. Only the public tracking endpoints, carrier
 * webhooks (verified by signature instead) and probes may carry it (DESIGN.md, "Security").
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** Restricts a controller or route to tenants of the given kinds; any other tenant gets 403. */
export const RequireTenantKind = (
  ...kinds: [TenantKind, ...TenantKind[]]
): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_TENANT_KINDS, kinds);

/** The tenant the request's credential belongs to, as verified by the guard. */
export const CurrentTenant = createParamDecorator(
  (_data: unknown, context: ExecutionContext): TenantPrincipal => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>()[TENANT_PRINCIPAL];
    if (!principal) {
      // Only reachable on a @Public() route: a programming error, but it must not hand out another tenant's data.
      throw new TrackingError('UNAUTHENTICATED', 'this endpoint needs a bearer token');
    }
    return principal;
  },
);
