/**
 * Every route of every service, as the running applications list them, fed generated bad input:
 * wrong types, missing fields, nulls, huge and control-character strings, NUL and lone
 * surrogates, malformed JSON, bytes that are not UTF-8, wrong media types, oversized bodies. Each
 * is answered with a 4xx problem+json, never a 5xx, and leaves the service's database as it was.
 * A route added to any controller is fuzzed without anyone adding it here.
 *
 * Reproduce a failure with the seed it reports: FUZZ_SEED=<seed> (FUZZ_RUNS sets runs per route).
 */
import { createHmac } from 'node:crypto';
import { KafkaBatchTransport } from '@tracking/kafka';
import fc from 'fast-check';
import type { Consumer } from 'kafkajs';
import { ProductionEventRequest } from '../services/production-status/src/api/dto/production-event.request';
import { type HttpRoute, httpRoutesOf } from '../libs/testing/src/http-routes';
import {
  type BodyCase,
  dtoShape,
  encodePathValue,
  hasBadText,
  junk,
  pathValue,
  poisonedLike,
  poisonText,
  queryLike,
  queryString,
  shapedLike,
  transportBadBody,
} from './support/bad-inputs';
import { changedTables, DatabaseFingerprinter } from './support/database-fingerprint';
import { mutationsOf, validInputOf } from './support/valid-requests';
import { type RawReply, sendRaw } from './support/raw-http';
import {
  AGGREGATOR_SECRET,
  type RunningService,
  type RunningSystem,
  type ServiceName,
  startSystem,
} from './support/system';

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** Refusals that are rightly not problem+json, with the reason. */
const HTML_REFUSALS: Record<string, string> = {
  'GET /track/:token': "the buyer's tracking page answers an unknown link with a page a browser shows",
};

/** Larger than the largest body any service accepts (production-status takes 5 MB of CSV or JSON). */
const OVERSIZED = 6 * 1024 * 1024;

interface FuzzCase {
  params: string[];
  query: Record<string, string>;
  body: BodyCase;
}

interface BodyPlan {
  bodies: fc.Arbitrary<BodyCase>;
  /** Whether this body is refused whatever the rest of the request holds. */
  isRefused(body: BodyCase): boolean;
  /** A refusal other than 4xx this route makes by design. */
  refusedOtherwise?(reply: RawReply): boolean;
}

const BROKEN_ENCODINGS = ['%', '%E0%A4%A'];

const json = (value: unknown): BodyCase => ({ kind: 'json', value });
// Bytes that are not UTF-8 are decoded with U+FFFD by the JSON parser: odd, but storable, so not refused.
const isTransportBad = (body: BodyCase) =>
  body.kind === 'raw' && body.what !== 'text' && body.what !== 'invalid UTF-8';

function genericPlan(route: HttpRoute): BodyPlan {
  const shape = route.handler?.bodyType ? dtoShape(route.handler.bodyType) : {};
  const readsWholeBody =
    route.handler === undefined || route.handler.bodyType !== undefined || route.handler.reads.has('request');
  const valid = route.handler?.bodyType ? validInputOf(route.handler.bodyType) : undefined;
  const mutated =
    valid === undefined
      ? []
      : [
          {
            arbitrary: mutationsOf(() => validInputOf(route.handler!.bodyType)).map(({ value }) =>
              json(value),
            ),
            weight: 6,
          },
        ];
  return {
    bodies: fc.oneof(
      ...mutated,
      { arbitrary: fc.constant<BodyCase>({ kind: 'none' }), weight: 1 },
      { arbitrary: shapedLike(shape).map(json), weight: 3 },
      { arbitrary: poisonedLike(shape).map(json), weight: 3 },
      { arbitrary: fc.jsonValue({ maxDepth: 2 }).map(json), weight: 1 },
      { arbitrary: transportBadBody, weight: 2 },
    ),
    isRefused: (body) =>
      isTransportBad(body) || (readsWholeBody && body.kind === 'json' && hasBadText(body.value)),
  };
}

/** The batch answers 200 with a result per item; a batch of bad items is refused item by item. */
function productionBatchPlan(): BodyPlan {
  const event = dtoShape(ProductionEventRequest);
  const csvCell = fc
    .oneof(
      fc.string({ maxLength: 20 }),
      junk.map((value) => JSON.stringify(value) ?? ''),
    )
    .map((cell) => `"${cell.replace(/"/g, '""')}"`);
  const poisonedRow = fc
    .tuple(fc.array(csvCell, { minLength: 4, maxLength: 4 }), poisonText)
    .map(([cells, poison]) => [...cells, `"${poison.replace(/"/g, '""')}"`].join(','));
  const csv = (rows: string[]) => ({
    kind: 'raw' as const,
    what: 'text' as const,
    contentType: 'text/csv',
    bytes: Buffer.from(['order_id,event_id,type,occurred_at,note', ...rows].join('\n')),
  });
  return {
    bodies: fc.oneof(
      fc
        .array(fc.oneof(poisonedLike(event), shapedLike(event)), { maxLength: 4 })
        .map((events) => json({ events })),
      fc
        .array(
          mutationsOf(() => validInputOf(ProductionEventRequest)),
          { minLength: 1, maxLength: 3 },
        )
        .map((items) => json({ events: items.map(({ value }) => value) })),
      fc.array(poisonedRow, { minLength: 1, maxLength: 4 }).map(csv),
      fc.array(fc.string({ maxLength: 80 }), { maxLength: 4 }).map(csv),
      fc.jsonValue({ maxDepth: 2 }).map(json),
      transportBadBody,
    ),
    isRefused(body) {
      if (isTransportBad(body)) return true;
      if (body.kind === 'raw') return body.bytes.includes(0);
      if (body.kind !== 'json') return false;
      const events = (body.value as { events?: unknown } | null)?.events;
      return Array.isArray(events) && events.every((item) => hasBadText(item));
    },
    refusedOtherwise(reply) {
      if (reply.status !== 200) return false;
      const { summary } = JSON.parse(reply.text) as { summary: Record<string, number> };
      return summary.accepted === 0 && summary.duplicate === 0 && summary.awaiting_order === 0;
    },
  };
}

const BODY_PLANS: Record<string, () => BodyPlan> = {
  'POST /v1/production-events/batch': productionBatchPlan,
};

/** A query string carries strings only: anything else is sent as its JSON text. */
function asQuery(value: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries((value ?? {}) as Record<string, unknown>).map(([key, item]) => [
      key,
      typeof item === 'string' ? item : (JSON.stringify(item) ?? ''),
    ]),
  );
}

function describeCase(fuzzCase: FuzzCase): string {
  const body =
    fuzzCase.body.kind === 'json'
      ? JSON.stringify(fuzzCase.body.value)
      : fuzzCase.body.kind === 'raw'
        ? `${fuzzCase.body.contentType}: ${JSON.stringify(fuzzCase.body.bytes.toString('utf8'))}`
        : '(no body)';
  return `params ${JSON.stringify(fuzzCase.params)}, query ${JSON.stringify(fuzzCase.query)}, body ${body.slice(0, 300)}`;
}

function requestOf(route: HttpRoute, fuzzCase: FuzzCase, token: string | undefined) {
  let index = 0;
  const path = route.path.replace(/:\w+/g, () => encodePathValue(fuzzCase.params[index++]!));
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let body: Buffer | undefined;
  if (fuzzCase.body.kind === 'json') {
    headers['content-type'] = 'application/json';
    body = Buffer.from(JSON.stringify(fuzzCase.body.value) ?? 'null');
  } else if (fuzzCase.body.kind === 'raw') {
    headers['content-type'] = fuzzCase.body.contentType;
    body = fuzzCase.body.bytes;
  }
  return { method: route.method, path: `${path}${queryString(fuzzCase.query)}`, headers, body };
}

/** Refused whatever else it holds: text the route reads that no database could store, or a broken path. */
function isRefusedByItsParts(route: HttpRoute, fuzzCase: FuzzCase): boolean {
  const badPath = fuzzCase.params.some((value) => BROKEN_ENCODINGS.includes(value) || hasBadText(value));
  const queryShape = route.handler?.queryType ? dtoShape(route.handler.queryType) : undefined;
  const badQuery =
    queryShape !== undefined &&
    Object.entries(fuzzCase.query).some(
      ([key, value]) => !(key in queryShape) || `${key}${value}`.includes('\u0000'),
    );
  return badPath || badQuery;
}

describe('bad input to any route of any service', () => {
  let system: RunningSystem;
  const fingerprinters = new Map<ServiceName, DatabaseFingerprinter>();

  beforeAll(async () => {
    system = await startSystem();
    for (const { name, environment } of system.services) {
      // A refusal must change nothing. With the consumers paused, the HTTP edge is the only writer,
      // so any change is the request's own doing, not another test's events arriving meanwhile.
      // Paused, not stopped: the consumer stays in its group and the service stays ready.
      const transport = environment.app.get(KafkaBatchTransport);
      transport.unwrap<Consumer>().pause(transport.subscribedTopics().map((topic) => ({ topic })));
      fingerprinters.set(name, new DatabaseFingerprinter(environment.database.url));
    }
  }, 180_000);

  afterAll(async () => {
    for (const fingerprinter of fingerprinters.values()) await fingerprinter.close();
    await system?.close();
  });

  function service(name: ServiceName): RunningService {
    return system.services.find((running) => running.name === name)!;
  }

  async function fuzzRoute(
    { name, environment }: RunningService,
    route: HttpRoute,
    seed: number,
  ): Promise<void> {
    const fingerprinter = fingerprinters.get(name)!;
    const token = route.handler?.isPublic
      ? undefined
      : await environment.tokenFor(route.handler?.tenantKinds?.[0] ?? 'merchant', 'fuzz-tenant');
    const plan = (BODY_PLANS[route.key] ?? (() => genericPlan(route)))();
    const queryShape = route.handler?.queryType ? dtoShape(route.handler.queryType) : {};
    const validQuery = validInputOf(route.handler?.queryType);
    const queries =
      validQuery === undefined
        ? queryLike(queryShape)
        : fc.oneof(
            queryLike(queryShape),
            mutationsOf(() => validInputOf(route.handler!.queryType)).map(({ value }) => asQuery(value)),
          );
    const cases = fc.record({
      params: fc.tuple(...route.pathParams.map(() => pathValue)),
      query: queries,
      body: plan.bodies,
    }) as fc.Arbitrary<FuzzCase>;

    await fc.assert(
      fc.asyncProperty(cases, async (fuzzCase) => {
        const before = await fingerprinter.take();
        const reply = await sendRaw(environment.baseUrl, requestOf(route, fuzzCase, token));
        const after = await fingerprinter.take();
        const context = `${name} ${route.key} answered ${reply.status} ${reply.contentType} ${reply.text.slice(0, 300)} to ${describeCase(fuzzCase)}`;
        const clientError = reply.status >= 400 && reply.status < 500;
        const refused = clientError || plan.refusedOtherwise?.(reply) === true;

        if (reply.status >= 500 || reply.status < 200) throw new Error(`a server fault: ${context}`);
        if (clientError && !reply.contentType.startsWith('application/problem+json')) {
          const htmlPage =
            HTML_REFUSALS[route.key] && reply.status === 404 && reply.contentType.startsWith('text/html');
          if (!htmlPage) throw new Error(`a refusal that is not problem+json: ${context}`);
        }
        if ((plan.isRefused(fuzzCase.body) || isRefusedByItsParts(route, fuzzCase)) && !refused) {
          throw new Error(`bad input accepted: ${context}`);
        }
        const changed = changedTables(before, after);
        if (refused && changed.length > 0)
          throw new Error(`a refusal changed ${changed.join(', ')}: ${context}`);
      }),
      { numRuns: RUNS, seed },
    );
  }

  it.each<ServiceName>([
    'order-intake',
    'production-status',
    'carrier-ingest',
    'notification',
    'tracking-api',
  ])(
    '%s answers bad input on every route with a 4xx problem+json and changes nothing',
    async (name) => {
      const running = service(name);
      const routes = httpRoutesOf(running.environment.app);
      expect(routes.length).toBeGreaterThan(3);
      for (const [index, route] of routes.entries()) {
        const seed = SEED + index;
        try {
          await fuzzRoute(running, route, seed);
        } catch (error) {
          throw new Error(
            `${name} ${route.key} (FUZZ_SEED=${SEED}, route seed ${seed}): ${String(error)}${
              error instanceof Error && error.cause ? `\ncaused by ${String(error.cause)}` : ''
            }`,
          );
        }
      }
    },
    120_000,
  );

  it.each<ServiceName>([
    'order-intake',
    'production-status',
    'carrier-ingest',
    'notification',
    'tracking-api',
  ])(
    '%s refuses a body larger than it accepts with 413 on every route, changing nothing',
    async (name) => {
      const { environment } = service(name);
      const fingerprinter = fingerprinters.get(name)!;
      const body = Buffer.alloc(OVERSIZED, 'a');
      body.write('{"a":"', 0);
      body.write('"}', OVERSIZED - 2);
      for (const route of httpRoutesOf(environment.app)) {
        const token = route.handler?.isPublic
          ? undefined
          : await environment.tokenFor(route.handler?.tenantKinds?.[0] ?? 'merchant', 'fuzz-tenant');
        const before = await fingerprinter.take();
        const path = route.path.replace(/:\w+/g, '00000000-0000-4000-8000-000000000000');
        const reply = await sendRaw(environment.baseUrl, {
          method: route.method,
          path,
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body,
        });
        expect({
          route: route.key,
          status: reply.status,
          problem: reply.contentType.split(';', 1)[0],
        }).toEqual({
          route: route.key,
          status: 413,
          problem: 'application/problem+json',
        });
        expect(changedTables(before, await fingerprinter.take())).toEqual([]);
      }
    },
    120_000,
  );

  it('answers signed carrier webhooks with bad bodies without a server fault', async () => {
    const { environment } = service('carrier-ingest');
    const bodies = fc.oneof(
      poisonedLike({
        event: null,
        msg: { tracking_number: null, slug: null, checkpoints: null },
        ts: null,
      }).map((value) => JSON.stringify(value)),
      fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null'),
      fc.string({ maxLength: 200 }),
    );
    await fc.assert(
      fc.asyncProperty(bodies, async (rawBody) => {
        const reply = await sendRaw(environment.baseUrl, {
          method: 'POST',
          path: '/v1/carriers/aggregator/webhooks',
          headers: {
            'content-type': 'application/json',
            'aftership-hmac-sha256': createHmac('sha256', AGGREGATOR_SECRET).update(rawBody).digest('base64'),
          },
          body: rawBody,
        });
        if (reply.status >= 500)
          throw new Error(`a server fault: ${reply.status} ${reply.text.slice(0, 300)}`);
        if (reply.status >= 400) expect(reply.contentType).toMatch(/^application\/problem\+json/);
      }),
      { numRuns: RUNS * 2, seed: SEED },
    );
  }, 60_000);
});
