import { Injectable } from '@nestjs/common';
import { lockNames, rowsOf } from '@tracking/db';
import { In, type EntityManager } from 'typeorm';
import {
  CARRIER_INGEST_SCHEMA,
  ScanEntity,
  ShipmentEntity,
  UnmatchedReportEntity,
  WebhookDeliveryEntity,
  type DeliveryStatus,
} from './entities';

/**
 * The name every path that creates a shipment or applies a carrier report by tracking number
 * locks. A row lock cannot do it: while a shipment is being registered its row is not visible to
 * anyone else, so a report arriving then would be kept unmatched, and the registration would not
 * see that report either. Reports match shipments on the normalized number alone (an aggregator
 * reports under its own id for many carriers), so the lock is on the number alone too.
 */
export function trackingNumberLockName(trackingNumber: string): string {
  return `${CARRIER_INGEST_SCHEMA}:tracking-number:${trackingNumber}`;
}

interface UnmatchedReportRecord {
  id: string;
  carrier: string;
  tracking_number: string;
  source: UnmatchedReportEntity['source'];
  report: UnmatchedReportEntity['report'];
  received_at: Date;
}

interface DeliveryRecord {
  id: string;
  carrier: string;
  replay_key: string;
  raw_body: Buffer;
  headers: Record<string, string>;
  received_at: Date;
  status: DeliveryStatus;
  started_attempts: number;
  finished_attempts: number;
  locked_until: Date | null;
  error: string | null;
  processed_at: Date | null;
}

const SHIPMENTS = `${CARRIER_INGEST_SCHEMA}.shipments`;
const DELIVERIES = `${CARRIER_INGEST_SCHEMA}.webhook_deliveries`;
const UNMATCHED = `${CARRIER_INGEST_SCHEMA}.unmatched_reports`;

@Injectable()
export class CarrierRepository {
  /**
   * Held until the transaction ends; take it before reading shipments or unmatched reports for
   * these numbers, and before any row lock, so every path locks in the same order.
   */
  lockTrackingNumbers(manager: EntityManager, trackingNumbers: Iterable<string>): Promise<void> {
    return lockNames(manager, [...trackingNumbers].map(trackingNumberLockName));
  }

  /** Inserts a shipment unless registered already; returns it locked either way. */
  async insertShipmentIfAbsent(manager: EntityManager, shipment: ShipmentEntity): Promise<ShipmentEntity> {
    await manager.createQueryBuilder().insert().into(ShipmentEntity).values(shipment).orIgnore().execute();
    return (await this.lockShipment(manager, shipment.shipmentId))!;
  }

  lockShipment(manager: EntityManager, shipmentId: string): Promise<ShipmentEntity | null> {
    return manager.findOne(ShipmentEntity, { where: { shipmentId }, lock: { mode: 'pessimistic_write' } });
  }

  findShipment(manager: EntityManager, shipmentId: string): Promise<ShipmentEntity | null> {
    return manager.findOne(ShipmentEntity, { where: { shipmentId } });
  }

  /**
   * Live shipments with this number, locked, in a fixed order so concurrent reports cannot
   * deadlock. Matched on the number alone: an aggregator reports for many carriers, and a
   * normalized number names one parcel whichever carrier is asked.
   */
  lockShipmentsByNumbers(
    manager: EntityManager,
    trackingNumbers: readonly string[],
  ): Promise<ShipmentEntity[]> {
    if (trackingNumbers.length === 0) return Promise.resolve([]);
    return manager
      .createQueryBuilder(ShipmentEntity, 's')
      .where('s.trackingNumber IN (:...trackingNumbers) AND s.voidedAt IS NULL', {
        trackingNumbers: [...new Set(trackingNumbers)],
      })
      .orderBy('s.shipmentId')
      .setLock('pessimistic_write')
      .getMany();
  }

  async saveShipment(manager: EntityManager, shipment: ShipmentEntity): Promise<void> {
    await manager.save(ShipmentEntity, shipment);
  }

  scansOf(manager: EntityManager, shipmentId: string): Promise<ScanEntity[]> {
    return manager.find(ScanEntity, {
      where: { shipmentId },
      order: { occurredAt: 'ASC', recordedAt: 'ASC' },
    });
  }

  /** Inserts scans not seen before (by shipment and dedupe key); returns the ids inserted. */
  async insertScans(manager: EntityManager, scans: readonly ScanEntity[]): Promise<Set<string>> {
    if (scans.length === 0) return new Set();
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(ScanEntity)
      .values([...scans])
      .orIgnore()
      // TypeORM would copy the returned ids onto the values by position, so with skipped rows a
      // duplicate would take a new row's id: the caller reads `raw` instead.
      .updateEntity(false)
      .returning(['id'])
      .execute();
    return new Set((result.raw as Array<{ id: string }>).map((row) => row.id));
  }

  /** False when this (carrier, replay key) was stored before: a replayed delivery. */
  async insertDelivery(manager: EntityManager, delivery: WebhookDeliveryEntity): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(WebhookDeliveryEntity)
      .values(delivery)
      .orIgnore()
      // TypeORM would copy the returned ids onto the values by position, so with skipped rows a
      // duplicate would take a new row's id: the caller reads `raw` instead.
      .updateEntity(false)
      .returning(['id'])
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  /**
   * Claims up to `limit` stored webhooks, oldest first, in one statement that also counts the try
   * as started and leases the delivery for `leaseMs`. The count commits before the try runs, so a
   * try that fails inside its own transaction, or kills its worker, is counted all the same.
   * SKIP LOCKED lets replicas claim side by side; the lease keeps a claimed delivery from being
   * taken again while its try runs, and runs out if the worker dies.
   */
  async claimDeliveries(
    manager: EntityManager,
    limit: number,
    leaseMs: number,
  ): Promise<WebhookDeliveryEntity[]> {
    const records = await rowsOf<DeliveryRecord>(
      manager,
      `WITH candidates AS (
         SELECT id FROM ${DELIVERIES}
          WHERE status = 'RECEIVED' AND (locked_until IS NULL OR locked_until <= now())
          ORDER BY received_at
          LIMIT $1
          FOR UPDATE SKIP LOCKED)
       UPDATE ${DELIVERIES} d
          SET started_attempts = d.started_attempts + 1,
              locked_until = now() + make_interval(secs => $2::double precision / 1000)
         FROM candidates c
        WHERE d.id = c.id
       RETURNING d.*`,
      [limit, leaseMs],
    );
    return records.map(toDelivery).sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  }

  /** Ends a try for good: processed, or dead-lettered with why. */
  async finishDelivery(
    manager: EntityManager,
    id: string,
    status: Exclude<DeliveryStatus, 'RECEIVED'>,
    error: string | null,
  ): Promise<void> {
    await manager.query(
      `UPDATE ${DELIVERIES}
          SET status = $2, error = $3, processed_at = now(), locked_until = NULL,
              finished_attempts = finished_attempts + 1
        WHERE id = $1`,
      [id, status, error],
    );
  }

  /** Ends a failed try; the delivery is not claimed again before `retryAfterMs` has passed. */
  async recordDeliveryFailure(
    manager: EntityManager,
    id: string,
    error: string,
    retryAfterMs: number,
  ): Promise<void> {
    await manager.query(
      `UPDATE ${DELIVERIES}
          SET error = $2, finished_attempts = finished_attempts + 1,
              locked_until = now() + make_interval(secs => $3::double precision / 1000)
        WHERE id = $1`,
      [id, error, retryAfterMs],
    );
  }

  findDelivery(manager: EntityManager, id: string): Promise<WebhookDeliveryEntity | null> {
    return manager.findOne(WebhookDeliveryEntity, { where: { id } });
  }

  async insertUnmatched(manager: EntityManager, reports: readonly UnmatchedReportEntity[]): Promise<void> {
    if (reports.length === 0) return;
    await manager.insert(UnmatchedReportEntity, [...reports]);
  }

  /** Takes (and removes) the reports that were waiting for these numbers' shipments, oldest first. */
  async takeUnmatched(
    manager: EntityManager,
    trackingNumbers: readonly string[],
  ): Promise<UnmatchedReportEntity[]> {
    if (trackingNumbers.length === 0) return [];
    const records = await rowsOf<UnmatchedReportRecord>(
      manager,
      `DELETE FROM ${UNMATCHED} WHERE tracking_number = ANY($1::text[]) RETURNING *`,
      [[...new Set(trackingNumbers)]],
    );
    return records
      .map((record) =>
        Object.assign(new UnmatchedReportEntity(), {
          id: record.id,
          carrier: record.carrier,
          trackingNumber: record.tracking_number,
          source: record.source,
          report: record.report,
          receivedAt: record.received_at,
        } satisfies UnmatchedReportEntity),
      )
      .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  }

  /**
   * Numbers with reports still waiting although a live shipment has the number now: what a
   * registration should have applied. Oldest first, so a backlog is worked off in order.
   */
  async unmatchedNumbersWithShipment(manager: EntityManager, limit: number): Promise<string[]> {
    const records = await rowsOf<{ tracking_number: string }>(
      manager,
      `SELECT u.tracking_number FROM ${UNMATCHED} u
        WHERE EXISTS (SELECT 1 FROM ${SHIPMENTS} s
                       WHERE s.tracking_number = u.tracking_number AND s.voided_at IS NULL)
        GROUP BY u.tracking_number
        ORDER BY min(u.received_at)
        LIMIT $1`,
      [limit],
    );
    return records.map((record) => record.tracking_number);
  }

  /**
   * Shipments due for a poll, leased for `leaseMs` so another replica does not poll them too;
   * a replica that dies mid-poll loses its lease and the shipment comes due again.
   */
  async leaseDueForPoll(
    manager: EntityManager,
    carriers: readonly string[],
    now: Date,
    limit: number,
    leaseMs: number,
  ): Promise<ShipmentEntity[]> {
    if (carriers.length === 0) return [];
    const due = await manager
      .createQueryBuilder(ShipmentEntity, 's')
      .where('s.nextPollAt <= :now AND s.trackingClosedAt IS NULL AND s.carrier IN (:...carriers)', {
        now,
        carriers: [...carriers],
      })
      .orderBy('s.nextPollAt')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
    if (due.length > 0) {
      await manager.update(
        ShipmentEntity,
        { shipmentId: In(due.map((shipment) => shipment.shipmentId)) },
        { nextPollAt: new Date(now.getTime() + leaseMs) },
      );
    }
    return due;
  }

  /** Open shipments whose state may need a system scan (not recognized, not picked up, expired). */
  staleCandidates(
    manager: EntityManager,
    cutoffs: { notRecognized: Date; notPickedUp: Date; expired: Date },
    limit: number,
  ): Promise<ShipmentEntity[]> {
    return manager
      .createQueryBuilder(ShipmentEntity, 's')
      .where('s.trackingClosedAt IS NULL')
      .andWhere(
        `((s.notFoundSince IS NOT NULL AND s.notFoundSince <= :notRecognized AND s.firstScanAt IS NULL AND s.state <> 'NOT_RECOGNIZED')
          OR (s.firstScanAt IS NULL AND s.notPickedUpRaisedAt IS NULL AND s.registeredAt <= :notPickedUp)
          OR (s.lastUpdateAt <= :expired))`,
        cutoffs,
      )
      .orderBy('s.lastUpdateAt')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
  }
}

function toDelivery(record: DeliveryRecord): WebhookDeliveryEntity {
  return Object.assign(new WebhookDeliveryEntity(), {
    id: record.id,
    carrier: record.carrier,
    replayKey: record.replay_key,
    rawBody: record.raw_body,
    headers: record.headers,
    receivedAt: record.received_at,
    status: record.status,
    startedAttempts: record.started_attempts,
    finishedAttempts: record.finished_attempts,
    lockedUntil: record.locked_until,
    error: record.error,
    processedAt: record.processed_at,
  } satisfies WebhookDeliveryEntity);
}
