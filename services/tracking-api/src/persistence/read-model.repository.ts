import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@tracking/events';
import type { EntityManager } from 'typeorm';
import type { PublicView } from '../domain/order-projection';

/** Tokens are stored hashed: the read model can find an order by token but never hands one out. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
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
  trackingTokenHash: string;
  storefrontPlatform: string;
  placedAt: Date;
  receivedAt: Date;
  fulfillmentCentreId: string | null;
  promisedDeliveryDate: string | null;
  buyerFirstName: string;
  buyerLocale: string;
  destinationCity: string;
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
  ['buyerFirstName', 'buyer_first_name'],
  ['buyerLocale', 'buyer_locale'],
  ['destinationCity', 'destination_city'],
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
  /** Stores a consumed event; false if it was stored before (a replay of the same fact). */
  async insertEvent(manager: EntityManager, event: EventEnvelope): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO tracking_api.events (event_id, order_id, merchant_id, shipment_id, type, occurred_at, recorded_at,
         source_service, upstream, envelope)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
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
      ],
    );
    return rows.length > 0;
  }

  async eventsOf(manager: EntityManager, orderId: string): Promise<EventEnvelope[]> {
    const rows: Array<{ envelope: EventEnvelope }> = await manager.query(
      `SELECT envelope FROM tracking_api.events WHERE order_id = $1 ORDER BY occurred_at, event_id`,
      [orderId],
    );
    return rows.map((row) => row.envelope);
  }

  /**
   * Serializes everything done for one order until the transaction ends. Its facts arrive on
   * several topics, consumed concurrently: without this, two transactions could each miss the
   * other's uncommitted fact and one projection would lose it. A row lock cannot do it, as the
   * row may not exist yet.
   */
  async lockOrderFacts(manager: EntityManager, orderId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `tracking-api:order:${orderId}`,
    ]);
  }

  /** The order's current status and view version, if it has been projected before. */
  async lockOrder(
    manager: EntityManager,
    orderId: string,
  ): Promise<{
    state: string;
    statusVersion: number;
    exception: unknown;
    stateReason: string | null;
  } | null> {
    const rows: Array<{
      state: string;
      status_version: number;
      exception: unknown;
      state_reason: string | null;
    }> = await manager.query(
      `SELECT state, status_version, exception, state_reason FROM tracking_api.orders WHERE order_id = $1 FOR UPDATE`,
      [orderId],
    );
    const row = rows[0];
    return row
      ? {
          state: row.state,
          statusVersion: row.status_version,
          exception: row.exception,
          stateReason: row.state_reason,
        }
      : null;
  }

  /** Writes the whole projection of an order (insert or replace). */
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
    await manager.query(
      `INSERT INTO tracking_api.orders (${columns.join(', ')}, status_version, updated_at)
       VALUES (${placeholders.join(', ')}, $${values.length + 1}, now())
       ON CONFLICT (order_id) DO UPDATE SET ${updates.join(', ')}, status_version = EXCLUDED.status_version, updated_at = now()`,
      [...values, statusVersion],
    );
  }

  async recordStatusChange(
    manager: EntityManager,
    orderId: string,
    version: number,
    state: string,
    view: PublicView,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO tracking_api.status_changes (order_id, version, state, public_view) VALUES ($1, $2, $3, $4)
       ON CONFLICT (order_id, version) DO NOTHING`,
      [orderId, version, state, JSON.stringify(view)],
    );
  }

  async findByToken(manager: EntityManager, token: string): Promise<OrderRow | null> {
    const rows: OrderRow[] = await manager.query(
      `SELECT order_id, merchant_id, external_order_id, state, status_version, public_view
         FROM tracking_api.orders WHERE tracking_token_hash = $1`,
      [tokenHash(token)],
    );
    return rows[0] ?? null;
  }

  async currentView(
    manager: EntityManager,
    orderId: string,
  ): Promise<{ version: number; view: PublicView } | null> {
    const rows: Array<{ status_version: number; public_view: PublicView }> = await manager.query(
      `SELECT status_version, public_view FROM tracking_api.orders WHERE order_id = $1`,
      [orderId],
    );
    return rows[0] ? { version: rows[0].status_version, view: rows[0].public_view } : null;
  }

  async changesSince(
    manager: EntityManager,
    orderId: string,
    version: number,
  ): Promise<Array<{ version: number; view: PublicView }>> {
    const rows: Array<{ version: number; public_view: PublicView }> = await manager.query(
      `SELECT version, public_view FROM tracking_api.status_changes WHERE order_id = $1 AND version > $2 ORDER BY version`,
      [orderId, version],
    );
    return rows.map((row) => ({ version: row.version, view: row.public_view }));
  }
}
