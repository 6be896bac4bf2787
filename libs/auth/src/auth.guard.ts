import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TrackingError } from '@tracking/errors';
import type { Request, Response } from 'express';
import { type AuthenticatedRequest, IS_PUBLIC, REQUIRED_TENANT_KINDS, TENANT_PRINCIPAL } from './decorators';
import type { TenantKind } from './tenant-principal';
import { InvalidTokenError, TokenVerifier } from './token-verifier';

const REALM = 'tracking';

/** RFC 6750 section 3: a request without a token gets the challenge alone, a bad token also says why. */
function challenge(error?: { description: string }): string {
  if (!error) return `Bearer realm="${REALM}"`;
  const description = error.description.replace(/["\\]/g, '');
  return `Bearer realm="${REALM}", error="invalid_token", error_description="${description}"`;
}

function bearerToken(request: Request): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Every HTTP route needs a tenant's bearer token unless marked @Public(). Kafka handlers share
 * the app's global enhancers (`inheritAppConfig`), and their trust comes from the broker, so
 * non-HTTP contexts pass untouched.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const http = context.switchToHttp();
    const request = http.getRequest<Request & AuthenticatedRequest>();
    const response = http.getResponse<Response>();
    const token = bearerToken(request);
    if (!token) {
      response.setHeader('WWW-Authenticate', challenge());
      throw new TrackingError(
        'UNAUTHENTICATED',
        'this endpoint needs a bearer token (Authorization: Bearer <token>)',
      );
    }
    let principal;
    try {
      principal = await this.verifier.verify(token);
    } catch (error: unknown) {
      if (error instanceof InvalidTokenError)
        response.setHeader('WWW-Authenticate', challenge({ description: error.message }));
      throw error;
    }

    const allowedKinds = this.reflector.getAllAndOverride<TenantKind[] | undefined>(
      REQUIRED_TENANT_KINDS,
      targets,
    );
    if (allowedKinds && !allowedKinds.includes(principal.kind)) {
      throw new TrackingError('FORBIDDEN', `this endpoint is for ${allowedKinds.join(' or ')} credentials`, {
        details: { tenantKind: principal.kind },
      });
    }
    request[TENANT_PRINCIPAL] = principal;
    return true;
  }
}
