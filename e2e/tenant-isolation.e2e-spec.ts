/**
 * Every route of every service, as the running applications list them, against tenant A's real
 * data: an order submitted, produced, packed, scanned and projected, and A's notification
 * settings. A route that needs a credential refuses none, a forged one and an expired one (401),
 * and one of the wrong tenant kind (403); another tenant's valid credential of the right kind gets
 * a 404 or only its own (empty) data, never a trace of A's, and changes nothing of A's.
 *
 * A route added to any controller fails this test, by name, until it is listed here: as public,
 * with the reason, or with how to aim it at A's resource and how it must refuse.
 */
import { randomUUID } from 'node:crypto';
import type { TenantKind } from '@tracking/auth';
import type { HttpResult } from '@tracking/testing';
import { type HttpRoute, httpRoutesOf } from '../libs/testing/src/http-routes';
import { ManualStatusRequest } from '../services/carrier-ingest/src/api/dto/manual-status.request';
import { SettingsRequest } from '../services/notification/src/api/dto/settings.request';
import { SubmitOrderRequest } from '../services/order-intake/src/api/dto/submit-order.request';
import { ProductionEventRequest } from '../services/production-status/src/api/dto/production-event.request';
import { forgedToken, otherKind } from './support/credentials';
import { type RunningService, type RunningSystem, type ServiceName, startSystem } from './support/system';
import { createTenantResources, ownViewsOf, type TenantResources } from './support/tenant-resources';
import { validInputOf } from './support/valid-requests';

const SERVICES: ServiceName[] = [
  'order-intake',
  'production-status',
  'carrier-ingest',
  'notification',
  'tracking-api',
];

/** Routes that take no tenant credential, and why that is right. */
const PUBLIC_ON_EVERY_SERVICE: Record<string, string> = {
  'GET /health/live': 'a liveness probe, called by the orchestrator; says nothing of any tenant',
  'GET /health/ready': 'a readiness probe, called by the orchestrator; says nothing of any tenant',
  'GET /metrics': 'Prometheus scrapes it; series carry no tenant or order ids',
};

const PUBLIC_ROUTES: Record<ServiceName, Record<string, string>> = {
  'order-intake': {},
  'production-status': {},
  'carrier-ingest': {
    'POST /v1/carriers/:carrier/webhooks':
      "carriers sign the raw body with the webhook secret; they hold no tenant's token",
  },
  notification: {
    'POST /v1/sms/inbound': "the SMS provider signs the form with the account's auth token",
  },
  'tracking-api': {
    'GET /v1/track/:token': "the buyer's tracking view: the unguessable token is the credential",
    'GET /v1/track/:token/events': "the buyer's live stream: the unguessable token is the credential",
    'POST /v1/track/:token/feedback': "the buyer's rating: the unguessable token is the credential",
    'POST /v1/track/:token/delivery-changes': "the buyer's request: the unguessable token is the credential",
    'GET /track/:token': "the buyer's tracking page: the unguessable token is the credential",
    'GET /t/:token': 'the short tracking link, redirecting to the page: the token is the credential',
  },
};

interface Aimed {
  /** Path and query, A's resource filled in. */
  path: string;
  /** A body that is valid in every other respect, so that only ownership can refuse it. */
  body?: unknown;
}

/** How a route must answer another tenant aiming it at A's resource. */
interface Refusal {
  says: string;
  /** A failure to report, or undefined when the answer is the refusal expected. */
  check(reply: HttpResult, probe: Probe): Promise<string | undefined> | string | undefined;
}

interface Probe {
  owner: TenantResources;
  /** What a tenant that owns nothing is answered to the same request. */
  answerToNobody(): Promise<HttpResult>;
}

interface CrossTenantCase {
  aim(a: TenantResources): Aimed;
  refusal: Refusal;
}

const notFound: Refusal = {
  says: '404 problem+json',
  check: (reply) =>
    reply.status === 404 && reply.headers.get('content-type')?.startsWith('application/problem+json')
      ? undefined
      : `expected 404 problem+json`,
};

/** A list or a figure over the caller's own data: the same as a tenant with nothing is told. */
const asToATenantWithNothing: Refusal = {
  says: 'the answer a tenant with nothing gets',
  async check(reply, { answerToNobody }) {
    const nobody = await answerToNobody();
    if (reply.status !== 200) return `expected 200, as a tenant with nothing gets ${nobody.status}`;
    return JSON.stringify(reply.body) === JSON.stringify(nobody.body)
      ? undefined
      : `differs from what a tenant with nothing gets: ${JSON.stringify(nobody.body).slice(0, 300)}`;
  },
};

/**
 * A write that makes the caller a record of its own (an order, settings), never one of A's: that
 * it holds none of A's data is checked on every answer; `isOwn` adds what the route must not mix up.
 */
const ownRecordOnly = (isOwn: (body: unknown, owner: TenantResources) => boolean = () => true): Refusal => ({
  says: "2xx with the caller's own record",
  check: (reply, { owner }) =>
    reply.status >= 200 && reply.status < 300 && isOwn(reply.body, owner)
      ? undefined
      : "expected 2xx with the caller's own record",
});

/** The batch answers 200 with a result per item: each must be refused as not this centre's order. */
const everyItemNotFound: Refusal = {
  says: '200 with every item rejected as not found',
  check(reply) {
    const results = (reply.body as { results?: Array<{ outcome?: string; code?: string }> }).results;
    const allRefused =
      reply.status === 200 &&
      Array.isArray(results) &&
      results.length > 0 &&
      results.every((result) => result.outcome === 'rejected' && result.code === 'NOT_FOUND');
    return allRefused ? undefined : 'expected every item rejected with NOT_FOUND';
  },
};

let tenantA: TenantResources;

const recently = () => new Date(Date.now() - 10 * 60_000).toISOString();

/** Per service, per route: how to aim it at tenant A's resource and how it must refuse. */
const CROSS_TENANT: Record<ServiceName, Record<string, CrossTenantCase>> = {
  'order-intake': {
    'POST /v1/orders': {
      // The storefront's idempotency key is per merchant: A's external id must not hand back A's order.
      aim: (a) => ({
        path: '/v1/orders',
        body: { ...(validInputOf(SubmitOrderRequest) as object), externalOrderId: a.externalOrderId },
      }),
      refusal: ownRecordOnly((body, a) => (body as { orderId?: string } | undefined)?.orderId !== a.orderId),
    },
    'GET /v1/orders/:orderId': { aim: (a) => ({ path: `/v1/orders/${a.orderId}` }), refusal: notFound },
    'POST /v1/orders/:orderId/cancel': {
      aim: (a) => ({ path: `/v1/orders/${a.orderId}/cancel`, body: { reason: 'not mine to cancel' } }),
      refusal: notFound,
    },
    'POST /v1/orders/:orderId/erasure': {
      aim: (a) => ({ path: `/v1/orders/${a.orderId}/erasure` }),
      refusal: notFound,
    },
    // A's buyer by email: another merchant's erasure finds none of A's orders to erase.
    'POST /v1/buyers/erasure': {
      aim: (a) => ({ path: '/v1/buyers/erasure', body: { email: a.buyer.email } }),
      refusal: {
        says: '202 erasing none of the orders',
        check: (reply) =>
          reply.status === 202 && (reply.body as { orderIds?: unknown[] }).orderIds?.length === 0
            ? undefined
            : 'expected 202 with no orders erased',
      },
    },
  },
  'production-status': {
    'POST /v1/production-events': {
      aim: (a) => ({
        path: '/v1/production-events',
        body: {
          ...(validInputOf(ProductionEventRequest) as object),
          orderId: a.orderId,
          type: 'PRODUCTION_COMPLETED',
          occurredAt: recently(),
          shipments: undefined,
        },
      }),
      refusal: notFound,
    },
    'POST /v1/production-events/batch': {
      aim: (a) => ({
        path: '/v1/production-events/batch',
        body: {
          events: [
            {
              orderId: a.orderId,
              eventId: `x-${randomUUID().slice(0, 8)}`,
              type: 'QC_FAILED',
              occurredAt: recently(),
            },
          ],
        },
      }),
      refusal: everyItemNotFound,
    },
    'GET /v1/orders/:orderId/production': {
      aim: (a) => ({ path: `/v1/orders/${a.orderId}/production` }),
      refusal: notFound,
    },
  },
  'carrier-ingest': {
    'GET /v1/shipments/:shipmentId': {
      aim: (a) => ({ path: `/v1/shipments/${a.shipmentId}` }),
      refusal: notFound,
    },
    'POST /v1/shipments/:shipmentId/retrack': {
      aim: (a) => ({ path: `/v1/shipments/${a.shipmentId}/retrack` }),
      refusal: notFound,
    },
    'POST /v1/shipments/:shipmentId/status': {
      aim: (a) => ({
        path: `/v1/shipments/${a.shipmentId}/status`,
        body: { ...(validInputOf(ManualStatusRequest) as object), occurredAt: recently() },
      }),
      refusal: notFound,
    },
  },
  notification: {
    'GET /v1/settings': { aim: () => ({ path: '/v1/settings' }), refusal: asToATenantWithNothing },
    'PUT /v1/settings': {
      aim: () => ({ path: '/v1/settings', body: validInputOf(SettingsRequest) }),
      refusal: ownRecordOnly(),
    },
    'GET /v1/notifications': {
      aim: (a) => ({ path: `/v1/notifications?orderId=${a.orderId}` }),
      refusal: notFound,
    },
  },
  'tracking-api': {
    'GET /v1/orders': { aim: () => ({ path: '/v1/orders' }), refusal: asToATenantWithNothing },
    'GET /v1/orders/:orderId': { aim: (a) => ({ path: `/v1/orders/${a.orderId}` }), refusal: notFound },
    'GET /v1/orders/:orderId/evidence': {
      aim: (a) => ({ path: `/v1/orders/${a.orderId}/evidence?format=json` }),
      refusal: notFound,
    },
    'GET /v1/metrics': {
      aim: (a) => ({
        path: `/v1/metrics?from=${encodeURIComponent(a.metricsPeriod.from)}&to=${encodeURIComponent(a.metricsPeriod.to)}`,
      }),
      refusal: asToATenantWithNothing,
    },
  },
};

/** The one kind of credential a route takes; undefined for a route open to both, which the matrix reports. */
function kindOf(route: HttpRoute): TenantKind | undefined {
  const kinds = route.handler?.tenantKinds;
  return kinds?.length === 1 ? kinds[0] : undefined;
}

/** A's identifiers and data that the request itself does not carry: none may come back. */
function leakedMarkers(reply: HttpResult, aimed: Aimed): string[] {
  const sent = `${aimed.path} ${JSON.stringify(aimed.body ?? null)}`;
  const answer = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? '');
  return tenantA.markers.filter((marker) => !sent.includes(marker) && answer.includes(marker));
}

describe("another tenant's credential on any route of any service", () => {
  let system: RunningSystem;
  let viewsBefore: Record<string, unknown>;

  beforeAll(async () => {
    system = await startSystem();
    tenantA = await createTenantResources(system, 'tenant-a');
    viewsBefore = await ownViewsOf(system, tenantA);
  }, 180_000);

  afterAll(async () => {
    await system?.close();
  });

  function service(name: ServiceName): RunningService {
    return system.services.find((running) => running.name === name)!;
  }

  function send(running: RunningService, route: HttpRoute, aimed: Aimed, token?: string) {
    return running.environment.request(route.method, aimed.path, {
      token,
      body: aimed.body,
    });
  }

  it('lists every route of every service as public, with the reason, or as tenant-owned', () => {
    const unlisted: string[] = [];
    const stale: string[] = [];
    for (const name of SERVICES) {
      const routes = httpRoutesOf(service(name).environment.app);
      const publicRoutes = { ...PUBLIC_ON_EVERY_SERVICE, ...PUBLIC_ROUTES[name] };
      for (const route of routes) {
        const listedPublic = route.key in publicRoutes;
        const listedOwned = route.key in CROSS_TENANT[name];
        const isPublic = route.handler === undefined || route.handler.isPublic;
        if (listedPublic && !isPublic)
          unlisted.push(`${name} ${route.key} is listed public but needs a token`);
        if (listedOwned && isPublic)
          unlisted.push(`${name} ${route.key} is listed tenant-owned but is public`);
        if (!listedPublic && !listedOwned) {
          unlisted.push(
            `${name} ${route.key} (${isPublic ? 'public' : 'needs a token'}): say how it isolates tenants`,
          );
        }
      }
      const keys = new Set(routes.map((route) => route.key));
      for (const key of [...Object.keys(PUBLIC_ROUTES[name]), ...Object.keys(CROSS_TENANT[name])]) {
        if (!keys.has(key)) stale.push(`${name} ${key} is listed but the app has no such route`);
      }
    }
    expect({ unlisted, stale }).toEqual({ unlisted: [], stale: [] });
  });

  it.each(SERVICES)(
    '%s answers 401 without a valid token and 403 to the wrong kind of tenant on every tenant route',
    async (name) => {
      const running = service(name);
      const failures: string[] = [];
      for (const route of httpRoutesOf(running.environment.app)) {
        const entry = CROSS_TENANT[name][route.key];
        if (!entry) continue;
        const kind = kindOf(route);
        if (!kind) {
          failures.push(`${route.key} admits any kind of tenant: name the one it is for`);
          continue;
        }
        const owner = kind === 'merchant' ? tenantA.merchantId : tenantA.centreId;
        const aimed = entry.aim(tenantA);
        const attempts: Array<[string, string | undefined, number[]]> = [
          ['no credential', undefined, [401]],
          ['a forged token', await forgedToken(kind, owner), [401]],
          ['an expired token', await running.environment.tokenFor(kind, owner, { expiresIn: '-1h' }), [401]],
          [
            `A's own ${otherKind(kind)} token`,
            await running.environment.tokenFor(
              otherKind(kind),
              kind === 'merchant' ? tenantA.centreId : tenantA.merchantId,
            ),
            [403, 401],
          ],
        ];
        for (const [what, token, statuses] of attempts) {
          const reply = await send(running, route, aimed, token);
          const leaked = leakedMarkers(reply, aimed);
          if (!statuses.includes(reply.status) || leaked.length > 0) {
            failures.push(
              `${route.key} with ${what} answered ${reply.status}${leaked.length ? `, showing ${leaked.join(', ')}` : ''}: ${JSON.stringify(reply.body).slice(0, 200)}`,
            );
          }
        }
      }
      expect(failures).toEqual([]);
    },
    60_000,
  );

  it.each(SERVICES)(
    "%s shows another tenant of the right kind none of tenant A's data on every tenant route",
    async (name) => {
      const running = service(name);
      const failures: string[] = [];
      for (const route of httpRoutesOf(running.environment.app)) {
        const entry = CROSS_TENANT[name][route.key];
        const kind = kindOf(route);
        if (!entry || !kind) continue;
        const aimed = entry.aim(tenantA);
        // Each probe from a tenant of its own, so one probe's writes never show in another's answer.
        const intruder = await running.environment.tokenFor(kind, `intruder-${randomUUID().slice(0, 8)}`);
        const probe: Probe = {
          owner: tenantA,
          answerToNobody: async () =>
            send(
              running,
              route,
              aimed,
              await running.environment.tokenFor(kind, `nobody-${randomUUID().slice(0, 8)}`),
            ),
        };
        if (route.method === 'GET') {
          // The probe aims at something A really has: A's own credential is shown it.
          const owner = kind === 'merchant' ? tenantA.merchantId : tenantA.centreId;
          const own = await send(running, route, aimed, await running.environment.tokenFor(kind, owner));
          if (own.status !== 200) {
            failures.push(`${route.key} answers A itself ${own.status}: the probe aims at nothing of A's`);
            continue;
          }
          if (entry.refusal === asToATenantWithNothing) {
            // Equal answers to A and to an empty tenant prove nothing, whichever of the two is wrong.
            const nobody = await probe.answerToNobody();
            if (JSON.stringify(own.body) === JSON.stringify(nobody.body)) {
              const leaked = leakedMarkers(nobody, aimed);
              failures.push(
                leaked.length > 0
                  ? `${route.key} shows a tenant with nothing A's data: ${leaked.join(', ')}`
                  : `${route.key} answers A just as a tenant with nothing: the probe aims at nothing, or every tenant is shown A's figures`,
              );
              continue;
            }
          }
        }
        const reply = await send(running, route, aimed, intruder);
        const wrong = await entry.refusal.check(reply, probe);
        const leaked = leakedMarkers(reply, aimed);
        if (wrong || leaked.length > 0) {
          failures.push(
            `${route.key} answered ${reply.status} (${[wrong, leaked.length ? `showing ${leaked.join(', ')}` : undefined].filter(Boolean).join('; ')}; wanted ${entry.refusal.says}): ${JSON.stringify(reply.body).slice(0, 300)}`,
          );
        }
      }
      expect(failures).toEqual([]);
    },
    60_000,
  );

  it("leaves tenant A's order, production, shipment, settings and tracking as they were", async () => {
    for (const { environment } of system.services) await environment.outboxRelayed();
    expect(await ownViewsOf(system, tenantA)).toEqual(viewsBefore);
  });
});
