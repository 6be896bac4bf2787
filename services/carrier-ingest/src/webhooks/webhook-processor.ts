import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { type TransactionContext, UnitOfWork } from '@tracking/db';
import { PeriodicTask } from '@tracking/errors';
import { CarrierPayloadError, type CarrierAdapter, type TrackingReport } from '../carriers/carrier-adapter';
import { CARRIER_ADAPTERS } from '../carriers/carrier-adapters.provider';
import { CarrierIngestConfig } from '../config/carrier-ingest.config';
import { carrierMetrics } from '../domain/metrics';
import { UnmatchedReportEntity, type ScanSource, type WebhookDeliveryEntity } from '../persistence/entities';
import { CarrierRepository } from '../persistence/carrier.repository';
import { ScanLedger } from '../use-cases/scan-ledger';

// A delivery that keeps failing for reasons other than its content (a bug, a constraint) is
// dead-lettered after this many tries instead of blocking the ones behind it forever.
const MAX_ATTEMPTS = 5;

/**
 * Turns stored webhooks into scans, after the carrier has had its 2xx. Woken right after a
 * delivery commits and also on a timer, so deliveries stored before a restart are processed too.
 * Each delivery is its own transaction: one bad delivery never holds up the others.
 */
@Injectable()
export class WebhookProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(WebhookProcessor.name);
  private readonly task: PeriodicTask;
  private stopped = false;

  constructor(
    @Inject(CARRIER_ADAPTERS) private readonly adapters: ReadonlyMap<string, CarrierAdapter>,
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: CarrierRepository,
    private readonly ledger: ScanLedger,
    private readonly config: CarrierIngestConfig,
  ) {
    this.task = new PeriodicTask(
      config.WEBHOOK_PROCESS_INTERVAL_MS,
      () => this.drain(),
      (error) => this.log.error(`processing stored webhooks failed; retrying: ${String(error)}`),
    );
  }

  onApplicationBootstrap(): void {
    // Deliveries stored before a restart are processed straight away.
    this.task.start({ runNow: true });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.task.stop();
  }

  wake(): void {
    this.task.wake();
  }

  /** Processes stored deliveries until none is waiting; returns how many were taken. */
  async drain(): Promise<number> {
    // Several deliveries at once, each in its own transaction: SKIP LOCKED hands them out, and
    // deliveries about one shipment still apply one after another on its row lock. One at a time
    // left the database waiting on commits and kept up with about a hundred scans a second.
    const lanes =
      this.config.DATABASE_POOL_SIZE > 2
        ? Math.min(this.config.WEBHOOK_PROCESS_CONCURRENCY, this.config.DATABASE_POOL_SIZE - 2)
        : 1;
    const taken = await Promise.all(
      Array.from({ length: lanes }, async () => {
        let count = 0;
        while (!this.stopped && (await this.processNext())) count += 1;
        return count;
      }),
    );
    return taken.reduce((sum, count) => sum + count, 0);
  }

  private async processNext(): Promise<boolean> {
    let failed: { delivery: WebhookDeliveryEntity; error: unknown } | undefined;
    const claimed = await this.unitOfWork
      .run(async (tx) => {
        const [delivery] = await this.repository.claimDeliveries(tx.manager, 1);
        if (!delivery) return false;
        const adapter = this.adapters.get(delivery.carrier);
        let reports: TrackingReport[];
        try {
          if (!adapter)
            throw new CarrierPayloadError(delivery.carrier, 'no adapter for this carrier any more');
          reports = adapter.parseWebhook({ rawBody: delivery.rawBody, headers: delivery.headers });
        } catch (error) {
          if (!(error instanceof CarrierPayloadError)) throw error;
          await this.repository.markDelivery(
            tx.manager,
            delivery.id,
            'DEAD_LETTERED',
            error.message,
            new Date(),
          );
          tx.afterCommit(() =>
            carrierMetrics.webhooks().inc({ carrier: delivery.carrier, outcome: 'dead_lettered' }),
          );
          this.log.warn(`dead-lettered webhook ${delivery.id} from ${delivery.carrier}: ${error.message}`);
          return true;
        }
        try {
          for (const report of reports) await this.applyReport(tx, delivery.carrier, report, 'WEBHOOK');
        } catch (error) {
          failed = { delivery, error };
          throw error;
        }
        await this.repository.markDelivery(tx.manager, delivery.id, 'PROCESSED', null, new Date());
        tx.afterCommit(() =>
          carrierMetrics.webhooks().inc({ carrier: delivery.carrier, outcome: 'processed' }),
        );
        return true;
      })
      .catch(async (error: unknown) => {
        if (!failed) throw error;
        await this.recordFailure(failed.delivery, failed.error);
        return true;
      });
    return claimed;
  }

  /** Applies a report to the shipments with its number, or keeps it until one is registered. */
  async applyReport(
    tx: TransactionContext,
    carrier: string,
    report: TrackingReport,
    source: ScanSource,
  ): Promise<void> {
    const shipments = await this.repository.lockShipmentsByNumber(tx.manager, report.trackingNumber);
    if (shipments.length === 0) {
      await this.repository.insertUnmatched(
        tx.manager,
        Object.assign(new UnmatchedReportEntity(), {
          id: randomUUID(),
          carrier,
          trackingNumber: report.trackingNumber,
          source,
          report,
          receivedAt: new Date(),
        } satisfies UnmatchedReportEntity),
      );
      return;
    }
    for (const shipment of shipments) await this.ledger.applyReport(tx, shipment, report, source);
  }

  private async recordFailure(delivery: WebhookDeliveryEntity, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    const giveUp = delivery.attempts + 1 >= MAX_ATTEMPTS;
    await this.unitOfWork.run((tx) =>
      this.repository.markDelivery(
        tx.manager,
        delivery.id,
        giveUp ? 'DEAD_LETTERED' : 'RECEIVED',
        reason,
        new Date(),
      ),
    );
    this.log.error(
      `webhook ${delivery.id} from ${delivery.carrier} failed (attempt ${delivery.attempts + 1}): ${reason}`,
    );
  }
}
