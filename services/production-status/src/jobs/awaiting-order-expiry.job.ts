import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UnitOfWork } from '@tracking/db';
import { PeriodicTask } from '@tracking/errors';
import { ProductionStatusConfig } from '../config/production-status.config';
import { ProductionLedger } from '../use-cases/production-ledger';

const SWEEP_BATCH = 500;

/**
 * Settles early reports: applies those whose order is known by now, dead-letters those whose order
 * never arrived. A failed sweep is logged and tried again
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

  /**
   * Settles waiting reports until none is left to settle: applies those whose order is known by
   * now and dead-letters those whose order never arrived. Returns what it did.
   */
  async sweep(now = new Date()): Promise<{ released: number; deadLettered: number }> {
    const total = { released: 0, deadLettered: 0 };
    for (;;) {
      const settled = await this.unitOfWork.run((tx) =>
        this.ledger.settleAwaiting(tx, this.config.AWAITING_ORDER_TIMEOUT_MS, SWEEP_BATCH, now),
      );
      total.released += settled.released;
      total.deadLettered += settled.deadLettered;
      if (settled.released + settled.deadLettered === 0) break;
    }
    if (total.released > 0) {
      this.log.warn(
        `applied ${total.released} production reports whose order arrived while they were stored`,
      );
    }
    if (total.deadLettered > 0) {
      this.log.warn(`dead-lettered ${total.deadLettered} production reports that could not be applied`);
    }
    return total;
  }
}
