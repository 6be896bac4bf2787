import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PlatformConfig } from '@tracking/config';
import { deadLetterTopic } from '@tracking/events';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { backoffDelay, sleep, withTimeout } from '@tracking/errors';
import { deadLetterMessage } from './dead-letter';
import { kafkaConnectionSettings } from './kafka-client';
import { KAFKA_OPTIONS, type ResolvedKafkaOptions } from './kafka.options';
import { outboxChannel } from './messaging-tables.migration';
import { messagingMetrics } from './metrics';
import { type ClaimedOutboxRow, OutboxStore } from './outbox-store';
import { describeError, EventPublisher, groupByTopic } from './producer';
import { ensureTopics } from './topic-admin';

/**
 * Publishes committed outbox rows to Kafka, in the background, for as long as the service runs.
 * Every replica runs one; claims take turns through an advisory lock and per-order order holds
 * across them (see OutboxStore.claim). Delivery is at least once: a relay that dies between
 * publishing and marking leaves rows that are published again after their lease.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly store: OutboxStore;
  private readonly options: ResolvedKafkaOptions['outbox'];
  private readonly deadLetters: string;
  private readonly metrics = {
    published: messagingMetrics.outboxPublished(),
    latency: messagingMetrics.outboxPublishLatency(),
    failures: messagingMetrics.outboxPublishFailures(),
    abandoned: messagingMetrics.outboxAbandoned(),
  };
  private readonly stopSignal = new AbortController();
  private loop?: Promise<void>;
  private listener?: OutboxListener;
  /** Counts wake-ups, so a round knows whether one came in while it was busy. */
  private wakeups = 0;
  private readonly sleepers = new Set<() => void>();

  constructor(
    @Inject(KAFKA_OPTIONS) private readonly settings: ResolvedKafkaOptions,
    @InjectDataSource() dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly config: PlatformConfig,
  ) {
    this.options = settings.outbox;
    this.store = new OutboxStore(dataSource, settings.schema);
    this.deadLetters = deadLetterTopic(settings.serviceName);
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Starts the loop without waiting for it: a slow broker must not hold up the service's start. */
  start(): void {
    if (this.loop) return;
    this.loop = this.run().catch((error: unknown) => {
      this.logger.error(`outbox relay stopped unexpectedly: ${describeError(error)}`);
    });
  }

  /** Asks for a claim now instead of at the next poll. Cheap: calls between two claims fold into one. */
  wake(): void {
    this.wakeups += 1;
    for (const sleeper of this.sleepers) sleeper();
  }

  /** Finishes the batch in hand (bounded by SHUTDOWN_TIMEOUT_MS), then stops polling and listening. */
  async stop(): Promise<void> {
    if (this.stopSignal.signal.aborted) return;
    this.stopSignal.abort();
    this.wake();
    await this.listener?.close();
    if (!this.loop) return;
    await withTimeout(this.loop, this.settings.shutdownTimeoutMs, 'the outbox batch in hand').catch(
      (error: unknown) => {
        this.logger.warn(`${describeError(error)}; its rows are published again after their lease`);
      },
    );
  }

  private get stopping(): boolean {
    return this.stopSignal.signal.aborted;
  }

  private async run(): Promise<void> {
    // Not awaited: where the admin API is missing it may take its whole timeout to say so, and a
    // publish to a topic that is not there yet fails and is retried like any other.
    void ensureTopics(
      kafkaConnectionSettings(this.config),
      [...this.settings.producedTopics, this.deadLetters],
      this.settings.topicDefaults,
    );
    if (this.options.listen && !this.stopping) {
      this.listener = new OutboxListener(
        this.config,
        outboxChannel(this.settings.schema),
        () => this.wake(),
        this.logger,
      );
      this.listener.open();
    }
    // Several rounds in flight: one claims while another publishes. They cannot reorder an
    // order's events, since a claim skips every order that has rows leased to another round.
    await Promise.all(Array.from({ length: this.options.concurrency }, () => this.runRounds()));
  }

  private async runRounds(): Promise<void> {
    let consecutiveFailures = 0;
    while (!this.stopping) {
      const wakeupsBefore = this.wakeups;
      let claimed: number;
      try {
        claimed = await this.relayBatch();
        consecutiveFailures = 0;
      } catch (error) {
        // The database is unreachable or a statement failed: nothing was lost, rows stay unprocessed.
        consecutiveFailures += 1;
        this.logger.error(
          `outbox relay round failed (${consecutiveFailures} in a row): ${describeError(error)}`,
        );
        await sleep(
          backoffDelay(consecutiveFailures, {
            initialDelayMs: this.options.pollIntervalMs,
            maxDelayMs: this.options.retryMaxDelayMs,
          }),
          this.stopSignal.signal,
        );
        continue;
      }
      // A full batch means more is waiting: drain before sleeping.
      if (claimed < this.options.batchSize && this.wakeups === wakeupsBefore) await this.waitForWork();
    }
  }

  /** Until the next poll, or sooner when woken. */
  private waitForWork(): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.options.pollIntervalMs);
      this.sleepers.add(done);
    });
  }

  /** One claim, publish and mark. Returns how many rows were claimed. */
  async relayBatch(): Promise<number> {
    const rows = await this.store.claim(this.options.batchSize, this.options.leaseMs);
    if (rows.length === 0) return 0;
    const limit = this.options.poisonAfterUnfinishedClaims;
    const poison = rows.filter((row) => row.startedAttempts - row.finishedAttempts > limit);
    const publishable = poison.length === 0 ? rows : rows.filter((row) => !poison.includes(row));
    await Promise.all([this.publish(publishable), this.abandon(poison)]);
    return rows.length;
  }

  private async publish(rows: ClaimedOutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    try {
      // One call for the whole claim: kafkajs keeps each topic's messages in the order given
      // (seq order), which is each order's order on its partition.
      await this.publisher.publish(
        groupByTopic(
          rows.map((row) => ({
            topic: row.topic,
            message: { key: row.segment, value: row.payload, headers: row.headers },
          })),
        ),
      );
    } catch (error) {
      const reason = describeError(error);
      this.metrics.failures.inc(rows.length);
      this.logger.warn(`publishing ${rows.length} outbox rows failed, retrying with backoff: ${reason}`);
      // The whole claim fails together, so no row of an order overtakes an earlier one that failed.
      await this.store.markFailed(
        rows.map((row) => row.id),
        reason,
        { initialDelayMs: this.options.retryInitialDelayMs, maxDelayMs: this.options.retryMaxDelayMs },
      );
      return;
    }
    const published = await this.store.markPublished(rows.map((row) => row.id));
    for (const { topic, latencySeconds } of published) {
      this.metrics.published.inc({ topic });
      this.metrics.latency.observe({ topic }, latencySeconds);
    }
  }

  /**
   * Rows whose relay crashed again and again while publishing them (claimed, never finished)
   * go to the dead-letter topic instead of taking the relay down once more.
   */
  private async abandon(rows: ClaimedOutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    const reason =
      `outbox row was claimed ${this.options.poisonAfterUnfinishedClaims + 1} times without its publish ` +
      'finishing (the relay crashed or was killed each time); abandoned as poison';
    try {
      await this.publisher.publish([
        {
          topic: this.deadLetters,
          messages: rows.map((row) =>
            deadLetterMessage(
              { key: row.segment, value: row.payload, headers: row.headers },
              { reason, errorCode: 'INTERNAL', originalTopic: row.topic },
            ),
          ),
        },
      ]);
    } catch (error) {
      this.logger.warn(
        `dead-lettering ${rows.length} poison outbox rows failed, retrying: ${describeError(error)}`,
      );
      await this.store.markFailed(
        rows.map((row) => row.id),
        describeError(error),
        { initialDelayMs: this.options.retryInitialDelayMs, maxDelayMs: this.options.retryMaxDelayMs },
      );
      return;
    }
    await this.store.abandon(
      rows.map((row) => row.id),
      reason,
    );
    this.metrics.abandoned.inc(rows.length);
    this.logger.error(
      `abandoned ${rows.length} poison outbox rows to ${this.deadLetters}: ${rows.map((row) => row.id).join(', ')}`,
    );
  }
}

/**
 * LISTEN on a connection of its own, so a commit anywhere (another replica included) wakes the
 * relay at once. Only a shortcut: if it drops, the relay still polls while it reconnects.
 */
class OutboxListener {
  private client?: Client;
  private closed = false;
  private failures = 0;
  private reconnectTimer?: NodeJS.Timeout;

  constructor(
    private readonly config: PlatformConfig,
    private readonly channel: string,
    private readonly onNotification: () => void,
    private readonly logger: Logger,
  ) {}

  open(): void {
    if (this.closed) return;
    const client = new Client({
      connectionString: this.config.DATABASE_URL,
      application_name: `${this.config.SERVICE_NAME}-outbox-listener`,
    });
    this.client = client;
    client.on('notification', () => this.onNotification());
    client.on('error', (error) => this.reconnect(client, error));
    client.on('end', () => this.reconnect(client, new Error('connection ended')));
    client
      .connect()
      .then(() => client.query(`LISTEN ${this.channel}`))
      .then(() => {
        this.failures = 0;
        // Rows may have committed while nobody listened.
        this.onNotification();
      })
      .catch((error: unknown) => this.reconnect(client, error));
  }

  private reconnect(client: Client, error: unknown): void {
    if (this.closed || client !== this.client) return;
    this.client = undefined;
    client.removeAllListeners();
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    this.failures += 1;
    const delay = backoffDelay(this.failures, { initialDelayMs: 1_000, maxDelayMs: 30_000 });
    this.logger.warn(
      `outbox LISTEN connection lost (${describeError(error)}); polling only, reconnecting in ${delay} ms`,
    );
    this.reconnectTimer = setTimeout(() => this.open(), delay);
    this.reconnectTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    client.removeAllListeners();
    client.on('error', () => undefined);
    await client.end().catch(() => undefined);
  }
}
