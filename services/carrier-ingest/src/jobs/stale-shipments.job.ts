import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UnitOfWork } from '@tracking/db';
import { PeriodicTask } from '@tracking/errors';
import { CarrierIngestConfig } from '../config/carrier-ingest.config';
import type { ShipmentEntity } from '../persistence/entities';
import { CarrierRepository } from '../persistence/carrier.repository';
import { notRecognizedFact, ScanLedger, type RecordedFact } from '../use-cases/scan-ledger';

const SWEEP_BATCH = 200;

/**
 * What silence means: a number the carrier keeps not knowing becomes NOT_RECOGNIZED after the
 * grace period; a label with no carrier scan raises "not picked up"; no update at all for long
 * enough is EXPIRED, and tracking stops.
 */
@Injectable()
export class StaleShipmentsJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(StaleShipmentsJob.name);
  private readonly task: PeriodicTask;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: CarrierRepository,
    private readonly ledger: ScanLedger,
    private readonly config: CarrierIngestConfig,
  ) {
    this.task = new PeriodicTask(
      config.STALE_SWEEP_INTERVAL_MS,
      () => this.sweep(),
      (error) => this.log.error(`stale-shipment sweep failed; retrying next tick: ${String(error)}`),
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  async sweep(now = new Date()): Promise<number> {
    const cutoffs = {
      notRecognized: new Date(now.getTime() - this.config.NOT_RECOGNIZED_GRACE_MS),
      notPickedUp: new Date(now.getTime() - this.config.NOT_PICKED_UP_AFTER_MS),
      expired: new Date(now.getTime() - this.config.EXPIRED_AFTER_MS),
    };
    let total = 0;
    for (;;) {
      const handled = await this.unitOfWork.run(async (tx) => {
        const candidates = await this.repository.staleCandidates(tx.manager, cutoffs, SWEEP_BATCH);
        let changed = 0;
        for (const shipment of candidates) {
          const facts = this.factsFor(shipment, cutoffs, now);
          if (facts.length === 0) continue;
          if (facts.some((fact) => fact.dedupeKey === 'system:not-picked-up'))
            shipment.notPickedUpRaisedAt = now;
          await this.ledger.applyFacts(tx, shipment, facts, now);
          changed += 1;
        }
        return { candidates: candidates.length, changed };
      });
      total += handled.changed;
      // A full batch that changed nothing would come back unchanged: stop rather than spin.
      if (handled.candidates < SWEEP_BATCH || handled.changed === 0) return total;
    }
  }

  private factsFor(
    shipment: ShipmentEntity,
    cutoffs: { notRecognized: Date; notPickedUp: Date; expired: Date },
    now: Date,
  ): RecordedFact[] {
    const facts: RecordedFact[] = [];
    if (shipment.lastUpdateAt <= cutoffs.expired) {
      const days = Math.round(this.config.EXPIRED_AFTER_MS / 86_400_000);
      facts.push({
        dedupeKey: 'system:expired',
        source: 'SYSTEM',
        state: 'EXPIRED',
        rawCode: 'EXPIRED',
        rawDescription: `no update from ${shipment.carrier.toUpperCase()} since ${shipment.lastUpdateAt.toISOString()} (${days} days)`,
        occurredAt: now,
      });
      return facts;
    }
    if (shipment.notFoundSince && shipment.notFoundSince <= cutoffs.notRecognized && !shipment.firstScanAt) {
      facts.push(notRecognizedFact(shipment, now));
    }
    if (
      !shipment.firstScanAt &&
      !shipment.notPickedUpRaisedAt &&
      shipment.registeredAt <= cutoffs.notPickedUp
    ) {
      facts.push({
        dedupeKey: 'system:not-picked-up',
        source: 'SYSTEM',
        state: 'EXCEPTION',
        reason: 'CARRIER_DELAY',
        rawCode: 'NOT_PICKED_UP',
        rawDescription: `not picked up: no ${shipment.carrier.toUpperCase()} scan since the label was created at ${shipment.registeredAt.toISOString()}`,
        occurredAt: now,
      });
    }
    return facts;
  }
}
