import { createHmac, randomUUID } from 'node:crypto';
import { advisoryLockKey, UnitOfWork } from '@tracking/db';
import {
  createEnvelope,
  deadLetterTopic,
  decodeEnvelope,
  encodeEnvelope,
  envelopeHeaders,
  TOPICS,
} from '@tracking/events';
import {
  createTestEnvironment,
  eventually,
  type MessageCollector,
  type TestEnvironment,
} from '@tracking/testing';
import { validateTrackingNumber } from '@tracking/tracking-numbers';
import { DataSource } from 'typeorm';
import { createCarrierIngestApp } from '../src/bootstrap';
import type { CarrierAdapter } from '../src/carriers/carrier-adapter';
import { CARRIER_ADAPTERS } from '../src/carriers/carrier-adapters.provider';
import { signTimestampedBody } from '../src/carriers/webhook-signature';
import { CarrierIngestConfig } from '../src/config/carrier-ingest.config';
import { trackingNumberLockName } from '../src/persistence/carrier.repository';
import { RegisterShipmentUseCase } from '../src/use-cases/register-shipment.use-case';
import { MAX_WEBHOOK_ATTEMPTS, WebhookProcessor } from '../src/webhooks/webhook-processor';
import { CarrierApiServer } from './carrier-api-server';

const AGGREGATOR_SECRET = 'aggregator-test-secret';
const UPS_SECRET = 'ups-test-secret';
const MERCHANT = 'acme';

interface ScanBody {
  source: string;
  state: string;
  reason: string | null;
  rawCode: string;
  rawDescription: string;
  occurredAt: string;
  occurredAtText: string;
  location: { city?: string; countryCode?: string } | null;
  proofOfDelivery: { signedBy?: string } | null;
  note: string | null;
}

interface ShipmentBody {
  shipmentId: string;
  status: { state: string; reason: string | null };
  validTracking: boolean;
  numberValid: boolean;
  nextPollAt: string | null;
  trackingClosedAt: string | null;
  scans: ScanBody[];
}

/** A valid UPS number of our own each time. */
let upsSerial = 2_000_000;
function newUpsNumber(): string {
  upsSerial += 1;
  const payload = `1Z999AA1${String(upsSerial).padStart(9, '0')}`;
  for (let digit = 0; digit < 10; digit += 1) {
    if (validateTrackingNumber('ups', `${payload}${digit}`).valid) return `${payload}${digit}`;
  }
  throw new Error('no UPS check digit found');
}

function hoursAgo(hours: number): Date {
  return new Date(Date.now() - hours * 3_600_000);
}

/** An AfterShip tracking_update webhook carrying `checkpoints` for one number. */
function aggregatorWebhook(
  trackingNumber: string,
  checkpoints: Array<Record<string, unknown>>,
  extra: Record<string, unknown> = {},
) {
  return {
    event: 'tracking_update',
    event_id: randomUUID(),
    msg: {
      id: randomUUID().replace(/-/g, ''),
      tracking_number: trackingNumber,
      slug: 'ups',
      tag: checkpoints.at(-1)?.tag ?? 'Pending',
      subtag: checkpoints.at(-1)?.subtag ?? 'Pending_001',
      checkpoints,
      ...extra,
    },
    ts: Math.floor(Date.now() / 1_000),
  };
}

function checkpoint(
  tag: string,
  subtag: string,
  at: Date,
  message: string,
  place: Record<string, unknown> = {},
) {
  return {
    slug: 'ups',
    checkpoint_time: at.toISOString().replace('.000Z', '+00:00'),
    city: 'Louisville',
    state: 'KY',
    zip: '40213',
    country_iso3: 'USA',
    location: 'Louisville, KY, USA',
    message,
    tag,
    subtag,
    raw_tag: subtag,
    ...place,
  };
}

/** A UPS Tracking API answer (trackResponse) with one package and its activity. */
function upsTrackResponse(trackingNumber: string, activity: Array<Record<string, unknown>>) {
  return {
    trackResponse: {
      shipment: [{ inquiryNumber: trackingNumber, package: [{ trackingNumber, activity }] }],
    },
  };
}

/** One UPS activity, local date and time with the GMT offset as UPS gives them. */
function upsActivity(
  status: { type: string; code: string; statusCode: string; description: string },
  localDate: string,
  localTime: string,
  gmtOffset = '-05:00',
) {
  return {
    location: {
      address: {
        city: 'ATLANTA',
        stateProvince: 'GA',
        postalCode: '30301',
        countryCode: 'US',
        country: 'US',
      },
    },
    status,
    date: localDate,
    time: localTime,
    gmtOffset,
  };
}

// UPS activity statuses as its Tracking API gives them (type, code, statusCode, description).
const PICKED_UP = { type: 'P', code: 'PU', statusCode: '038', description: 'Picked up by UPS' };
const DEPARTED = { type: 'I', code: 'DP', statusCode: '005', description: 'Departed from Facility' };
const OUT_FOR_DELIVERY = { type: 'I', code: 'OT', statusCode: '037', description: 'Out For Delivery Today' };

describe('carrier-ingest', () => {
  let env: TestEnvironment<CarrierIngestConfig>;
  let upsApi: CarrierApiServer;
  let scansTopic: MessageCollector;
  let merchant: string;

  beforeAll(async () => {
    upsApi = new CarrierApiServer();
    const upsBaseUrl = await upsApi.start();
    env = await createTestEnvironment({
      configClass: CarrierIngestConfig,
      createApp: createCarrierIngestApp,
      env: {
        CARRIER_AGGREGATOR_WEBHOOK_SECRET: AGGREGATOR_SECRET,
        CARRIER_UPS_WEBHOOK_SECRET: UPS_SECRET,
        CARRIER_UPS_POLLING: 'true',
        CARRIER_UPS_API_BASE_URL: upsBaseUrl,
        CARRIER_UPS_API_KEY: 'ups-token',
        CARRIER_UPS_RATE_LIMIT_PER_SECOND: '50',
        POLL_TICK_MS: '200',
        POLL_TIMEOUT_MS: '1000',
        CIRCUIT_RESET_MS: '60000',
        WEBHOOK_PROCESS_INTERVAL_MS: '200',
        STALE_SWEEP_INTERVAL_MS: '300',
        UNMATCHED_SWEEP_INTERVAL_MS: '300',
        NOT_RECOGNIZED_GRACE_MS: '1000',
      },
    });
    scansTopic = await env.kafka.collect(TOPICS.carrierScans);
    merchant = await env.tokenFor('merchant', MERCHANT);
  });

  afterAll(async () => {
    await env?.close();
    await upsApi?.stop();
  });

  async function register(
    carrier: string,
    trackingNumber: string,
    registeredAt = new Date(),
  ): Promise<{ shipmentId: string; orderId: string }> {
    const registered = await publishRegistration(carrier, trackingNumber, registeredAt);
    await eventually(async () => (await shipment(registered.shipmentId)).status === 200);
    return registered;
  }

  /** Sends production's shipment.registered without waiting for carrier-ingest to apply it. */
  async function publishRegistration(
    carrier: string,
    trackingNumber: string,
    registeredAt = new Date(),
  ): Promise<{ shipmentId: string; orderId: string }> {
    const shipmentId = randomUUID();
    const orderId = randomUUID();
    const event = createEnvelope({
      orderId,
      merchantId: MERCHANT,
      shipmentId,
      occurredAt: registeredAt,
      source: { service: 'production-status' },
      payload: {
        $case: 'shipmentRegistered',
        value: { shipmentId, carrier, trackingNumber, serviceLevel: 'Ground' },
      },
    });
    await env.kafka.publish(TOPICS.shipments, [
      { key: orderId, value: encodeEnvelope(event), headers: envelopeHeaders(event) },
    ]);
    return { shipmentId, orderId };
  }

  function shipment(shipmentId: string, token = merchant) {
    return env.request<ShipmentBody>('GET', `/v1/shipments/${shipmentId}`, { token });
  }

  async function shipmentWhen(
    shipmentId: string,
    done: (body: ShipmentBody) => boolean,
  ): Promise<ShipmentBody> {
    return eventually(async () => {
      const response = await shipment(shipmentId);
      return response.status === 200 && done(response.body) ? response.body : undefined;
    });
  }

  function postAggregator(payload: unknown, secret = AGGREGATOR_SECRET) {
    const rawBody = typeof payload === 'string' ? payload : JSON.stringify(payload);
    return env.request<{ outcome: string; deliveryId?: string }>('POST', '/v1/carriers/aggregator/webhooks', {
      rawBody,
      headers: { 'aftership-hmac-sha256': createHmac('sha256', secret).update(rawBody).digest('base64') },
    });
  }

  function postUps(payload: unknown, timestamp = Math.floor(Date.now() / 1_000)) {
    const rawBody = JSON.stringify(payload);
    return env.request<{ outcome: string }>('POST', '/v1/carriers/ups/webhooks', {
      rawBody,
      headers: { 'x-tracking-signature': signTimestampedBody(UPS_SECRET, rawBody, timestamp) },
    });
  }

  /** A transaction held open until the test lets it commit, with a signal once `work` is done. */
  function holdTransaction(work: (tx: Parameters<Parameters<UnitOfWork['run']>[0]>[0]) => Promise<void>) {
    let commit!: () => void;
    let written!: () => void;
    const released = new Promise<void>((resolve) => (commit = resolve));
    const done = new Promise<void>((resolve) => (written = resolve));
    const committed = env.app.get(UnitOfWork).run(async (tx) => {
      await work(tx);
      written();
      await released;
    });
    return { done, committed, commit };
  }

  /** True while some transaction waits for the lock on this tracking number. */
  async function someoneWaitsFor(trackingNumber: string): Promise<boolean> {
    const key = BigInt.asUintN(64, BigInt(advisoryLockKey(trackingNumberLockName(trackingNumber))));
    const [row] = await env.app.get(DataSource).query(
      `SELECT count(*)::int AS waiting FROM pg_locks
        WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1
          AND classid = $1::bigint::oid AND objid = $2::bigint::oid
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [String(key >> 32n), String(key & 0xffffffffn)],
    );
    return (row.waiting as number) > 0;
  }

  async function unmatchedFor(trackingNumber: string): Promise<number> {
    const [row] = await env.app
      .get(DataSource)
      .query(
        'SELECT count(*)::int AS count FROM carrier_ingest.unmatched_reports WHERE tracking_number = $1',
        [trackingNumber],
      );
    return row.count as number;
  }

  async function storedDeliveries(): Promise<number> {
    const [row] = await env.app
      .get(DataSource)
      .query('SELECT count(*)::int AS count FROM carrier_ingest.webhook_deliveries');
    return row.count as number;
  }

  describe('webhooks', () => {
    it('turns a signed aggregator webhook into canonical scans, published keyed by order', async () => {
      const number = newUpsNumber();
      const { shipmentId, orderId } = await register('ups', number);

      const response = await postAggregator(
        aggregatorWebhook(number, [
          checkpoint('InTransit', 'InTransit_001', hoursAgo(30), 'Picked up', {
            city: 'Atlanta',
            state: 'GA',
            zip: '30301',
          }),
          checkpoint('InTransit', 'InTransit_002', hoursAgo(20), 'Departed facility'),
        ]),
      );

      expect(response.status).toBe(202);
      const body = await shipmentWhen(shipmentId, (current) => current.scans.length === 2);
      expect(body.scans.every((scan) => scan.source === 'WEBHOOK')).toBe(true);
      expect(body.status.state).toBe('IN_TRANSIT');
      expect(body.validTracking).toBe(true);
      const events = await scansTopic.waitFor((message) => message.key === orderId, { count: 2 });
      const decoded = events.map((message) => decodeEnvelope(message.value));
      expect(decoded[0]).toMatchObject({
        type: 'carrier.scan-recorded',
        shipmentId,
        orderId,
        merchantId: MERCHANT,
      });
      expect(decoded.map((event) => event.payload?.$case)).toEqual([
        'carrierScanRecorded',
        'carrierScanRecorded',
      ]);
    });

    it('refuses a bad signature with 401 and stores nothing', async () => {
      const before = await storedDeliveries();
      const payload = aggregatorWebhook(newUpsNumber(), []);
      const rawBody = JSON.stringify(payload);

      const wrongSecret = await postAggregator(payload, 'not-the-secret');
      const tampered = await env.request('POST', '/v1/carriers/aggregator/webhooks', {
        rawBody: rawBody.replace('tracking_update', 'tracking_updatE'),
        headers: {
          'aftership-hmac-sha256': createHmac('sha256', AGGREGATOR_SECRET).update(rawBody).digest('base64'),
        },
      });
      const unsigned = await env.request('POST', '/v1/carriers/aggregator/webhooks', { rawBody });
      const stale = await postUps({ trackingNumber: newUpsNumber() }, Math.floor(Date.now() / 1_000) - 3_600);
      const unknownCarrier = await env.request('POST', '/v1/carriers/pigeon/webhooks', { rawBody });

      expect([wrongSecret.status, tampered.status, unsigned.status, stale.status]).toEqual([
        401, 401, 401, 401,
      ]);
      expect(unknownCarrier.status).toBe(404);
      expect(await storedDeliveries()).toBe(before);
    });

    it('answers a replayed delivery without applying it twice', async () => {
      const number = newUpsNumber();
      const { shipmentId } = await register('ups', number);
      const payload = aggregatorWebhook(number, [
        checkpoint('InTransit', 'InTransit_001', hoursAgo(10), 'Picked up'),
      ]);

      const first = await postAggregator(payload);
      const replay = await postAggregator(payload);

      expect(first.status).toBe(202);
      expect(replay.status).toBe(200);
      expect(replay.body.outcome).toBe('replayed');
      const body = await shipmentWhen(shipmentId, (current) => current.scans.length > 0);
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect((await shipment(shipmentId)).body.scans).toHaveLength(body.scans.length);
    });

    it('keeps a verified delivery it cannot parse in the dead-letter table with the reason', async () => {
      const response = await postAggregator('{"event": "tracking_update", "msg": "not an object"');

      expect(response.status).toBe(202);
      const row = await eventually(async () => {
        const [delivery] = await env.app
          .get(DataSource)
          .query('SELECT status, error FROM carrier_ingest.webhook_deliveries WHERE id = $1', [
            response.body.deliveryId,
          ]);
        return delivery?.status === 'DEAD_LETTERED' ? delivery : undefined;
      });
      expect(row.error).toMatch(/aggregator/i);
    });

    it('places late and out-of-order scans by their time; delivered stays delivered, with its proof', async () => {
      const number = newUpsNumber();
      const { shipmentId } = await register('ups', number);

      await postAggregator(
        aggregatorWebhook(
          number,
          [checkpoint('Delivered', 'Delivered_001', hoursAgo(2), 'Delivered, front door')],
          { signed_by: 'L. NGUYEN' },
        ),
      );
      await shipmentWhen(shipmentId, (current) => current.status.state === 'DELIVERED');
      await postAggregator(
        aggregatorWebhook(number, [
          checkpoint('InTransit', 'InTransit_001', hoursAgo(40), 'Picked up'),
          checkpoint('OutForDelivery', 'OutForDelivery_001', hoursAgo(6), 'Out for delivery'),
        ]),
      );

      const body = await shipmentWhen(shipmentId, (current) => current.scans.length === 3);
      expect(body.status.state).toBe('DELIVERED');
      expect(body.scans.map((scan) => scan.state)).toEqual(['IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED']);
      expect(body.trackingClosedAt).not.toBeNull();
    });

    it('keeps a report for a number not registered yet and applies it on registration', async () => {
      const number = newUpsNumber();
      await postAggregator(
        aggregatorWebhook(number, [checkpoint('InTransit', 'InTransit_001', hoursAgo(5), 'Picked up')]),
      );
      await new Promise((resolve) => setTimeout(resolve, 600));

      const { shipmentId } = await register('ups', number);

      const body = await shipmentWhen(shipmentId, (current) => current.scans.length === 1);
      expect(body.status.state).toBe('IN_TRANSIT');
    });
  });

  describe('a scan and its shipment arriving at the same moment', () => {
    it('applies a scan that arrives while its shipment is being registered', async () => {
      const number = newUpsNumber();
      const shipmentId = randomUUID();
      const registration = holdTransaction((tx) =>
        env.app.get(RegisterShipmentUseCase).register(tx, {
          shipmentId,
          orderId: randomUUID(),
          merchantId: MERCHANT,
          carrier: 'ups',
          trackingNumber: number,
          serviceLevel: null,
          registeredAt: new Date(),
        }),
      );
      await registration.done;

      const response = await postAggregator(
        aggregatorWebhook(number, [checkpoint('InTransit', 'InTransit_001', hoursAgo(1), 'Picked up')]),
      );
      expect(response.status).toBe(202);
      await eventually(() => someoneWaitsFor(number), {
        timeoutMs: 30_000,
        what: 'the webhook waiting for the registration to commit',
      });
      registration.commit();
      await registration.committed;

      const body = await shipmentWhen(shipmentId, (current) => current.scans.length === 1);
      expect(body.status.state).toBe('IN_TRANSIT');
      expect(await unmatchedFor(number)).toBe(0);
    });

    it('applies a scan that is being stored while its shipment is registered', async () => {
      const number = newUpsNumber();
      const aggregator = env.app
        .get<ReadonlyMap<string, CarrierAdapter>>(CARRIER_ADAPTERS)
        .get('aggregator')!;
      const reports = aggregator.parseWebhook({
        rawBody: Buffer.from(
          JSON.stringify(
            aggregatorWebhook(number, [checkpoint('InTransit', 'InTransit_001', hoursAgo(1), 'Picked up')]),
          ),
        ),
        headers: {},
      });
      const scan = holdTransaction((tx) =>
        env.app.get(WebhookProcessor).applyReports(tx, 'aggregator', reports, 'WEBHOOK'),
      );
      await scan.done;

      const { shipmentId } = await publishRegistration('ups', number);
      // The registration travels through the broker to the service's consumer first.
      await eventually(() => someoneWaitsFor(number), {
        timeoutMs: 60_000,
        what: 'the registration waiting for the scan to commit',
      });
      scan.commit();
      await scan.committed;

      const body = await shipmentWhen(shipmentId, (current) => current.scans.length === 1);
      expect(body.status.state).toBe('IN_TRANSIT');
      expect(await unmatchedFor(number)).toBe(0);
    }, 120_000);

    it('applies a waiting scan once its shipment exists, even a shipment written without the lock', async () => {
      const number = newUpsNumber();
      await postAggregator(
        aggregatorWebhook(number, [checkpoint('InTransit', 'InTransit_001', hoursAgo(3), 'Picked up')]),
      );
      await eventually(async () => (await unmatchedFor(number)) === 1, { what: 'the report kept unmatched' });

      const shipmentId = randomUUID();
      await env.app.get(DataSource).query(
        `INSERT INTO carrier_ingest.shipments (shipment_id, order_id, merchant_id, carrier, tracking_number,
           registered_at, number_valid, state, state_occurred_at, last_update_at)
         VALUES ($1, $2, $3, 'ups', $4, now(), true, 'PACKED', now(), now())`,
        [shipmentId, randomUUID(), MERCHANT, number],
      );

      const body = await shipmentWhen(shipmentId, (current) => current.scans.length === 1);
      expect(body.status.state).toBe('IN_TRANSIT');
      expect(await unmatchedFor(number)).toBe(0);
    });
  });

  describe('webhooks that cannot be stored or applied', () => {
    async function storeDeliveryDirectly(
      rawBody: Buffer,
      attempts: { started: number; finished: number } = { started: 0, finished: 0 },
    ): Promise<string> {
      const id = randomUUID();
      await env.app.get(DataSource).query(
        `INSERT INTO carrier_ingest.webhook_deliveries
           (id, carrier, replay_key, raw_body, headers, received_at, status, started_attempts, finished_attempts)
         VALUES ($1, 'aggregator', $2, $3, '{}', now() - interval '1 minute', 'RECEIVED', $4, $5)`,
        [id, randomUUID(), rawBody, attempts.started, attempts.finished],
      );
      return id;
    }

    async function deliveryRow(id: string) {
      const [row] = await env.app
        .get(DataSource)
        .query(
          'SELECT status, error, started_attempts, finished_attempts FROM carrier_ingest.webhook_deliveries WHERE id = $1',
          [id],
        );
      return row as
        | { status: string; error: string | null; started_attempts: number; finished_attempts: number }
        | undefined;
    }

    async function deadLetterOf(id: string) {
      const [row] = await env.app
        .get(DataSource)
        .query('SELECT topic, headers, payload FROM carrier_ingest.outbox WHERE id = $1', [id]);
      return row as { topic: string; headers: Record<string, string>; payload: Buffer } | undefined;
    }

    it('refuses a signed webhook holding text PostgreSQL cannot store with 422 naming the field, storing nothing', async () => {
      const number = newUpsNumber();
      const before = await storedDeliveries();
      const withMessage = (message: string) =>
        aggregatorWebhook(number, [checkpoint('InTransit', 'InTransit_001', hoursAgo(1), message)]);

      const rawNul = await postAggregator(
        JSON.stringify(withMessage('Picked up')).replace('Picked up', 'Picked\u0000up'),
      );
      const escapedNul = await postAggregator(withMessage('Picked up\u0000'));
      const loneSurrogate = await postAggregator(withMessage('Picked up \uD800'));

      for (const response of [rawNul, escapedNul, loneSurrogate]) {
        expect(response.status).toBe(422);
        expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      }
      const fields = (response: { body: unknown }) =>
        (response.body as { errors: Array<{ field: string; reason: string }> }).errors;
      expect(fields(rawNul)).toEqual([{ field: 'body', reason: expect.stringMatching(/NUL/) }]);
      expect(fields(escapedNul)).toEqual([
        { field: 'msg.checkpoints.0.message', reason: expect.stringMatching(/NUL/) },
      ]);
      expect(fields(loneSurrogate)).toEqual([
        { field: 'msg.checkpoints.0.message', reason: expect.stringMatching(/surrogate/) },
      ]);
      expect(await storedDeliveries()).toBe(before);
      expect(await unmatchedFor(number)).toBe(0);
    });

    it('dead-letters stored deliveries that cannot be applied, and applies the ones behind them meanwhile', async () => {
      const poisonedNumber = newUpsNumber();
      const poisoned = await register('ups', poisonedNumber);
      // Parses, but its scan holds a NUL that PostgreSQL refuses: every try fails inside its transaction.
      const refusedByDatabase = await storeDeliveryDirectly(
        Buffer.from(
          JSON.stringify(
            aggregatorWebhook(poisonedNumber, [
              checkpoint('InTransit', 'InTransit_001', hoursAgo(2), 'Picked up\u0000'),
            ]),
          ),
        ),
      );
      // Not JSON, and the parser's complaint quotes the NUL byte.
      const unparseable = await storeDeliveryDirectly(
        Buffer.from('{"event":"\u0000tracking_update"', 'utf8'),
      );
      const healthy = newUpsNumber();
      const { shipmentId } = await register('ups', healthy);

      await postAggregator(
        aggregatorWebhook(healthy, [checkpoint('InTransit', 'InTransit_001', hoursAgo(1), 'Picked up')]),
      );

      const applied = await eventually(
        async () => {
          const response = await shipment(shipmentId);
          return response.body.scans.length === 1 ? response.body : undefined;
        },
        { timeoutMs: 5_000, what: 'the healthy delivery applied' },
      );
      expect(applied.status.state).toBe('IN_TRANSIT');

      const givenUp = await eventually(async () => {
        const row = await deliveryRow(refusedByDatabase);
        return row?.status === 'DEAD_LETTERED' ? row : undefined;
      });
      expect(givenUp).toMatchObject({
        started_attempts: MAX_WEBHOOK_ATTEMPTS,
        finished_attempts: MAX_WEBHOOK_ATTEMPTS,
      });
      expect(givenUp.error).toMatch(/failed 5 times.*0x00/);
      const unreadable = await eventually(async () => {
        const row = await deliveryRow(unparseable);
        return row?.status === 'DEAD_LETTERED' ? row : undefined;
      });
      expect(unreadable.error).toMatch(/not JSON.*\\u0000/);
      expect((await shipment(poisoned.shipmentId)).body.scans).toHaveLength(0);

      for (const id of [refusedByDatabase, unparseable]) {
        const letter = await deadLetterOf(id);
        expect(letter?.topic).toBe(deadLetterTopic('carrier-ingest'));
        expect(letter?.headers['x-dead-letter-reason']).toBe((await deliveryRow(id))!.error);
      }
      expect((await deadLetterOf(unparseable))!.payload.toString('utf8')).toBe(
        '{"event":"\u0000tracking_update"',
      );
    });

    it('gives up a delivery whose tries keep starting and never finish', async () => {
      const number = newUpsNumber();
      const { shipmentId } = await register('ups', number);
      const crashing = await storeDeliveryDirectly(
        Buffer.from(
          JSON.stringify(
            aggregatorWebhook(number, [checkpoint('InTransit', 'InTransit_001', hoursAgo(1), 'Picked up')]),
          ),
        ),
        { started: MAX_WEBHOOK_ATTEMPTS, finished: 0 },
      );

      const row = await eventually(async () => {
        const current = await deliveryRow(crashing);
        return current?.status === 'DEAD_LETTERED' ? current : undefined;
      });
      expect(row.error).toMatch(/never finished/);
      expect((await shipment(shipmentId)).body.scans).toHaveLength(0);
      expect((await deadLetterOf(crashing))?.topic).toBe(deadLetterTopic('carrier-ingest'));
    });
  });

  describe('polling', () => {
    it('polls a registered shipment and stores the same scan once when it also arrives by webhook', async () => {
      const number = newUpsNumber();
      upsApi.answer(number, {
        status: 200,
        body: upsTrackResponse(number, [upsActivity(DEPARTED, '20261130', '143000')]),
      });
      const { shipmentId } = await register('ups', number);

      const polled = await shipmentWhen(shipmentId, (current) => current.scans.length === 1);
      expect(polled.scans[0]).toMatchObject({
        source: 'POLL',
        state: 'IN_TRANSIT',
        rawCode: 'DP',
        occurredAt: '2026-11-30T19:30:00.000Z',
      });
      expect(upsApi.requests.at(-1)!.headers.authorization).toBe('Bearer ups-token');

      await postUps({
        trackingNumber: number,
        localActivityDate: '20261130',
        localActivityTime: '143000',
        gmtActivityDate: '20261130',
        gmtActivityTime: '193000',
        activityLocation: { city: 'ATLANTA', stateProvince: 'GA', postalCode: '30301', country: 'US' },
        activityStatus: DEPARTED,
      });
      await eventually(async () => {
        const [row] = await env.app
          .get(DataSource)
          .query(
            `SELECT count(*)::int AS count FROM carrier_ingest.webhook_deliveries WHERE status = 'PROCESSED' AND convert_from(raw_body, 'UTF8') LIKE $1`,
            [`%${number}%`],
          );
        return row.count === 1;
      });
      expect((await shipment(shipmentId)).body.scans).toHaveLength(1);
    });

    it('retries a failing carrier API with backoff, and retrack polls on demand', async () => {
      const number = newUpsNumber();
      upsApi.answer(
        number,
        { status: 503, body: { response: { errors: [{ code: '10500', message: 'Service unavailable' }] } } },
        {
          status: 200,
          body: upsTrackResponse(number, [upsActivity(PICKED_UP, '20261130', '080000')]),
        },
      );
      const { shipmentId } = await register('ups', number);
      const polled = await shipmentWhen(shipmentId, (current) => current.scans.length === 1);
      expect(polled.status.state).toBe('PICKED_UP');
      expect(upsApi.requestsFor(number)).toBe(2);

      upsApi.answer(number, {
        status: 200,
        body: upsTrackResponse(number, [
          upsActivity(PICKED_UP, '20261130', '080000'),
          upsActivity(OUT_FOR_DELIVERY, '20261201', '060000'),
        ]),
      });
      const retrack = await env.request<{ newScans: number; shipment: ShipmentBody }>(
        'POST',
        `/v1/shipments/${shipmentId}/retrack`,
        {
          token: merchant,
        },
      );

      expect(retrack.status).toBe(200);
      expect(retrack.body.newScans).toBe(1);
      expect(retrack.body.shipment.status.state).toBe('OUT_FOR_DELIVERY');
    });

    it('turns a number the carrier does not know into NOT_RECOGNIZED after the grace period', async () => {
      const number = newUpsNumber();
      upsApi.answer(number, {
        status: 200,
        body: {
          trackResponse: {
            shipment: [
              {
                inquiryNumber: number,
                warnings: [{ code: 'TW0001', message: 'Tracking Information Not Found' }],
              },
            ],
          },
        },
      });
      const { shipmentId } = await register('ups', number);

      const body = await shipmentWhen(shipmentId, (current) => current.status.state === 'NOT_RECOGNIZED');
      expect(body.scans.at(-1)).toMatchObject({ source: 'SYSTEM', state: 'NOT_RECOGNIZED' });
      expect(body.validTracking).toBe(false);
    });

    it("refuses to retrack a carrier that is not polled, and another merchant's shipment", async () => {
      const { shipmentId } = await register('dhl', '3318810036');

      const notPolled = await env.request('POST', `/v1/shipments/${shipmentId}/retrack`, { token: merchant });
      const foreign = await env.request('POST', `/v1/shipments/${shipmentId}/retrack`, {
        token: await env.tokenFor('merchant', 'globex'),
      });

      expect(notPolled.status).toBe(409);
      expect(foreign.status).toBe(404);
    });
  });

  describe('silence and manual status', () => {
    it('raises "not picked up" for a label without a carrier scan, and EXPIRED after long silence', async () => {
      const waiting = await register('dhl', '8487135506', hoursAgo(72));
      const forgotten = await register('fedex', '449044304137821', hoursAgo(24 * 40));

      const notPickedUp = await shipmentWhen(
        waiting.shipmentId,
        (current) => current.status.state === 'EXCEPTION',
      );
      const expired = await shipmentWhen(
        forgotten.shipmentId,
        (current) => current.status.state === 'EXPIRED',
      );

      expect(notPickedUp.status.reason).toBe('CARRIER_DELAY');
      expect(notPickedUp.scans.at(-1)!.rawDescription).toMatch(/not picked up/);
      expect(expired.trackingClosedAt).not.toBeNull();
      expect(expired.nextPollAt).toBeNull();
    });

    it('records a status set by hand as MANUAL, publishes it, and keeps other merchants out', async () => {
      const number = newUpsNumber();
      const { shipmentId, orderId } = await register('ups', number);

      const response = await env.request<ShipmentBody>('POST', `/v1/shipments/${shipmentId}/status`, {
        token: merchant,
        body: { state: 'DELIVERED', note: 'buyer confirmed by phone; carrier shows nothing' },
      });
      const foreign = await env.request('POST', `/v1/shipments/${shipmentId}/status`, {
        token: await env.tokenFor('merchant', 'globex'),
        body: { state: 'DELIVERED', note: 'not mine' },
      });
      const invalid = await env.request<{ errors: Array<{ field: string }> }>(
        'POST',
        `/v1/shipments/${shipmentId}/status`,
        {
          token: merchant,
          body: { state: 'TELEPORTED' },
        },
      );

      expect(response.status).toBe(201);
      expect(response.body.status.state).toBe('DELIVERED');
      expect(response.body.scans.at(-1)).toMatchObject({
        source: 'MANUAL',
        note: 'buyer confirmed by phone; carrier shows nothing',
      });
      expect(foreign.status).toBe(404);
      expect(invalid.status).toBe(422);
      expect(invalid.body.errors.map((error) => error.field).sort()).toEqual(['note', 'state']);
      const tomorrow = await env.request<{ errors: Array<{ field: string; reason: string }> }>(
        'POST',
        `/v1/shipments/${shipmentId}/status`,
        {
          token: merchant,
          body: {
            state: 'OUT_FOR_DELIVERY',
            note: 'dated a day ahead by mistake',
            occurredAt: new Date(Date.now() + 24 * 60 * 60_000).toISOString(),
          },
        },
      );
      expect(tomorrow.status).toBe(422);
      expect(tomorrow.body.errors).toEqual([
        {
          field: 'occurredAt',
          reason: expect.stringMatching(/is in the future \(more than 5 minutes ahead/),
        },
      ]);
      const [event] = await scansTopic.waitFor((message) => message.key === orderId);
      expect(decodeEnvelope(event!.value)).toMatchObject({
        source: { service: 'carrier-ingest', upstream: `manual:merchant:${MERCHANT}` },
        payload: { value: { source: 'MANUAL', state: 'DELIVERED' } },
      });
    });
  });
});
