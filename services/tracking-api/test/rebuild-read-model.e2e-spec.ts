import { randomUUID } from 'node:crypto';
import { TOPICS, type EventEnvelope } from '@tracking/events';
import { kafkaConnectionSettings } from '@tracking/kafka';
import { createTestEnvironment, eventually, type TestEnvironment } from '@tracking/testing';
import { DataSource } from 'typeorm';
import { createTrackingApiApp } from '../src/bootstrap';
import { TrackingApiConfig } from '../src/config/tracking-api.config';
import { ETA_SETTINGS, type EtaSettings } from '../src/domain/eta-settings';
import { rebuildReadModel, RebuildRefusedError } from '../src/use-cases/rebuild-read-model';
import {
  ago,
  buyerContactRecorded,
  buyerErased,
  carrierScan,
  DAY,
  HOUR,
  newOrder,
  notificationDispatched,
  orderCancelled,
  orderReceived,
  productionStep,
  publish,
  shipmentRegistered,
} from './support/tracking-facts';

interface Snapshot {
  /** Every column of each order but updated_at and status_version (see below). */
  orders: unknown[];
  events: unknown[];
  versions: Map<string, number>;
}

describe('tracking-api read model rebuild', () => {
  let env: TestEnvironment<TrackingApiConfig>;
  let dataSource: DataSource;
  const merchantId = `rebuild-${randomUUID().slice(0, 8)}`;
  const delivered = newOrder({ merchantId });
  const inTransit = newOrder({ merchantId });
  const held = newOrder({ merchantId });
  const withdrawn = newOrder({ merchantId });
  const justPlaced = newOrder({ merchantId });
  // Facts whose order.received never came: they wait in events, in both read models.
  const orphan = newOrder({ merchantId });
  const projected = [delivered, inTransit, held, withdrawn, justPlaced];
  let published: EventEnvelope[];

  beforeAll(async () => {
    env = await createTestEnvironment({ configClass: TrackingApiConfig, createApp: createTrackingApiApp });
    dataSource = env.app.get(DataSource);
    const at = (hours: number) => ago(hours * HOUR);
    const duplicated = carrierScan(inTransit, at(20), 'IN_TRANSIT', { city: 'Da Nang', via: 'POLL' });
    const byTopic = {
      scans: [
        carrierScan(delivered, at(50), 'PICKED_UP'),
        carrierScan(delivered, at(30), 'OUT_FOR_DELIVERY'),
        carrierScan(delivered, at(26), 'DELIVERED'),
        carrierScan(inTransit, at(30), 'PICKED_UP'),
        duplicated,
        carrierScan(held, at(24), 'EXCEPTION', { reason: 'CUSTOMS_HOLD', description: 'Held in customs' }),
        carrierScan(orphan, at(10), 'PICKED_UP'),
      ],
      shipments: [
        shipmentRegistered(delivered, at(60)),
        shipmentRegistered(inTransit, at(40)),
        shipmentRegistered(held, at(48)),
      ],
      production: [
        productionStep(delivered, at(70), 'PRODUCTION_STARTED'),
        productionStep(delivered, at(61), 'PACKED'),
        productionStep(withdrawn, at(5), 'PRODUCTION_STARTED'),
      ],
      orders: [
        orderReceived(delivered, at(96)),
        orderReceived(inTransit, at(72)),
        orderReceived(held, at(72), {
          promisedDeliveryDate: ago(-5 * DAY)
            .toISOString()
            .slice(0, 10),
        }),
        orderReceived(withdrawn, at(8)),
        orderCancelled(withdrawn, at(4)),
        orderReceived(justPlaced, at(1)),
      ],
      notifications: [
        notificationDispatched(delivered, at(25), {
          channel: 'EMAIL',
          outcome: 'SENT',
          detail: 'delivered',
          triggerState: 'DELIVERED',
        }),
      ],
    };
    // Scans before their shipments before their orders: each order's facts overtake it, and the
    // service consumes the topics concurrently in whatever order the broker hands them over.
    await publish(
      env.kafka,
      ...byTopic.scans,
      duplicated,
      ...byTopic.shipments,
      ...byTopic.production,
      ...byTopic.orders,
      ...byTopic.notifications,
    );
    published = Object.values(byTopic).flat();
    await eventually(
      async () => {
        const [row] = await dataSource.query<Array<{ events: string }>>(
          `SELECT count(*) AS events FROM tracking_api.events WHERE merchant_id = $1 AND event_id = ANY($2::uuid[])`,
          [merchantId, published.map((event) => event.eventId)],
        );
        return Number(row?.events) === new Set(published.map((event) => event.eventId)).size;
      },
      { what: 'every fact projected by the running service' },
    );
    // Greetings and an erasure, on the buyer-contacts topic, which a rebuild does not replay.
    const contacts = [
      buyerContactRecorded(inTransit),
      buyerContactRecorded(delivered),
      buyerErased(delivered),
    ];
    await publish(env.kafka, ...contacts);
    await eventually(
      async () => {
        const rows = await dataSource.query<unknown[]>(
          `SELECT 1 FROM tracking_api.inbox WHERE event_id = ANY($1::uuid[])`,
          [contacts.map((event) => event.eventId)],
        );
        return rows.length === contacts.length;
      },
      { what: 'the greetings and the erasure consumed' },
    );
  });

  afterAll(() => env?.close());

  /**
   * updated_at is when the row was written, and status_version counts the projections the row
   * went through, which depends on the order facts arrived in; a rebuild sets each order's
   * version one past the old one instead (asserted below). Everything else must be equal.
   */
  async function snapshot(): Promise<Snapshot> {
    const orders = await dataSource.query<Array<{ row: unknown }>>(
      `SELECT to_jsonb(o) - 'updated_at' - 'status_version' AS row FROM tracking_api.orders o
        WHERE merchant_id = $1 ORDER BY order_id`,
      [merchantId],
    );
    // Only the facts published here: other tests' services share the topics (a notification
    // service under test reports on every order it sees), and may add facts about these orders.
    const events = await dataSource.query<Array<{ row: unknown }>>(
      `SELECT to_jsonb(e) - 'consumed_at' AS row FROM tracking_api.events e
        WHERE merchant_id = $1 AND event_id = ANY($2::uuid[]) ORDER BY event_id`,
      [merchantId, published.map((event) => event.eventId)],
    );
    const versions = await dataSource.query<Array<{ order_id: string; status_version: number }>>(
      `SELECT order_id, status_version FROM tracking_api.orders WHERE merchant_id = $1`,
      [merchantId],
    );
    return {
      orders: orders.map(({ row }) => row),
      events: events.map(({ row }) => row),
      versions: new Map(versions.map((row) => [row.order_id, row.status_version])),
    };
  }

  function rebuild(allowLoss = false) {
    return rebuildReadModel({
      dataSource,
      kafka: kafkaConnectionSettings(env.config),
      eta: env.app.get<EtaSettings>(ETA_SETTINGS),
      config: env.config,
      allowLoss,
      idleTimeoutMs: 20_000,
    });
  }

  /** What this service queued for publishing about the orders: the status topic is shared by every test's service. */
  async function announcedAbout(orders: Array<{ orderId: string }>): Promise<number> {
    const [row] = await dataSource.query<Array<{ events: string }>>(
      `SELECT count(*) AS events FROM tracking_api.outbox WHERE segment = ANY($1::text[])`,
      [orders.map((order) => order.orderId)],
    );
    return Number(row?.events);
  }

  it('refuses to drop a fact the topics no longer hold, and leaves the read model as it was', async () => {
    const before = await snapshot();
    const lost = { ...orderReceived(newOrder({ merchantId }), ago(HOUR)) };
    await dataSource.query(
      `INSERT INTO tracking_api.events (event_id, order_id, merchant_id, type, occurred_at, recorded_at, source_service, upstream, envelope)
       VALUES ($1, $2, $3, $4, $5, $6, 'order-intake', '', $7)`,
      [
        lost.eventId,
        lost.orderId,
        merchantId,
        lost.type,
        lost.occurredAt,
        lost.recordedAt,
        JSON.stringify(lost),
      ],
    );

    await expect(rebuild()).rejects.toBeInstanceOf(RebuildRefusedError);

    const [kept] = await dataSource.query<Array<{ events: string }>>(
      `SELECT count(*) AS events FROM tracking_api.events WHERE event_id = $1`,
      [lost.eventId],
    );
    expect(Number(kept?.events)).toBe(1);
    await dataSource.query(`DELETE FROM tracking_api.events WHERE event_id = $1`, [lost.eventId]);
    const after = await snapshot();
    expect(after.orders).toEqual(before.orders);
    expect(after.versions).toEqual(before.versions);
  });

  it('replays the topics from the beginning into an empty read model and ends with the same state', async () => {
    const before = await snapshot();
    expect(before.orders).toHaveLength(projected.length);
    await dataSource.query(
      `INSERT INTO tracking_api.feedback (order_id, rating, comment, submitted_at) VALUES ($1, 5, 'knew where it was', now())`,
      [delivered.orderId],
    );
    const announced = await announcedAbout(projected);
    expect(announced).toBeGreaterThanOrEqual(projected.length);

    const result = await rebuild();

    const after = await snapshot();
    expect(after.orders).toEqual(before.orders);
    expect(after.events).toEqual(before.events);
    for (const order of projected) {
      expect(after.versions.get(order.orderId)).toBe(before.versions.get(order.orderId)! + 1);
    }
    // One status change per order, the rebuilt view: what a stream resuming from any older id gets next.
    const changes = await dataSource.query<Array<{ order_id: string; version: number }>>(
      `SELECT order_id, version FROM tracking_api.status_changes WHERE order_id = ANY($1::uuid[]) ORDER BY order_id`,
      [projected.map((order) => order.orderId)],
    );
    expect(changes).toEqual(
      [...after.versions.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([orderId, version]) => ({ order_id: orderId, version })),
    );
    const feedback = await dataSource.query(`SELECT rating FROM tracking_api.feedback WHERE order_id = $1`, [
      delivered.orderId,
    ]);
    expect(feedback).toEqual([{ rating: 5 }]);
    // The greeting it could not read again is kept; the erased buyer's proof of delivery, replayed
    // from the carrier topic, was scrubbed again (the facts compared equal above).
    const greetings = await dataSource.query(
      `SELECT order_id, first_name FROM tracking_api.buyer_contacts WHERE order_id = ANY($1::uuid[])`,
      [[inTransit.orderId, delivered.orderId]],
    );
    expect(greetings).toEqual([{ order_id: inTransit.orderId, first_name: 'Linh' }]);
    expect(JSON.stringify(after.events)).not.toContain('NGUYEN THI LINH');
    expect(result.lost).toBe(0);
    expect(result.after.events).toBeGreaterThanOrEqual(result.before.events);
    expect(result.after.awaitingOrder).toBeGreaterThanOrEqual(1);
    expect(result.topics[TOPICS.carrierScans]).toBeGreaterThanOrEqual(8);
    expect(result.topics[TOPICS.notifications]).toBeGreaterThanOrEqual(1);

    // Nothing is announced again: the status changes were published when they happened.
    expect(await announcedAbout(projected)).toBe(announced);
  });

  it('lets the running service go on projecting what arrives after the rebuild', async () => {
    const before = await snapshot();
    await publish(env.kafka, carrierScan(inTransit, ago(HOUR), 'OUT_FOR_DELIVERY'));

    const state = await eventually(async () => {
      const [row] = await dataSource.query<Array<{ state: string; status_version: number }>>(
        `SELECT state, status_version FROM tracking_api.orders WHERE order_id = $1`,
        [inTransit.orderId],
      );
      return row?.state === 'OUT_FOR_DELIVERY' ? row : undefined;
    });
    expect(state.status_version).toBe(before.versions.get(inTransit.orderId)! + 1);
  });
});
