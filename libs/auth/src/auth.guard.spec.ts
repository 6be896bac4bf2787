import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, loadConfig, PlatformConfig } from '@tracking/config';
import { configureHttpApp } from '@tracking/http';
import { exportJWK, SignJWT } from 'jose';
import { AuthModule } from './auth.module';
import { CurrentTenant, Public, RequireTenantKind } from './decorators';
import { generateSigningKeyPair, mintToken, type SigningKeyPair } from './signing-keys';
import type { TenantPrincipal } from './tenant-principal';

@Controller('orders')
@RequireTenantKind('merchant')
class MerchantOrdersController {
  @Get()
  list(@CurrentTenant() merchant: TenantPrincipal): TenantPrincipal {
    return merchant;
  }
}

@Controller('production')
class ProductionController {
  @Get()
  @RequireTenantKind('fulfillment_center', 'merchant')
  timeline(@CurrentTenant() tenant: TenantPrincipal): TenantPrincipal {
    return tenant;
  }
}

@Public()
@Controller('t')
class PublicTrackingController {
  @Get()
  track(): { public: true } {
    return { public: true };
  }
}

function configWith(auth: Record<string, string>): PlatformConfig {
  return loadConfig(PlatformConfig, {
    SERVICE_NAME: 'auth-spec',
    PORT: '0',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
    KAFKA_BROKERS: '127.0.0.1:9092',
    LOG_LEVEL: 'silent',
    ...auth,
  });
}

interface RunningApp {
  app: INestApplication;
  get(
    path: string,
    token?: string,
  ): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }>;
}

async function startApp(config: PlatformConfig): Promise<RunningApp> {
  @Module({
    imports: [ConfigModule.forRoot(config), AuthModule.forRoot()],
    controllers: [MerchantOrdersController, ProductionController, PublicTrackingController],
  })
  class AuthSpecModule {}

  const app = await NestFactory.create(AuthSpecModule, { logger: false });
  configureHttpApp(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    async get(path, token) {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      return {
        status: response.status,
        headers: response.headers,
        body: (await response.json()) as Record<string, unknown>,
      };
    },
  };
}

async function signed(
  claims: Record<string, unknown>,
  privateKeyPem: string,
  expiresIn: string | null = '1h',
): Promise<string> {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).setIssuedAt();
  if (expiresIn) jwt = jwt.setExpirationTime(expiresIn);
  return jwt.sign(createPrivateKey(privateKeyPem));
}

describe('bearer authentication with a PEM public key', () => {
  let keys: SigningKeyPair;
  let running: RunningApp;

  beforeAll(async () => {
    keys = await generateSigningKeyPair();
    running = await startApp(configWith({ AUTH_PUBLIC_KEY: keys.publicKeyPem }));
  });

  afterAll(() => running.app.close());

  it('lets a valid merchant token through and hands the tenant to the handler', async () => {
    const token = await mintToken({ kind: 'merchant', id: 'acme-prints' }, keys.privateKeyPem, {
      expiresIn: '1h',
    });
    const response = await running.get('/orders', token);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ kind: 'merchant', id: 'acme-prints' });
  });

  it('answers a request without a token with 401, a challenge and problem+json', async () => {
    const response = await running.get('/orders');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="tracking"');
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', instance: '/orders' });
  });

  it('refuses an expired token', async () => {
    const expired = await new SignJWT({ tenant_kind: 'merchant', tenant_id: 'acme-prints' })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(createPrivateKey(keys.privateKeyPem));
    const response = await running.get('/orders', expired);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(
      /error="invalid_token", error_description="the token has expired"/,
    );
    expect(response.body).toMatchObject({ code: 'UNAUTHENTICATED', detail: 'the token has expired' });
  });

  it('refuses a token signed with another key', async () => {
    const other = await generateSigningKeyPair();
    const token = await mintToken({ kind: 'merchant', id: 'acme-prints' }, other.privateKeyPem);
    expect((await running.get('/orders', token)).status).toBe(401);
  });

  it('refuses a token without valid tenant claims', async () => {
    for (const claims of [
      {},
      { tenant_kind: 'merchant' },
      { tenant_kind: 'buyer', tenant_id: 'x' },
      { tenant_kind: 'merchant', tenant_id: '' },
    ]) {
      const response = await running.get('/orders', await signed(claims, keys.privateKeyPem));
      expect(response.status).toBe(401);
    }
  });

  it('refuses a token that never expires', async () => {
    const token = await signed(
      { tenant_kind: 'merchant', tenant_id: 'acme-prints' },
      keys.privateKeyPem,
      null,
    );
    expect((await running.get('/orders', token)).status).toBe(401);
  });

  it('refuses an unsigned token and an HMAC token made with the public key', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const claims = {
      tenant_kind: 'merchant',
      tenant_id: 'acme-prints',
      exp: Math.floor(Date.now() / 1000) + 3600,
    };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    expect((await running.get('/orders', `${header}.${payload}.`)).status).toBe(401);

    const hmac = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(Buffer.from(keys.publicKeyPem));
    expect((await running.get('/orders', hmac)).status).toBe(401);
  });

  it('answers a tenant of the wrong kind with 403', async () => {
    const token = await mintToken({ kind: 'fulfillment_center', id: 'fc-leeds' }, keys.privateKeyPem);
    const response = await running.get('/orders', token);
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: 'FORBIDDEN', status: 403 });
  });

  it('lets any of the listed kinds through', async () => {
    const token = await mintToken({ kind: 'fulfillment_center', id: 'fc-leeds' }, keys.privateKeyPem);
    const response = await running.get('/production', token);
    expect(response.body).toEqual({ kind: 'fulfillment_center', id: 'fc-leeds' });
  });

  it('serves @Public routes without a token', async () => {
    const response = await running.get('/t');
    expect(response.status).toBe(200);
  });

  it('does not ask for a token on unknown routes, which are just not found', async () => {
    expect((await running.get('/nowhere')).status).toBe(404);
  });
});

describe('bearer authentication with an RSA key, issuer and audience', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  let running: RunningApp;

  beforeAll(async () => {
    running = await startApp(
      configWith({
        AUTH_PUBLIC_KEY: publicKey,
        AUTH_ISSUER: 'https://id.example',
        AUTH_AUDIENCE: 'tracking',
      }),
    );
  });

  afterAll(() => running.app.close());

  it('accepts an RS256 token from the configured issuer for the configured audience', async () => {
    const token = await mintToken({ kind: 'merchant', id: 'acme' }, privateKey, {
      issuer: 'https://id.example',
      audience: 'tracking',
    });
    expect((await running.get('/orders', token)).status).toBe(200);
  });

  it('refuses a token for another audience or from another issuer', async () => {
    const otherAudience = await mintToken({ kind: 'merchant', id: 'acme' }, privateKey, {
      issuer: 'https://id.example',
      audience: 'billing',
    });
    const otherIssuer = await mintToken({ kind: 'merchant', id: 'acme' }, privateKey, {
      issuer: 'https://evil.example',
      audience: 'tracking',
    });
    expect((await running.get('/orders', otherAudience)).status).toBe(401);
    expect((await running.get('/orders', otherIssuer)).status).toBe(401);
  });
});

describe('bearer authentication with a JWKS URL', () => {
  let keys: SigningKeyPair;
  let jwksServer: Server;
  let jwksUrl: string;
  let running: RunningApp;

  beforeAll(async () => {
    keys = await generateSigningKeyPair();
    const jwk = {
      ...(await exportJWK(createPrivateKey(keys.privateKeyPem))),
      kid: 'k1',
      alg: 'ES256',
      use: 'sig',
    };
    delete (jwk as { d?: string }).d;
    jwksServer = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
    running = await startApp(configWith({ AUTH_JWKS_URL: jwksUrl }));
  });

  afterAll(async () => {
    await running.app.close();
    await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
  });

  it('verifies tokens against the fetched key set', async () => {
    const token = await mintToken({ kind: 'merchant', id: 'acme' }, keys.privateKeyPem);
    expect((await running.get('/orders', token)).body).toEqual({ kind: 'merchant', id: 'acme' });
  });

  it('answers 503, not 401, when the key set cannot be fetched', async () => {
    const unreachable = await startApp(configWith({ AUTH_JWKS_URL: 'http://127.0.0.1:1/jwks.json' }));
    try {
      const token = await mintToken({ kind: 'merchant', id: 'acme' }, keys.privateKeyPem);
      const response = await unreachable.get('/orders', token);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBeTruthy();
    } finally {
      await unreachable.app.close();
    }
  });
});
