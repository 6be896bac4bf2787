import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PeriodicTask } from '@tracking/errors';
import type { DataSource } from 'typeorm';
import { pruneInbox } from './inbox';
import { KAFKA_OPTIONS, type ResolvedKafkaOptions } from './kafka.options';
import { messagingMetrics } from './metrics';
import { OutboxStore } from './outbox-store';
import { describeError } from './producer';

const PRUNE_EVERY_MS = 60_000;

/**
 * Keeps the messaging tables small and their state visible: refreshes the outbox backlog gauge
 * and deletes processed outbox rows and old inbox rows. Every replica runs it; the deletes are
 * idempotent, so they need no coordination.
 */
@Injectable()
export class MessagingHousekeeping implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MessagingHousekeeping.name);
  private readonly store: OutboxStore;
  private readonly backlog = messagingMetrics.outboxBacklog();
  private readonly task: PeriodicTask;
  private lastPrunedAt = 0;

  constructor(
    @Inject(KAFKA_OPTIONS) private readonly settings: ResolvedKafkaOptions,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.store = new OutboxStore(dataSource, settings.schema);
    // tick reports its own failures; the task only keeps it running on schedule.
    this.task = new PeriodicTask(
      settings.outbox.housekeepingIntervalMs,
      () => this.tick(),
      () => undefined,
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  async tick(now = Date.now()): Promise<void> {
    try {
      this.backlog.set(await this.store.countBacklog());
      if (now - this.lastPrunedAt < PRUNE_EVERY_MS) return;
      this.lastPrunedAt = now;
      const outboxRows = await this.store.pruneProcessed(this.settings.outbox.retentionMs);
      const inboxRows = await pruneInbox(
        this.dataSource,
        this.settings.schema,
        this.settings.consumer.inboxRetentionMs,
      );
      if (outboxRows + inboxRows > 0) {
        this.logger.debug(`pruned ${outboxRows} processed outbox rows and ${inboxRows} inbox rows`);
      }
    } catch (error) {
      this.logger.warn(`messaging housekeeping failed, trying again later: ${describeError(error)}`);
    }
  }
}
