import { Injectable } from '@nestjs/common';
import { trackingTokenHash, type EventEnvelope } from '@tracking/events';
import { advisoryLockKey, orderLockName } from '@tracking/db';
import type { EntityManager } from 'typeorm';
import { TRACKING_API_SCHEMA } from './database';
import type { PublicView } from '../domain/order-projection';
import { withBuyerGreeting, withoutPersonalData, type BuyerGreeting } from '../domain/personal-data';

/**
 * The buyer's greeting of an order, as the columns of buyer_contacts joined in as `c` (null when
 * none is known, or the buyer was erased).
 */
export const GREETING_COLUMNS = `c.first_name AS greeting_first_name, c.city AS greeting_city`;
export const GREETING_JOIN = `LEFT JOIN tracking_api.buyer_contacts c ON c.order_id = o.order_id`;

export interface GreetingColumns {
  greeting_first_name: string | null;
  greeting_city: string | null;
}

/** The greeting selected by GREETING_COLUMNS. */
export function greetingOf(row: GreetingColumns): BuyerGreeting | null {
  return row.greeting_first_name === null
    ? null
    : { firstName: row.greeting_first_name, city: row.greeting_city ?? '' };
}

export interface ProjectedStatus {
  state: string;
  statusVersion: number;
  stateReason: string | null;
}

export interface OrderRow {
  order_id: string;
  merchant_id: string;
  external_order_id: string;
  state: string;
  status_version: number;
  public_view: PublicView;
}

export interface OrderRecord {
  orderId: string;
  merchantId: string;
  externalOrderId: string;
  /** Null only for an order published before the hash travelled in order.received. */
  trackingTokenHash: string | null;
  storefrontPlatform: string;
  placedAt: Date;
  receivedAt: Date;
  fulfillmentCentreId: string | null;
  promisedDeliveryDate: string | null;
  buyerLocale: string;
  destinationCountry: string;
  state: string;
  stateReason: string | null;
  stateOccurredAt: Date;
  milestone: string | null;
  milestones: Record<string, string>;
  exception: unknown;
  packedAt: Date | null;
  firstCarrierScanAt: Date | null;
  deliveredAt: Date | null;
  lastEventAt: Date;
  etaFrom: Date | null;
  etaTo: Date | null;
  firstEtaTo: Date | null;
  carriers: string[];
  validTracking: boolean;
  publicView: PublicView;
}

const ORDER_COLUMNS: Array<[keyof OrderRecord, string, string?]> = [
  ['orderId', 'order_id'],
  ['merchantId', 'merchant_id'],
  ['externalOrderId', 'external_order_id'],
  ['trackingTokenHash', 'tracking_token_hash'],
  ['storefrontPlatform', 'storefront_platform'],
  ['placedAt', 'placed_at'],
  ['receivedAt', 'received_at'],
  ['fulfillmentCentreId', 'fulfillment_centre_id'],
  ['promisedDeliveryDate', 'promised_delivery_date'],
  ['buyerLocale', 'buyer_locale'],
  ['destinationCountry', 'destination_country'],
  ['state', 'state'],
  ['stateReason', 'state_reason'],
  ['stateOccurredAt', 'state_occurred_at'],
  ['milestone', 'milestone'],
  ['milestones', 'milestones', 'jsonb'],
  ['exception', 'exception', 'jsonb'],
  ['packedAt', 'packed_at'],
  ['firstCarrierScanAt', 'first_carrier_scan_at'],
  ['deliveredAt', 'delivered_at'],
  ['lastEventAt', 'last_event_at'],
  ['etaFrom', 'eta_from'],
  ['etaTo', 'eta_to'],
  ['firstEtaTo', 'first_eta_to'],
  ['carriers', 'carriers', 'text[]'],
  ['validTracking', 'valid_tracking'],
  ['publicView', 'public_view', 'jsonb'],
];

@Injectable()
export class ReadModelRepository {
  /**
   * Serializes everything done for one order until the transaction ends. Its facts arrive on
   * several topics, consumed concurrently: without this, two transactions could each miss the
   * other's uncommitted fact and one projection would lose it. A row lock cannot do it, as the
   * row may not exist yet. The rebuild turns it off: it holds the tables themselves.
   */
  protected serializesOrders = true;

  /**
   * Takes the order's lock and stores a consumed event, in one round trip; false if the event was
   * stored before (a replay of the same fact).
   */
  async insertEvent(manager: EntityManager, event: EventEnvelope): Promise<boolean> {
    const serialized = this.serializesOrders
      ? `(SELECT pg_advisory_xact_lock($11::bigint)) AS serialized`
      : `(SELECT $11::bigint) AS serialized`;
    const rows: unknown[] = await manager.query(
      `INSERT INTO tracking_api.events (event_id, order_id, merchant_id, shipment_id, type, occurred_at, recorded_at,
         source_service, upstream, envelope)
       SELECT $1::uuid, $2::uuid, $3::text, $4::uuid, $5::text, $6::timestamptz, $7::timestamptz, $8::text,
              $9::text, $10::jsonb
         FROM ${serialized}
       ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [
        event.eventId,
        event.orderId,
        event.merchantId,
        event.shipmentId ?? null,
        event.type,
        event.occurredAt ?? event.recordedAt,
        event.recordedAt ?? event.occurredAt,
        event.source?.service ?? '',
        event.source?.upstream ?? '',
        JSON.stringify(event),
        // The name every consumer path of this service already holds for the order: one lock, not two.
        advisoryLockKey(orderLockName(TRACKING_API_SCHEMA, event.orderId)),
      ],
    );
    return rows.length > 0;
  }

  /**
   * Takes the personal data out of a fact just stored if its order's buyer was erased: facts keep
   * arriving from topics kept for good after an erasure (late, redelivered, or replayed by a
   * rebuild). A statement of its own, after insertEvent took the order's lock, so it sees an
   * erasure committed while it waited.
   */
  async scrubIfErased(manager: EntityManager, event: EventEnvelope): Promise<void> {
    await manager.query(
      `UPDATE tracking_api.events SET envelope = $2::jsonb
        WHERE event_id = $1 AND EXISTS (SELECT 1 FROM tracking_api.buyer_erasures WHERE order_id = $3)`,
      [event.eventId, JSON.stringify(withoutPersonalData(event)), event.orderId],
    );
  }

  async eventsOf(manager: EntityManager, orderId: string): Promise<EventEnvelope[]> {
    const rows: Array<{ envelope: EventEnvelope }> = await manager.query(
      `SELECT envelope FROM tracking_api.events WHERE order_id = $1 ORDER BY occurred_at, event_id`,
      [orderId],
    );
    return rows.map((row) => row.envelope);
  }

  /**
   * The order's current status and view version (null before its first projection) and all of its
   * facts in the order they happened, in one round trip. No row lock: insertEvent's lock already
   * keeps every other projection of the order out until this transaction ends.
   */
  async orderWithFacts(
    manager: EntityManager,
    orderId: string,
  ): Promise<{ previous: ProjectedStatus | null; events: EventEnvelope[] }> {
    const rows: Array<{
      state: string | null;
      status_version: number | null;
      state_reason: string | null;
      events: EventEnvelope[];
    }> = await manager.query(
      `SELECT o.state, o.status_version, o.state_reason,
              (SELECT coalesce(json_agg(e.envelope ORDER BY e.occurred_at, e.event_id), '[]'::json)
                 FROM tracking_api.events e WHERE e.order_id = $1) AS events
         FROM (VALUES (1)) AS one LEFT JOIN tracking_api.orders o ON o.order_id = $1`,
      [orderId],
    );
    const row = rows[0]!;
    return {
      previous:
        row.state === null
          ? null
          : { state: row.state, statusVersion: row.status_version!, stateReason: row.state_reason },
      events: row.events,
    };
  }

  /**
   * Writes the whole projection of an order (insert or replace) and keeps this version of its
   * view for live streams to resume from, in one round trip.
   */
  async saveOrder(manager: EntityManager, record: OrderRecord, statusVersion: number): Promise<void> {
    const values = ORDER_COLUMNS.map(([key, , type]) => {
      const value = record[key];
      return type === 'jsonb' ? (value === null ? null : JSON.stringify(value)) : value;
    });
    const columns = ORDER_COLUMNS.map(([, column]) => column);
    const placeholders = ORDER_COLUMNS.map(([, , type], index) => `$${index + 1}${type ? `::${type}` : ''}`);
    const updates = columns
      .filter((column) => column !== 'order_id')
      .map((column) => `${column} = EXCLUDED.${column}`);
    const version = `$${values.length + 1}`;
    const state = `$${ORDER_COLUMNS.findIndex(([key]) => key === 'state') + 1}`;
    const view = `$${ORDER_COLUMNS.findIndex(([key]) => key === 'publicView') + 1}`;
    await manager.query(
      `WITH saved AS (
         INSERT INTO tracking_api.orders (${columns.join(', ')}, status_version, updated_at)
         VALUES (${placeholders.join(', ')}, ${version}, now())
         ON CONFLICT (order_id) DO UPDATE SET ${updates.join(', ')}, status_version = EXCLUDED.status_version,
           updated_at = now()
         RETURNING order_id)
       INSERT INTO tracking_api.status_changes (order_id, version, state, public_view)
       SELECT order_id, ${version}, ${state}, ${view}::jsonb FROM saved
       ON CONFLICT (order_id, version) DO NOTHING`,
      [...values, statusVersion],
    );
  }

  async findByToken(manager: EntityManager, token: string): Promise<OrderRow | null> {
    const rows: Array<OrderRow & GreetingColumns> = await manager.query(
      `SELECT o.order_id, o.merchant_id, o.external_order_id, o.state, o.status_version, o.public_view,
              ${GREETING_COLUMNS}
         FROM tracking_api.orders o ${GREETING_JOIN} WHERE o.tracking_token_hash = $1`,
      [trackingTokenHash(token)],
    );
    const row = rows[0];
    if (!row) return null;
    const { greeting_first_name: _name, greeting_city: _city, ...order } = row;
    return { ...order, public_view: withBuyerGreeting(row.public_view, greetingOf(row)) };
  }

  async currentView(
    manager: EntityManager,
    orderId: string,
  ): Promise<{ version: number; view: PublicView } | null> {
    const rows: Array<{ status_version: number; public_view: PublicView } & GreetingColumns> =
      await manager.query(
        `SELECT o.status_version, o.public_view, ${GREETING_COLUMNS}
           FROM tracking_api.orders o ${GREETING_JOIN} WHERE o.order_id = $1`,
        [orderId],
      );
    const row = rows[0];
    return row
      ? { version: row.status_version, view: withBuyerGreeting(row.public_view, greetingOf(row)) }
      : null;
  }

  async changesSince(
    manager: EntityManager,
    orderId: string,
    version: number,
  ): Promise<Array<{ version: number; view: PublicView }>> {
    // The greeting as it is now, not as it was: an erased buyer's name is not in any past version.
    const rows: Array<{ version: number; public_view: PublicView } & GreetingColumns> = await manager.query(
      `SELECT o.version, o.public_view, ${GREETING_COLUMNS}
         FROM tracking_api.status_changes o ${GREETING_JOIN}
        WHERE o.order_id = $1 AND o.version > $2 ORDER BY o.version`,
      [orderId, version],
    );
    return rows.map((row) => ({
      version: row.version,
      view: withBuyerGreeting(row.public_view, greetingOf(row)),
    }));
  }
}
