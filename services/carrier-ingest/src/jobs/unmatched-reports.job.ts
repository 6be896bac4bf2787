import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UnitOfWork } from '@tracking/db';
import { PeriodicTask } from '@tracking/errors';
import { CarrierIngestConfig } from '../config/carrier-ingest.config';
import { CarrierRepository } from '../persistence/carrier.repository';
import { RegisterShipmentUseCase } from '../use-cases/register-shipment.use-case';

// Numbers taken per tick: a bounded transaction, whatever the backlog.
const SWEEP_BATCH = 100;

/**
 * Applies reports still kept unmatched although their shipment exists now: a shipment written
 * without taking its number's lock (by hand, by an older replica during a rollout), or anything
 * else a registration missed. Registration's own code applies them, under the same number locks,
 * so replicas sweeping side by side take turns and the second finds nothing left to apply.
 */
@Injectable()
export class UnmatchedReportsJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(UnmatchedReportsJob.name);
  private readonly task: PeriodicTask;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: CarrierRepository,
    private readonly registerShipment: RegisterShipmentUseCase,
    config: CarrierIngestConfig,
  ) {
    this.task = new PeriodicTask(
      config.UNMATCHED_SWEEP_INTERVAL_MS,
      () => this.sweep(),
      (error) => this.log.error(`unmatched-report sweep failed; retrying next tick: ${String(error)}`),
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /** One bounded round; returns how many waiting reports were applied. */
  async sweep(now = new Date()): Promise<number> {
    const applied = await this.unitOfWork.run(async (tx) => {
      const numbers = await this.repository.unmatchedNumbersWithShipment(tx.manager, SWEEP_BATCH);
      return this.registerShipment.applyReportsWaitingFor(tx, numbers, now);
    });
    if (applied > 0)
      this.log.warn(`applied ${applied} carrier reports that had waited past their shipment's registration`);
    return applied;
  }
}
