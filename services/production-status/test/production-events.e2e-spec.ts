import { randomUUID } from 'node:crypto';
import {
  createEnvelope,
  decodeEnvelope,
  encodeEnvelope,
  envelopeHeaders,
  TOPICS,
  trackingTokenHash,
  type EventEnvelope,
} from '@tracking/events';
import {
  createTestEnvironment,
  eventually,
  type MessageCollector,
  type TestEnvironment,
} from '@tracking/testing';
import { validateTrackingNumber } from '@tracking/tracking-numbers';
import { UnitOfWork, type TransactionContext } from '@tracking/db';
import { KafkaEventContext } from '@tracking/kafka';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createProductionStatusApp } from '../src/bootstrap';
import { OrderEventsConsumer } from '../src/consumers/order-events.consumer';
import type { ProductionReport } from '../src/domain/production-event';
import { ProductionLedger } from '../src/use-cases/production-ledger';
import { ProductionStatusConfig } from '../src/config/production-status.config';

interface ItemBody {
  outcome: 'accepted' | 'duplicate' | 'awaiting_order' | 'rejected';
  eventId?: string;
  stepId?: string;
  state?: string;
  code?: string;
  cause?: string;
  reason?: string;
  lines?: number[];
  errors?: Array<{ field: string; reason: string }>;
  shipments?: Array<{ shipmentId: string; carrier: string; trackingNumber: string; trackingUrl: string }>;
}

interface BatchBody {
  summary: Record<ItemBody['outcome'], number>;
  results: Array<ItemBody & { index: number }>;
}

interface TimelineBody {
  orderId: string;
  status: {
    state: string;
    milestone: string | null;
    exception: { state: string; reason: string | null } | null;
  };
  cancelledAt: string | null;
  deliveredAt: string | null;
  steps: Array<{ eventId: string; type: string; state: string; occurredAt: string }>;
  shipments: Array<{
    shipmentId: string;
    carrier: string;
    trackingNumber: string;
    trackingUrl: string;
    voidedAt: string | null;
  }>;
}

interface ProblemBody {
  status: number;
  code: string;
  detail: string;
  errors?: Array<{ field: string; reason: string }>;
}

const CENTRE = 'fc-hanoi-1';
const OTHER_CENTRE = 'fc-lyon-2';
const MERCHANT = 'acme';

/** A valid UPS number of our own each time: tracking numbers are unique across live labels. */
let upsSerial = 1_000_000;
function newUpsNumber(): string {
  upsSerial += 1;
  const payload = `1Z999AA1${String(upsSerial).padStart(9, '0')}`;
  for (let digit = 0; digit < 10; digit += 1) {
    const candidate = `${payload}${digit}`;
    if (validateTrackingNumber('ups', candidate).valid) return candidate;
  }
  throw new Error('no UPS check digit found');
}

function at(minutesAgo: number): string {
  return new Date(Date.now() - minutesAgo * 60_000).toISOString();
}

describe('production-status', () => {
  let env: TestEnvironment<ProductionStatusConfig>;
  let productionTopic: MessageCollector;
  let shipmentsTopic: MessageCollector;
  let deadLetters: MessageCollector;
  let centre: string;

  beforeAll(async () => {
    env = await createTestEnvironment({
      configClass: ProductionStatusConfig,
      createApp: createProductionStatusApp,
      // Short enough to watch an early report expire within a test.
      env: { AWAITING_ORDER_TIMEOUT_MS: '2000', AWAITING_ORDER_SWEEP_INTERVAL_MS: '250' },
    });
    [productionTopic, shipmentsTopic, deadLetters] = await Promise.all([
      env.kafka.collect(TOPICS.production),
      env.kafka.collect(TOPICS.shipments),
      env.kafka.collect('tracking.dead-letter.production-status.v1'),
    ]);
    centre = await env.tokenFor('fulfillment_center', CENTRE);
  });

  afterAll(() => env?.close());

  async function publish(event: EventEnvelope): Promise<void> {
    await env.kafka.publish(
      event.payload!.$case === 'carrierScanRecorded' ? TOPICS.carrierScans : TOPICS.orders,
      [{ key: event.orderId, value: encodeEnvelope(event), headers: envelopeHeaders(event) }],
    );
  }

  function orderReceived(orderId: string, fulfillmentCentreId = CENTRE): EventEnvelope {
    return createEnvelope({
      orderId,
      merchantId: MERCHANT,
      occurredAt: at(60 * 24),
      source: { service: 'order-intake', upstream: 'shopify' },
      payload: {
        $case: 'orderReceived',
        value: {
          externalOrderId: `SHOP-${orderId.slice(0, 6)}`,
          storefrontPlatform: 'SHOPIFY',
          placedAt: at(60 * 24),
          lineItems: [{ externalLineItemId: '', sku: 'MUG', title: 'Mug', quantity: 1 }],
          fulfillmentCentreId,
          promisedDeliveryDate: '',
          trackingTokenHash: trackingTokenHash(randomUUID()),
          buyerLocale: 'en',
        },
      },
    });
  }

  /** An order this service has heard of, assigned to `fulfillmentCentreId`. */
  async function knownOrder(fulfillmentCentreId = CENTRE): Promise<string> {
    const orderId = randomUUID();
    await publish(orderReceived(orderId, fulfillmentCentreId));
    const token =
      fulfillmentCentreId === CENTRE ? centre : await env.tokenFor('fulfillment_center', fulfillmentCentreId);
    await eventually(async () => (await timeline(orderId, token)).status === 200);
    return orderId;
  }

  function timeline(orderId: string, token = centre) {
    return env.request<TimelineBody & ProblemBody>('GET', `/v1/orders/${orderId}/production`, { token });
  }

  function postOne(body: unknown, token = centre) {
    return env.request<ItemBody & ProblemBody>('POST', '/v1/production-events', { token, body });
  }

  function postBatch(events: unknown[], token = centre) {
    return env.request<BatchBody & ProblemBody>('POST', '/v1/production-events/batch', {
      token,
      body: { events },
    });
  }

  function postCsv(csv: string, token = centre) {
    return env.request<BatchBody & ProblemBody>('POST', '/v1/production-events/batch', {
      token,
      rawBody: csv,
      headers: { 'content-type': 'text/csv' },
    });
  }

  function step(orderId: string, type: string, minutesAgo: number, extra: Record<string, unknown> = {}) {
    return { orderId, eventId: `evt-${randomUUID()}`, type, occurredAt: at(minutesAgo), ...extra };
  }

  function packed(orderId: string, minutesAgo: number, trackingNumbers: string[] = [newUpsNumber()]) {
    return step(orderId, 'PACKED', minutesAgo, {
      shipments: trackingNumbers.map((trackingNumber) => ({
        carrier: 'ups',
        trackingNumber,
        serviceLevel: 'Ground',
        packageCount: 1,
        weightGrams: 450,
      })),
    });
  }

  const forOrder = (orderId: string) => (message: { key: string | null }) => message.key === orderId;

  describe('POST /v1/production-events', () => {
    it('accepts a step, publishes its canonical event keyed by order, and answers a resend as a duplicate', async () => {
      const orderId = await knownOrder();
      const started = step(orderId, 'PRODUCTION_STARTED', 30, {
        facility: 'Hanoi 1',
        station: 'printer-4',
        operator: 'op-17',
      });

      const first = await postOne(started);
      const again = await postOne(started);

      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        outcome: 'accepted',
        eventId: started.eventId,
        state: 'IN_PRODUCTION',
      });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ outcome: 'duplicate', stepId: first.body.stepId });

      const [message] = await productionTopic.waitFor(forOrder(orderId));
      const event = decodeEnvelope(message!.value);
      expect(event).toMatchObject({
        eventId: first.body.stepId,
        type: 'production.step-recorded',
        merchantId: MERCHANT,
        occurredAt: started.occurredAt,
        source: { service: 'production-status', upstream: `fulfillment-centre:${CENTRE}` },
        payload: {
          $case: 'productionStepRecorded',
          value: {
            step: 'PRODUCTION_STARTED',
            state: 'IN_PRODUCTION',
            fulfillmentCentreId: CENTRE,
            centreEventId: started.eventId,
            station: 'printer-4',
          },
        },
      });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(productionTopic.messages.filter(forOrder(orderId))).toHaveLength(1);
    });

    it('registers each packed parcel as a shipment for carrier tracking', async () => {
      const orderId = await knownOrder();
      const [first, second] = [newUpsNumber(), newUpsNumber()];

      const response = await postOne(
        packed(orderId, 10, [first!, `${second!.slice(0, 6)} ${second!.slice(6)}`]),
      );

      expect(response.status).toBe(201);
      expect(response.body.shipments!.map((shipment) => shipment.trackingNumber)).toEqual([first, second]);
      expect(response.body.shipments![0]!.trackingUrl).toContain(first);
      const registered = await shipmentsTopic.waitFor(forOrder(orderId), { count: 2 });
      const events = registered.map((message) => decodeEnvelope(message.value));
      expect(events.map((event) => event.shipmentId).sort()).toEqual(
        response.body.shipments!.map((shipment) => shipment.shipmentId).sort(),
      );
      expect(events[0]!.payload).toMatchObject({
        $case: 'shipmentRegistered',
        value: { carrier: 'ups', serviceLevel: 'Ground' },
      });

      const view = await timeline(orderId);
      expect(view.body.status.state).toBe('PACKED');
      expect(view.body.shipments).toHaveLength(2);
    });

    it('rejects an invalid tracking number for that event only, with the reason, and changes nothing', async () => {
      const orderId = await knownOrder();
      const upsNumber = newUpsNumber();
      const badCheckDigit = `${upsNumber.slice(0, -1)}${(Number(upsNumber.slice(-1)) + 1) % 10}`;

      const declaredAsUsps = await postOne(
        step(orderId, 'PACKED', 5, { shipments: [{ carrier: 'usps', trackingNumber: upsNumber }] }),
      );
      const wrongDigit = await postOne(
        step(orderId, 'PACKED', 5, { shipments: [{ carrier: 'ups', trackingNumber: badCheckDigit }] }),
      );

      expect(declaredAsUsps.status).toBe(422);
      expect(declaredAsUsps.body.errors).toEqual([
        {
          field: 'shipments.0.trackingNumber',
          reason: expect.stringMatching(/UPS tracking number, not USPS/),
        },
      ]);
      expect(wrongDigit.status).toBe(422);
      expect(wrongDigit.body.errors![0]!.reason).toMatch(/check.digit/i);
      const view = await timeline(orderId);
      expect(view.body.steps).toHaveLength(0);
      expect(view.body.shipments).toHaveLength(0);
    });

    it('is 404 for an order assigned to another centre, and changes nothing', async () => {
      const theirs = await knownOrder(OTHER_CENTRE);

      const posted = await postOne(step(theirs, 'PRODUCTION_STARTED', 5));
      const read = await timeline(theirs);

      expect(posted.status).toBe(404);
      expect(read.status).toBe(404);
      const owner = await env.tokenFor('fulfillment_center', OTHER_CENTRE);
      expect((await timeline(theirs, owner)).body.steps).toHaveLength(0);
    });

    it('refuses impossible steps: packing a cancelled order, production after delivery', async () => {
      const cancelled = await knownOrder();
      await publish(
        createEnvelope({
          orderId: cancelled,
          merchantId: MERCHANT,
          occurredAt: at(60),
          source: { service: 'order-intake' },
          payload: { $case: 'orderCancelled', value: { reason: 'buyer asked', requestedBy: 'MERCHANT' } },
        }),
      );
      await eventually(async () => (await timeline(cancelled)).body.cancelledAt !== null);

      const packing = await postOne(packed(cancelled, 10));
      // Steps are history: one that happened before the cancellation is still accepted.
      const before = await postOne(step(cancelled, 'PRODUCTION_STARTED', 120));

      expect(packing.status).toBe(409);
      expect(packing.body.detail).toMatch(/cancelled at .* cannot be packed/);
      expect(before.status).toBe(201);

      const delivered = await knownOrder();
      await publish(
        createEnvelope({
          orderId: delivered,
          merchantId: MERCHANT,
          shipmentId: randomUUID(),
          occurredAt: at(60),
          source: { service: 'carrier-ingest', upstream: 'ups' },
          payload: {
            $case: 'carrierScanRecorded',
            value: {
              state: 'DELIVERED',
              reason: 'REASON_CODE_UNSPECIFIED',
              carrier: 'ups',
              trackingNumber: newUpsNumber(),
              rawCode: 'D',
              rawDescription: 'DELIVERED',
              source: 'WEBHOOK',
              carrierEventId: '',
            },
          },
        }),
      );
      await eventually(async () => (await timeline(delivered)).body.deliveredAt !== null);
      const afterDelivery = await postOne(step(delivered, 'PRODUCTION_COMPLETED', 10));
      expect(afterDelivery.status).toBe(409);
      expect(afterDelivery.body.detail).toMatch(/delivered/);
    });

    it('refuses a step dated before its order was placed, and the order keeps its state', async () => {
      const orderId = await knownOrder();
      // The order was placed a day ago: a QC failure an hour before that cannot be this order's.
      const response = await postOne(step(orderId, 'QC_FAILED', 60 * 25, { reason: 'smudged print' }));

      expect(response.status).toBe(422);
      expect(response.body.errors).toEqual([
        { field: 'occurredAt', reason: expect.stringMatching(/before the order was placed at/) },
      ]);
      const view = await timeline(orderId);
      expect(view.body.steps).toHaveLength(0);
      expect(view.body.status).toMatchObject({ state: 'ORDER_RECEIVED', exception: null });
    });

    it('dead-letters an early report dated before its order, once the order shows when it was placed', async () => {
      const orderId = randomUUID();
      expect((await postOne(step(orderId, 'PRODUCTION_STARTED', 60 * 30))).status).toBe(202);

      await publish(orderReceived(orderId));

      const [letter] = await deadLetters.waitFor(forOrder(orderId));
      expect(letter!.headers['x-dead-letter-reason']).toMatch(/before the order was placed/);
      expect((await timeline(orderId)).body.steps).toHaveLength(0);
    });

    it('keeps a report for an order not heard of yet (202) and applies it when the order arrives', async () => {
      const orderId = randomUUID();
      const early = step(orderId, 'PRODUCTION_STARTED', 20);

      const response = await postOne(early);
      expect(response.status).toBe(202);
      expect(response.body.outcome).toBe('awaiting_order');
      expect((await postOne(early)).status).toBe(200);

      await publish(orderReceived(orderId));

      const [message] = await productionTopic.waitFor(forOrder(orderId));
      expect(decodeEnvelope(message!.value).payload).toMatchObject({
        value: { centreEventId: early.eventId },
      });
      const view = await eventually(async () => {
        const read = await timeline(orderId);
        return read.status === 200 && read.body.steps.length === 1 ? read : undefined;
      });
      expect(view.body.status.state).toBe('IN_PRODUCTION');
    });

    it('dead-letters an early report whose order never arrives, with the reason, and counts it', async () => {
      const orderId = randomUUID();
      const early = step(orderId, 'PRODUCTION_COMPLETED', 5);

      expect((await postOne(early)).status).toBe(202);

      const [letter] = await deadLetters.waitFor(forOrder(orderId), { timeoutMs: 20_000 });
      expect(letter!.headers['x-dead-letter-reason']).toMatch(/was not received within 2 s/);
      expect(letter!.headers['x-dead-letter-error-code']).toBe('NOT_FOUND');
      expect(JSON.parse(letter!.value)).toMatchObject({
        eventId: early.eventId,
        fulfillmentCentreId: CENTRE,
      });
      const metrics = await env.request<string>('GET', '/metrics');
      expect(metrics.body).toMatch(
        /production_awaiting_order_dead_lettered_total\{[^}]*cause="ORDER_NEVER_ARRIVED"[^}]*\} [1-9]/,
      );
    });

    it('dead-letters an early report when its order turns out to belong to another centre', async () => {
      const orderId = randomUUID();
      expect((await postOne(step(orderId, 'PRODUCTION_STARTED', 5))).status).toBe(202);

      await publish(orderReceived(orderId, OTHER_CENTRE));

      const [letter] = await deadLetters.waitFor(forOrder(orderId));
      expect(letter!.headers['x-dead-letter-reason']).toMatch(/not found among the orders assigned/);
      const owner = await env.tokenFor('fulfillment_center', OTHER_CENTRE);
      expect((await timeline(orderId, owner)).body.steps).toHaveLength(0);
    });

    it('voids a label: the shipment no longer counts, and the event names it', async () => {
      const orderId = await knownOrder();
      const [keep, redo] = [newUpsNumber(), newUpsNumber()];
      const packing = await postOne(packed(orderId, 30, [keep!, redo!]));
      const voidedShipment = packing.body.shipments!.find((shipment) => shipment.trackingNumber === redo)!;

      const voided = await postOne(step(orderId, 'LABEL_VOIDED', 20, { trackingNumber: redo }));
      const again = await postOne(step(orderId, 'LABEL_VOIDED', 15, { trackingNumber: redo }));

      expect(voided.status).toBe(201);
      expect(again.status).toBe(409);
      const events = await productionTopic.waitFor(forOrder(orderId), { count: 2 });
      const voidEvent = events
        .map((message) => decodeEnvelope(message.value))
        .find((event) => event.shipmentId);
      expect(voidEvent).toMatchObject({
        shipmentId: voidedShipment.shipmentId,
        payload: { value: { step: 'LABEL_VOIDED' } },
      });
      const view = await timeline(orderId);
      expect(
        view.body.shipments.find((shipment) => shipment.trackingNumber === redo)!.voidedAt,
      ).not.toBeNull();
      expect(view.body.status.state).toBe('PACKED');
    });

    it('answers bad input with 422 naming the fields, and bad credentials with 401/403', async () => {
      const orderId = await knownOrder();

      const invalid = await postOne({ orderId, eventId: '', type: 'PAINTED', occurredAt: '2026-12-01' });
      const noShipments = await postOne(step(orderId, 'PACKED', 5));
      const anonymous = await env.request('POST', '/v1/production-events', {
        body: step(orderId, 'PRODUCTION_STARTED', 5),
      });
      const merchant = await postOne(
        step(orderId, 'PRODUCTION_STARTED', 5),
        await env.tokenFor('merchant', MERCHANT),
      );

      expect(invalid.status).toBe(422);
      expect(invalid.body.errors!.map((error) => error.field).sort()).toEqual([
        'eventId',
        'occurredAt',
        'type',
      ]);
      expect(noShipments.status).toBe(422);
      expect(noShipments.body.errors!.map((error) => error.field)).toContain('shipments');
      expect(anonymous.status).toBe(401);
      expect(merchant.status).toBe(403);
      expect((await timeline(orderId)).body.steps).toHaveLength(0);
    });
  });

  describe('a report and its order arriving at the same moment', () => {
    // A service of its own whose sweep never runs during these tests: what is proved here is that
    // the two paths serialise, not that the sweep later repairs what they left behind.
    let quiet: TestEnvironment<ProductionStatusConfig>;
    let probe: Client;
    // Two transactions open at once need a server that takes two connections.
    const concurrent = process.env.DATABASE_URL ? it : it.skip;

    beforeAll(async () => {
      quiet = await createTestEnvironment({
        configClass: ProductionStatusConfig,
        createApp: createProductionStatusApp,
        env: { AWAITING_ORDER_SWEEP_INTERVAL_MS: String(60 * 60_000) },
      });
      probe = new Client({ connectionString: quiet.database.url });
      await probe.connect();
    });

    afterAll(async () => {
      await probe?.end();
      await quiet?.close();
    });

    /** Holds a transaction of the service open until `commit` is called. */
    function openTransaction(work: (tx: TransactionContext) => Promise<unknown>) {
      let commit!: () => void;
      let opened!: (backendPid: number) => void;
      const gate = new Promise<void>((resolve) => (commit = resolve));
      const backendPid = new Promise<number>((resolve) => (opened = resolve));
      const done = quiet.app.get(UnitOfWork).run(async (tx) => {
        const [{ pid }] = (await tx.manager.query('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
        await work(tx);
        opened(pid);
        await gate;
      });
      return { commit, done, backendPid };
    }

    /** True once another session waits on a lock that the open transaction holds. */
    async function someoneWaitsOn(backendPid: number): Promise<boolean> {
      const { rows } = await probe.query<{ waiting: number }>(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))`,
        [backendPid],
      );
      return rows[0]!.waiting > 0;
    }

    async function appliedSteps(orderId: string): Promise<number> {
      const read = await quiet.request<TimelineBody>('GET', `/v1/orders/${orderId}/production`, {
        token: centre,
      });
      return read.status === 200 ? read.body.steps.length : 0;
    }

    concurrent('applies a report sent while its order is being recorded', async () => {
      const orderId = randomUUID();
      const consumer = quiet.app.get(OrderEventsConsumer);
      const arrival = openTransaction((tx) =>
        consumer.onOrderEvent(
          orderReceived(orderId),
          new KafkaEventContext(tx, TOPICS.orders, 0, '0', orderId, {}, 1),
        ),
      );

      // The order is in and locked, uncommitted, before the report is sent.
      const holder = await arrival.backendPid;
      const report = quiet.request<ItemBody>('POST', '/v1/production-events', {
        token: centre,
        body: step(orderId, 'PRODUCTION_STARTED', 20),
      });
      await eventually(() => someoneWaitsOn(holder), {
        what: 'the report waiting for the order being recorded',
      });
      arrival.commit();
      await arrival.done;

      const response = await report;
      expect(response.status).toBe(201);
      expect(response.body.outcome).toBe('accepted');
      expect(await appliedSteps(orderId)).toBe(1);
    });

    concurrent(
      'applies a report the order arrives during, once the report commits',
      async () => {
        const orderId = randomUUID();
        const report = step(orderId, 'PRODUCTION_STARTED', 20);
        const ledger = quiet.app.get(ProductionLedger);
        const recording = openTransaction((tx) => ledger.record(tx, CENTRE, [report as ProductionReport]));

        // The report is stored and its order locked, uncommitted, before the order is published.
        const holder = await recording.backendPid;
        await publish(orderReceived(orderId));
        await eventually(() => someoneWaitsOn(holder), {
          timeoutMs: 60_000,
          what: "the order's arrival waiting for the report being recorded",
        });
        recording.commit();
        await recording.done;

        await eventually(async () => (await appliedSteps(orderId)) === 1, {
          what: 'the early report applied on arrival',
        });
      },
      // The order travels through the broker to a consumer group that has just joined.
      120_000,
    );
  });

  describe('the sweep of reports waiting for their order', () => {
    it('applies a waiting report whose order is known, however the order got there', async () => {
      const orderId = randomUUID();
      const early = step(orderId, 'PRODUCTION_STARTED', 20);
      expect((await postOne(early)).status).toBe(202);
      // The order row appears without its arrival releasing anything, as after a crash between the two.
      await env.app.get(DataSource).query(
        `INSERT INTO production_status.orders (order_id, merchant_id, fulfillment_centre_id, received_at)
         VALUES ($1, $2, $3, now() - interval '1 day')`,
        [orderId, MERCHANT, CENTRE],
      );

      const [message] = await productionTopic.waitFor(forOrder(orderId));
      expect(decodeEnvelope(message!.value).payload).toMatchObject({
        value: { centreEventId: early.eventId },
      });
      const view = await timeline(orderId);
      expect(view.body.steps).toHaveLength(1);
      expect(deadLetters.messages.filter(forOrder(orderId))).toHaveLength(0);
    });
  });

  describe('POST /v1/production-events/batch', () => {
    it('gives each JSON item its own result: one bad item never rejects the others', async () => {
      const [mine, cancelledLater] = [await knownOrder(), await knownOrder()];
      const theirs = await knownOrder(OTHER_CENTRE);
      const unknown = randomUUID();
      const started = step(mine, 'PRODUCTION_STARTED', 50);

      const response = await postBatch([
        started,
        started,
        { orderId: mine, eventId: 'no-type', occurredAt: at(40) },
        step(theirs, 'PRODUCTION_STARTED', 40),
        step(unknown, 'PRODUCTION_STARTED', 40),
        step(cancelledLater, 'CANCELLED_IN_PRODUCTION', 30, { reason: 'out of stock' }),
        packed(cancelledLater, 20),
        step(mine, 'QC_FAILED', 10, { reason: 'print smudged' }),
      ]);

      expect(response.status).toBe(200);
      expect(
        response.body.results.map((result) => [result.index, result.outcome, result.code ?? '']),
      ).toEqual([
        [0, 'accepted', ''],
        [1, 'duplicate', ''],
        [2, 'rejected', 'VALIDATION_FAILED'],
        [3, 'rejected', 'NOT_FOUND'],
        [4, 'awaiting_order', ''],
        [5, 'accepted', ''],
        [6, 'rejected', 'CONFLICT'],
        [7, 'accepted', ''],
      ]);
      expect(response.body.summary).toEqual({ accepted: 3, duplicate: 1, awaiting_order: 1, rejected: 3 });
      expect(response.body.results[2]!.errors!.map((error) => error.field)).toEqual(['type']);
      expect(response.body.results[7]).toMatchObject({ state: 'EXCEPTION' });

      const view = await timeline(mine);
      expect(view.body.status).toMatchObject({
        state: 'EXCEPTION',
        exception: { state: 'EXCEPTION', reason: 'QC_FAILED' },
      });
      expect((await timeline(cancelledLater)).body.status.state).toBe('CANCELLED');
    });

    it('orders a bulk upload by occurrence, whatever order it came in', async () => {
      const orderId = await knownOrder();

      const response = await postBatch([
        packed(orderId, 10),
        step(orderId, 'PRODUCTION_COMPLETED', 30),
        step(orderId, 'PRODUCTION_STARTED', 90),
        step(orderId, 'QC_FAILED', 60, { reason: 'colour off' }),
      ]);

      expect(response.body.summary.accepted).toBe(4);
      const view = await timeline(orderId);
      expect(view.body.steps.map((entry) => entry.type)).toEqual([
        'PRODUCTION_STARTED',
        'QC_FAILED',
        'PRODUCTION_COMPLETED',
        'PACKED',
      ]);
      // The reprint after the failed QC went on to packing: the exception has cleared.
      expect(view.body.status).toMatchObject({ state: 'PACKED', exception: null });
    });

    it('takes the CSV export with mixed good and bad rows, naming each bad row', async () => {
      const [orderA, orderB] = [await knownOrder(), await knownOrder()];
      const [parcel1, parcel2] = [newUpsNumber(), newUpsNumber()];
      const invalidNumber = `${parcel2!.slice(0, -1)}${(Number(parcel2!.slice(-1)) + 3) % 10}`;
      const csv = [
        'Order ID,Event ID,Type,Occurred At,Station,Carrier,Tracking Number,Service Level,Package Count,Weight Grams',
        `${orderA},a-1,PRODUCTION_STARTED,${at(120)},press-1,,,,,`,
        `${orderA},a-2,packed,${at(60)},pack-2,ups,${parcel1},Ground,1,300`,
        `${orderA},a-2,PACKED,${at(60)},pack-2,ups,${parcel2},Ground,1,280`,
        `${orderB},b-1,PRODUCTION_STARTED,yesterday,press-1,,,,,`,
        `${orderB},b-2,PACKED,${at(30)},pack-1,ups,${invalidNumber},Ground,1,300`,
        `${orderB},b-3,PRODUCTION_COMPLETED,${at(45)},qc-1,,,,,`,
        `${orderA},a-1,PRODUCTION_STARTED,${at(120)},press-1,,,,,`,
      ].join('\r\n');

      const response = await postCsv(csv);

      expect(response.status).toBe(200);
      expect(response.body.results.map((result) => [result.lines, result.outcome])).toEqual([
        [[2], 'accepted'],
        [[3, 4], 'accepted'],
        [[5], 'rejected'],
        [[6], 'rejected'],
        [[7], 'accepted'],
        [[8], 'duplicate'],
      ]);
      expect(response.body.results[1]!.shipments).toHaveLength(2);
      expect(response.body.results[2]!.errors!.map((error) => error.field)).toEqual(['occurredAt']);
      expect(response.body.results[3]).toMatchObject({ code: 'VALIDATION_FAILED', cause: 'BAD_CHECK_DIGIT' });
      expect((await timeline(orderA)).body.status.state).toBe('PACKED');
      expect((await timeline(orderB)).body.status.state).toBe('PRODUCTION_COMPLETED');
    });

    it('refuses a CSV with unknown columns, and a batch over the limit, as a whole', async () => {
      const unknownColumn = await postCsv('order_id,event_id,type,occurred_at,colour\n');
      const tooMany = await postBatch(
        Array.from({ length: 1_001 }, () => step(randomUUID(), 'PRODUCTION_STARTED', 5)),
      );

      expect(unknownColumn.status).toBe(422);
      expect(unknownColumn.body.errors).toEqual([
        { field: 'colour', reason: expect.stringMatching(/unknown column/) },
      ]);
      expect(tooMany.status).toBe(422);
      expect(tooMany.body.detail).toMatch(/at most 1000/);
    });
  });
});
