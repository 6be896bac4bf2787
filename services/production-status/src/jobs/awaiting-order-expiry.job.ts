import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UnitOfWork } from '@tracking/db';
import { PeriodicTask } from '@tracking/errors';
import { ProductionStatusConfig } from '../config/production-status.config';
import { ProductionLedger } from '../use-cases/production-ledger';

const SWEEP_BATCH = 500;

/**
 * Dead-letters early reports whose order never arrived. A failed sweep is logged and tried again
 * on the next tick: the reports stay waiting, nothing is lost.
 */
@Injectable()
export class AwaitingOrderExpiryJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(AwaitingOrderExpiryJob.name);
  private readonly task: PeriodicTask;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly ledger: ProductionLedger,
    private readonly config: ProductionStatusConfig,
  ) {
    this.task = new PeriodicTask(
      config.AWAITING_ORDER_SWEEP_INTERVAL_MS,
      () => this.sweep(),
      (error) =>
        this.log.error(`sweep of reports awaiting their order failed; retrying next tick: ${String(error)}`),
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /** Sweeps until nothing expired is left; returns how many reports were dead-lettered. */
  async sweep(now = new Date()): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await this.unitOfWork.run((tx) =>
        this.ledger.deadLetterExpired(tx, this.config.AWAITING_ORDER_TIMEOUT_MS, SWEEP_BATCH, now),
      );
      total += count;
      if (count < SWEEP_BATCH) break;
    }
    if (total > 0) this.log.warn(`dead-lettered ${total} production reports whose order never arrived`);
    return total;
  }
}
