import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { TransactionContext } from '@tracking/db';
import {
  reduceShipment,
  type CanonicalReasonCode,
  type CanonicalState,
  type TrackingEvent,
} from '@tracking/events';
import { OutboxWriter } from '@tracking/kafka';
import type { NormalizedScan, TrackingReport } from '../carriers/carrier-adapter';
import { CARRIER_SETTINGS, type CarrierSettings } from '../config/carrier-settings';
import { CarrierIngestConfig } from '../config/carrier-ingest.config';
import { scanRecordedEvent } from '../domain/carrier-events';
import { carrierMetrics } from '../domain/metrics';
import { nextPollAt, scanDedupeKey, trackingIsClosed } from '../domain/tracking-rules';
import { ScanEntity, type ScanSource, type ShipmentEntity } from '../persistence/entities';
import { CarrierRepository } from '../persistence/carrier.repository';

/** A scan this service writes itself, not read from a carrier. */
export interface RecordedFact {
  dedupeKey: string;
  source: ScanSource;
  state: CanonicalState;
  reason?: CanonicalReasonCode;
  rawCode: string;
  rawDescription: string;
  occurredAt: Date;
  note?: string;
  recordedBy?: string;
}

const CARRIER_SOURCES: ReadonlySet<ScanSource> = new Set(['WEBHOOK', 'POLL']);

/**
 * The one place scans become state: stores the new ones (a scan already known by its dedupe key
 * is skipped), lets the shared reducer decide the shipment's status from all of them, updates
 * what tracking needs next (polling cadence, not-found clock, closing), and appends one
 * carrier.scan-recorded per new scan to the outbox in the caller's transaction.
 */
@Injectable()
export class ScanLedger {
  constructor(
    private readonly repository: CarrierRepository,
    private readonly outbox: OutboxWriter,
    private readonly config: CarrierIngestConfig,
    @Inject(CARRIER_SETTINGS) private readonly carriers: ReadonlyMap<string, CarrierSettings>,
  ) {}

  /** Applies what a carrier said; returns the scans that were new. */
  async applyReport(
    tx: TransactionContext,
    shipment: ShipmentEntity,
    report: TrackingReport,
    source: ScanSource,
    now = new Date(),
  ): Promise<ScanEntity[]> {
    const scans = report.scans.map((scan) => this.carrierScan(shipment, scan, source, now));
    if (report.notFound && report.scans.length === 0 && !shipment.firstScanAt) {
      shipment.notFoundSince ??= now;
      if (now.getTime() - shipment.notFoundSince.getTime() >= this.config.NOT_RECOGNIZED_GRACE_MS) {
        scans.push(this.fact(shipment, notRecognizedFact(shipment, now), now));
      }
    }
    return this.record(tx, shipment, scans, now);
  }

  /** Records facts the service or a person states: manual status, not recognized, not picked up, expired. */
  async applyFacts(
    tx: TransactionContext,
    shipment: ShipmentEntity,
    facts: readonly RecordedFact[],
    now = new Date(),
  ): Promise<ScanEntity[]> {
    return this.record(
      tx,
      shipment,
      facts.map((fact) => this.fact(shipment, fact, now)),
      now,
    );
  }

  private async record(
    tx: TransactionContext,
    shipment: ShipmentEntity,
    candidates: ScanEntity[],
    now: Date,
  ): Promise<ScanEntity[]> {
    const inserted = await this.repository.insertScans(tx.manager, candidates);
    const fresh = candidates.filter((scan) => inserted.has(scan.id));
    const hadScan = shipment.firstScanAt !== null;
    const freshFromCarrier = fresh.filter((scan) => CARRIER_SOURCES.has(scan.source));
    if (freshFromCarrier.length > 0) {
      shipment.notFoundSince = null;
      shipment.lastUpdateAt = now;
      const earliest = Math.min(...freshFromCarrier.map((scan) => scan.occurredAt.getTime()));
      if (!shipment.firstScanAt || earliest < shipment.firstScanAt.getTime())
        shipment.firstScanAt = new Date(earliest);
    }
    if (fresh.length > 0) await this.updateStatus(tx, shipment);

    const closed = shipment.voidedAt !== null || trackingIsClosed(shipment.state);
    if (closed) shipment.trackingClosedAt ??= now;
    const polling = this.carriers.get(shipment.carrier)?.polling ?? false;
    shipment.nextPollAt = polling ? nextPollAt({ ...shipment, closed }, now) : null;
    await this.repository.saveShipment(tx.manager, shipment);
    await this.outbox.append(
      tx,
      fresh.map((scan) => scanRecordedEvent(shipment, scan)),
    );
    const carrier = shipment.carrier;
    tx.afterCommit(() => {
      const counter = carrierMetrics.scans();
      for (const scan of fresh) counter.inc({ carrier, source: scan.source, state: scan.state });
      if (!hadScan && shipment.firstScanAt && shipment.numberValid)
        carrierMetrics.validTracking().inc({ carrier });
    });
    return fresh;
  }

  /** The shared reducer decides, over every scan the shipment has, as every consumer would. */
  private async updateStatus(tx: TransactionContext, shipment: ShipmentEntity): Promise<void> {
    const all = await this.repository.scansOf(tx.manager, shipment.shipmentId);
    const facts: TrackingEvent[] = [
      {
        eventId: `${shipment.shipmentId}:registered`,
        state: 'PACKED',
        occurredAt: shipment.registeredAt.toISOString(),
        recordedAt: shipment.registeredAt.toISOString(),
        shipmentId: shipment.shipmentId,
      },
      ...all.map((scan) => ({
        eventId: scan.id,
        state: scan.state as CanonicalState,
        ...(scan.reason ? { reason: scan.reason as CanonicalReasonCode } : {}),
        occurredAt: scan.occurredAt.toISOString(),
        recordedAt: scan.recordedAt.toISOString(),
        shipmentId: shipment.shipmentId,
        source: scan.source,
      })),
    ];
    const status = reduceShipment(shipment.shipmentId, facts);
    if (!status) return;
    shipment.state = status.state;
    shipment.stateReason = status.activeException?.reason ?? null;
    shipment.stateOccurredAt = new Date(status.occurredAt);
  }

  private carrierScan(
    shipment: ShipmentEntity,
    scan: NormalizedScan,
    source: ScanSource,
    now: Date,
  ): ScanEntity {
    return Object.assign(new ScanEntity(), {
      id: randomUUID(),
      shipmentId: shipment.shipmentId,
      dedupeKey: scanDedupeKey({ ...scan, trackingNumber: shipment.trackingNumber }),
      source,
      state: scan.state,
      reason: scan.reason ?? null,
      rawCode: scan.rawCode,
      rawDescription: scan.rawDescription,
      occurredAt: new Date(scan.occurredAt),
      occurredAtText: scan.occurredAtText,
      occurredAtResolution: scan.occurredAtResolution,
      location: scan.location ?? null,
      proofOfDelivery: scan.proofOfDelivery ?? null,
      carrierEventId: scan.carrierEventId ?? null,
      carrierEstimatedDelivery: scan.carrierEstimatedDelivery
        ? new Date(scan.carrierEstimatedDelivery)
        : null,
      note: null,
      recordedBy: null,
      recordedAt: now,
    } satisfies ScanEntity);
  }

  private fact(shipment: ShipmentEntity, fact: RecordedFact, now: Date): ScanEntity {
    return Object.assign(new ScanEntity(), {
      id: randomUUID(),
      shipmentId: shipment.shipmentId,
      dedupeKey: fact.dedupeKey,
      source: fact.source,
      state: fact.state,
      reason: fact.reason ?? null,
      rawCode: fact.rawCode,
      rawDescription: fact.rawDescription,
      occurredAt: fact.occurredAt,
      occurredAtText: fact.occurredAt.toISOString(),
      occurredAtResolution: 'offset',
      location: null,
      proofOfDelivery: null,
      carrierEventId: null,
      carrierEstimatedDelivery: null,
      note: fact.note ?? null,
      recordedBy: fact.recordedBy ?? null,
      recordedAt: now,
    } satisfies ScanEntity);
  }
}

export function notRecognizedFact(shipment: ShipmentEntity, now: Date): RecordedFact {
  return {
    dedupeKey: 'system:not-recognized',
    source: 'SYSTEM',
    state: 'NOT_RECOGNIZED',
    rawCode: 'NOT_RECOGNIZED',
    rawDescription: `${shipment.carrier.toUpperCase()} does not recognize tracking number ${shipment.trackingNumber}`,
    occurredAt: now,
  };
}
