import type { PlatformConfig } from '@tracking/config';
import { assertSchemaName } from './messaging-tables.migration';

export interface OutboxRelayOptions {
  /** Rows claimed per round trip; a full batch is followed at once by the next claim. */
  batchSize: number;
  /** Claim-publish-mark rounds in flight at once in one relay. */
  concurrency: number;
  /** How long a claim is exclusive; after that another relay may take the rows (at-least-once). */
  leaseMs: number;
  /** A row claimed this many more times than it finished crashed its relay each time: abandon it. */
  poisonAfterUnfinishedClaims: number;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  /** How often the relay looks for rows without being woken: LISTEN/NOTIFY never replaces this. */
  pollIntervalMs: number;
  /** LISTEN on a dedicated connection; off where the pool is one connection (embedded PGlite). */
  listen: boolean;
  /** Processed rows are kept this long, for inspection, then deleted. */
  retentionMs: number;
  housekeepingIntervalMs: number;
}

export interface ConsumerOptions {
  groupId: string;
  /** A new consumer group starts at the oldest retained message: handlers are idempotent. */
  fromBeginning: boolean;
  partitionsConsumedConcurrently: number;
  /** In-place attempts for a retriable failure before the batch stops and the message is refetched. */
  maxAttempts: number;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /**
   * Consecutive messages of a partition handled in one transaction (one commit, one inbox
   * statement); a group that fails is rolled back and taken one message at a time.
   */
  messagesPerTransaction: number;
  /** Upper bound a fetch waits for data; also bounds how long a stop waits for an idle fetch. */
  maxWaitTimeMs: number;
  /** Inbox rows older than this are deleted; redeliveries older than that are not expected. */
  inboxRetentionMs: number;
}

export interface TopicDefaults {
  numPartitions: number;
  replicationFactor: number;
}

export interface KafkaServiceOptions {
  /** The service's PostgreSQL schema, holding its outbox and inbox tables. */
  schema: string;
  /** Topics this service produces; created at start (with its dead-letter topic) where allowed. */
  producedTopics?: string[];
  topicDefaults?: Partial<TopicDefaults>;
  outbox?: Partial<OutboxRelayOptions>;
  consumer?: Partial<ConsumerOptions>;
  /** gzip trades relay CPU for broker disk and network; envelopes are small, so off by default. */
  compression?: 'none' | 'gzip';
}

export interface ResolvedKafkaOptions {
  serviceName: string;
  schema: string;
  producedTopics: string[];
  topicDefaults: TopicDefaults;
  outbox: OutboxRelayOptions;
  consumer: ConsumerOptions;
  compression: 'none' | 'gzip';
  idempotent: boolean;
  shutdownTimeoutMs: number;
}

export const KAFKA_OPTIONS = Symbol('KAFKA_OPTIONS');

/** Defaults live here, beside the configuration they depend on. */
export function resolveKafkaOptions(
  options: KafkaServiceOptions,
  config: PlatformConfig,
): ResolvedKafkaOptions {
  const embedded = config.DATABASE_POOL_SIZE === 1;
  return {
    serviceName: config.SERVICE_NAME,
    schema: assertSchemaName(options.schema),
    producedTopics: options.producedTopics ?? [],
    topicDefaults: { numPartitions: -1, replicationFactor: -1, ...options.topicDefaults },
    outbox: {
      batchSize: 500,
      // One less where the pool is a single connection: a second round would only queue on it.
      concurrency: embedded ? 1 : 2,
      leaseMs: 60_000,
      poisonAfterUnfinishedClaims: 5,
      retryInitialDelayMs: 1_000,
      retryMaxDelayMs: 60_000,
      pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
      listen: !embedded,
      retentionMs: 60 * 60_000,
      housekeepingIntervalMs: 10_000,
      ...options.outbox,
    },
    consumer: {
      groupId: config.KAFKA_CONSUMER_GROUP ?? config.SERVICE_NAME,
      fromBeginning: true,
      // Each partition in flight holds a database connection for its transaction.
      partitionsConsumedConcurrently: embedded ? 1 : Math.max(1, Math.min(4, config.DATABASE_POOL_SIZE - 2)),
      maxAttempts: 5,
      retryInitialDelayMs: 200,
      retryMaxDelayMs: 5_000,
      sessionTimeoutMs: 30_000,
      heartbeatIntervalMs: 3_000,
      maxWaitTimeMs: config.KAFKA_FETCH_MAX_WAIT_MS,
      messagesPerTransaction: 50,
      inboxRetentionMs: 14 * 24 * 60 * 60_000,
      ...options.consumer,
    },
    compression: options.compression ?? 'none',
    idempotent: config.KAFKA_IDEMPOTENT,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  };
}
