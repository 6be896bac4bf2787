import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { type TransactionContext, UnitOfWork } from '@tracking/db';
import { backoffDelay, PeriodicTask, type ErrorCode } from '@tracking/errors';
import { errorCodeOf, OutboxWriter } from '@tracking/kafka';
import { storableText } from '@tracking/http';
import { CarrierPayloadError, type CarrierAdapter, type TrackingReport } from '../carriers/carrier-adapter';
import { CARRIER_ADAPTERS } from '../carriers/carrier-adapters.provider';
import { CarrierIngestConfig } from '../config/carrier-ingest.config';
import { carrierMetrics } from '../domain/metrics';

import { UnmatchedReportEntity, type ScanSource, type WebhookDeliveryEntity } from '../persistence/entities';
import { CarrierRepository } from '../persistence/carrier.repository';
import { ScanLedger } from '../use-cases/scan-ledger';

// A delivery whose tries keep failing for reasons other than its content (content the database
// refuses, a bug, a worker that dies on it) is dead-lettered after this many, instead of coming
// back for good.
export const MAX_WEBHOOK_ATTEMPTS = 5;
// A claimed delivery is not claimed again for this long unless its try ends first; it only runs
// out when the worker died mid-try.
const CLAIM_LEASE_MS = 60_000;

/**
 * Turns stored webhooks into scans, after the carrier has had its 2xx. Woken right after a
 * delivery commits and also on a timer, so deliveries stored before a restart are processed too.
 * Each delivery is its own transaction: one bad delivery never holds up the others. A try is
 * counted before it starts, in a transaction of its own, so a delivery that fails inside its
 * transaction, or takes its worker down, is still counted and given up after the limit.
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
    private readonly outbox: OutboxWriter,
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

  /** Processes stored deliveries until none is waiting; returns how many tries were made. */
  async drain(): Promise<number> {
    // Several deliveries at once, each in its own transaction, claimed together in one
    // statement; deliveries about one shipment still apply one after another on its number's
    // lock. One at a time left the database waiting on commits and kept up with about a hundred
    // scans a second.
    const lanes =
      this.config.DATABASE_POOL_SIZE > 2
        ? Math.min(this.config.WEBHOOK_PROCESS_CONCURRENCY, this.config.DATABASE_POOL_SIZE - 2)
        : 1;
    let tried = 0;
    while (!this.stopped) {
      const claimed = await this.unitOfWork.run((tx) =>
        this.repository.claimDeliveries(tx.manager, lanes, CLAIM_LEASE_MS),
      );
      if (claimed.length === 0) break;
      await Promise.all(claimed.map((delivery) => this.tryDelivery(delivery)));
      tried += claimed.length;
    }
    return tried;
  }

  /** Applies reports to the shipments with their numbers, or keeps them until one is registered. */
  async applyReports(
    tx: TransactionContext,
    carrier: string,
    reports: readonly TrackingReport[],
    source: ScanSource,
  ): Promise<void> {
    const numbers = reports.map((report) => report.trackingNumber);
    // Before the shipments are read: a registration of one of these numbers that is still open
    // commits first and its shipment is found, instead of the report being kept unmatched where
    // that registration will not look again.
    await this.repository.lockTrackingNumbers(tx.manager, numbers);
    const shipments = await this.repository.lockShipmentsByNumbers(tx.manager, numbers);
    const receivedAt = new Date();
    const unmatched = reports
      .filter((report) => !shipments.some((shipment) => shipment.trackingNumber === report.trackingNumber))
      .map((report) =>
        Object.assign(new UnmatchedReportEntity(), {
          id: randomUUID(),
          carrier,
          trackingNumber: report.trackingNumber,
          source,
          report,
          receivedAt,
        } satisfies UnmatchedReportEntity),
      );
    await this.repository.insertUnmatched(tx.manager, unmatched);
    for (const report of reports) {
      for (const shipment of shipments) {
        if (shipment.trackingNumber === report.trackingNumber)
          await this.ledger.applyReport(tx, shipment, report, source);
      }
    }
  }

  private async tryDelivery(delivery: WebhookDeliveryEntity): Promise<void> {
    try {
      if (delivery.startedAttempts > MAX_WEBHOOK_ATTEMPTS) {
        // The limit was reached without a try ending in failure, so tries died with their worker.
        const tries = delivery.startedAttempts - 1;
        await this.deadLetter(
          delivery,
          `gave up after ${tries} tries, ${tries - delivery.finishedAttempts} of which never finished` +
            (delivery.error ? `; last error: ${delivery.error}` : ''),
          'INTERNAL',
        );
        return;
      }
      try {
        await this.process(delivery);
      } catch (error) {
        await this.recordFailure(delivery, error);
      }
    } catch (error) {
      // Not even the outcome could be written (the database went away): the lease runs out and
      // the delivery is tried again, counted as a try that never finished.
      this.log.error(`recording the outcome of webhook ${delivery.id} failed: ${String(error)}`);
    }
  }

  private async process(delivery: WebhookDeliveryEntity): Promise<void> {
    await this.unitOfWork.run(async (tx) => {
      const adapter = this.adapters.get(delivery.carrier);
      if (!adapter) throw new CarrierPayloadError(delivery.carrier, 'no adapter for this carrier any more');
      const reports = adapter.parseWebhook({ rawBody: delivery.rawBody, headers: delivery.headers });
      await this.applyReports(tx, delivery.carrier, reports, 'WEBHOOK');
      await this.repository.finishDelivery(tx.manager, delivery.id, 'PROCESSED', null);
      tx.afterCommit(() =>
        carrierMetrics.webhooks().inc({ carrier: delivery.carrier, outcome: 'processed' }),
      );
    });
  }

  private async recordFailure(delivery: WebhookDeliveryEntity, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    // A payload the adapter cannot read will not read better next time.
    if (error instanceof CarrierPayloadError) {
      await this.deadLetter(delivery, reason, 'VALIDATION_FAILED');
      return;
    }
    if (delivery.startedAttempts >= MAX_WEBHOOK_ATTEMPTS) {
      await this.deadLetter(
        delivery,
        `failed ${delivery.startedAttempts} times; last error: ${reason}`,
        errorCodeOf(error),
      );
      return;
    }
    // Backing off keeps a failing delivery from taking a processor's turn every tick.
    const retryAfterMs = backoffDelay(delivery.startedAttempts, {
      initialDelayMs: this.config.WEBHOOK_PROCESS_INTERVAL_MS,
      maxDelayMs: CLAIM_LEASE_MS,
    });
    await this.unitOfWork.run((tx) =>
      this.repository.recordDeliveryFailure(tx.manager, delivery.id, storableText(reason), retryAfterMs),
    );
    this.log.error(
      `webhook ${delivery.id} from ${delivery.carrier} failed (attempt ${delivery.startedAttempts}), ` +
        `retrying in ${retryAfterMs} ms: ${storableText(reason)}`,
    );
  }

  /**
   * Gives a delivery up: marked DEAD_LETTERED with the reason, and its raw body sent to the
   * service's dead-letter topic, in one transaction of its own (the one that failed is gone). The
   * reason quotes the bad input at times, so it is made storable first; the body travels as bytes.
   */
  private async deadLetter(
    delivery: WebhookDeliveryEntity,
    reason: string,
    errorCode: ErrorCode,
  ): Promise<void> {
    const storable = storableText(reason);
    await this.unitOfWork.run(async (tx) => {
      await this.repository.finishDelivery(tx.manager, delivery.id, 'DEAD_LETTERED', storable);
      await this.outbox.appendDeadLetters(tx, [
        {
          id: delivery.id,
          key: delivery.id,
          value: delivery.rawBody,
          headers: {
            ...delivery.headers,
            'x-carrier': delivery.carrier,
            'x-webhook-delivery-id': delivery.id,
          },
          cause: {
            reason: storable,
            errorCode,
            originalTopic: `http:/v1/carriers/${delivery.carrier}/webhooks`,
          },
        },
      ]);
      tx.afterCommit(() =>
        carrierMetrics.webhooks().inc({ carrier: delivery.carrier, outcome: 'dead_lettered' }),
      );
    });
    this.log.warn(`dead-lettered webhook ${delivery.id} from ${delivery.carrier}: ${storable}`);
  }
}
