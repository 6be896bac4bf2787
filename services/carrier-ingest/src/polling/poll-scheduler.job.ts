import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { UnitOfWork } from '@tracking/db';
import { backoffDelay, PeriodicTask } from '@tracking/errors';
import { CarrierIngestConfig } from '../config/carrier-ingest.config';
import { CARRIER_SETTINGS, type CarrierSettings } from '../config/carrier-settings';
import type { ShipmentEntity } from '../persistence/entities';
import { CarrierRepository } from '../persistence/carrier.repository';
import { PollShipmentUseCase } from '../use-cases/poll-shipment.use-case';

/**
 * Polls the shipments that are due, for carriers configured for polling. Due shipments are
 * leased in the database, so replicas split the work and a crashed replica's lease runs out.
 */
@Injectable()
export class PollSchedulerJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(PollSchedulerJob.name);
  private readonly task: PeriodicTask;
  private readonly pollingCarriers: string[];

  constructor(
    @Inject(CARRIER_SETTINGS) settings: ReadonlyMap<string, CarrierSettings>,
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: CarrierRepository,
    private readonly pollShipment: PollShipmentUseCase,
    private readonly config: CarrierIngestConfig,
  ) {
    this.pollingCarriers = [...settings.values()]
      .filter((carrier) => carrier.polling)
      .map((carrier) => carrier.id);
    this.task = new PeriodicTask(
      config.POLL_TICK_MS,
      () => this.tick(),
      (error) => this.log.error(`polling round failed; retrying next tick: ${String(error)}`),
    );
  }

  onApplicationBootstrap(): void {
    if (this.pollingCarriers.length > 0) this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /** One round: lease what is due and poll it; returns how many shipments were polled. */
  async tick(now = new Date()): Promise<number> {
    const leaseMs = this.config.POLL_TIMEOUT_MS * this.config.POLL_MAX_ATTEMPTS + 60_000;
    const due = await this.unitOfWork.run((tx) =>
      this.repository.leaseDueForPoll(
        tx.manager,
        this.pollingCarriers,
        now,
        this.config.POLL_BATCH_SIZE,
        leaseMs,
      ),
    );
    // Carriers are independent; within one, the rate limiter paces the requests.
    const byCarrier = new Map<string, ShipmentEntity[]>();
    for (const shipment of due)
      byCarrier.set(shipment.carrier, [...(byCarrier.get(shipment.carrier) ?? []), shipment]);
    await Promise.all(
      [...byCarrier.values()].map(async (shipments) => {
        for (const shipment of shipments) await this.pollOne(shipment);
      }),
    );
    return due.length;
  }

  private async pollOne(shipment: ShipmentEntity): Promise<void> {
    try {
      await this.pollShipment.execute(shipment.shipmentId, 'POLL');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // Backs off per shipment too, so one number the carrier chokes on is not retried every tick.
      await this.unitOfWork.run(async (tx) => {
        const locked = await this.repository.lockShipment(tx.manager, shipment.shipmentId);
        if (!locked || locked.trackingClosedAt) return;
        locked.pollFailures += 1;
        locked.lastPollError = reason.slice(0, 1_000);
        locked.nextPollAt = new Date(
          Date.now() +
            backoffDelay(locked.pollFailures, { initialDelayMs: 60_000, maxDelayMs: 6 * 3_600_000 }),
        );
        await this.repository.saveShipment(tx.manager, locked);
      });
      this.log.warn(`polling ${shipment.carrier} for shipment ${shipment.shipmentId} failed: ${reason}`);
    }
  }
}
