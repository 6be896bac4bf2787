import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import {
  ScanEntity,
  ShipmentEntity,
  UnmatchedReportEntity,
  WebhookDeliveryEntity,
  type DeliveryStatus,
} from './entities';

@Injectable()
export class CarrierRepository {
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
  lockShipmentsByNumber(manager: EntityManager, trackingNumber: string): Promise<ShipmentEntity[]> {
    return manager
      .createQueryBuilder(ShipmentEntity, 's')
      .where('s.trackingNumber = :trackingNumber AND s.voidedAt IS NULL', { trackingNumber })
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

  /** Stored webhooks to process, oldest first; replicas take different ones. */
  claimDeliveries(manager: EntityManager, limit: number): Promise<WebhookDeliveryEntity[]> {
    return manager
      .createQueryBuilder(WebhookDeliveryEntity, 'd')
      .where('d.status = :status', { status: 'RECEIVED' satisfies DeliveryStatus })
      .orderBy('d.receivedAt')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
  }

  async markDelivery(
    manager: EntityManager,
    id: string,
    status: DeliveryStatus,
    error: string | null,
    at: Date,
  ): Promise<void> {
    await manager.update(
      WebhookDeliveryEntity,
      { id },
      { status, error, processedAt: status === 'RECEIVED' ? null : at, attempts: () => 'attempts + 1' },
    );
  }

  findDelivery(manager: EntityManager, id: string): Promise<WebhookDeliveryEntity | null> {
    return manager.findOne(WebhookDeliveryEntity, { where: { id } });
  }

  async insertUnmatched(manager: EntityManager, report: UnmatchedReportEntity): Promise<void> {
    await manager.insert(UnmatchedReportEntity, report);
  }

  /** Takes (and removes) the reports that were waiting for this number's shipment. */
  async takeUnmatched(manager: EntityManager, trackingNumber: string): Promise<UnmatchedReportEntity[]> {
    const waiting = await manager.find(UnmatchedReportEntity, {
      where: { trackingNumber },
      order: { receivedAt: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    if (waiting.length > 0)
      await manager.delete(UnmatchedReportEntity, { id: In(waiting.map((report) => report.id)) });
    return waiting;
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
