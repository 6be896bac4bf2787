import { randomUUID } from 'node:crypto';
import type { PlatformConfig } from '@tracking/config';
import type { TransactionContext } from '@tracking/db';
import { isRetriable, TrackingError, withTimeout } from '@tracking/errors';
import { decodeEnvelope, TOPICS, type EventEnvelope } from '@tracking/events';
import type { KafkaConnectionSettings, OutboxWriter } from '@tracking/kafka';
import { Kafka, logLevel, type KafkaMessage, type SASLOptions } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import type { EtaSettings } from '../domain/eta-settings';
import { StatusHub } from '../live/status-hub';
import { ReadModelRepository } from '../persistence/read-model.repository';
import { OrderProjector } from './order-projector';

/** Every topic the service projects from, as its consumer subscribes to them. */
export const READ_MODEL_TOPICS = [
  TOPICS.orders,
  TOPICS.production,
  TOPICS.shipments,
  TOPICS.carrierScans,
  TOPICS.notifications,
] as const;

/**
 * The tables a rebuild replaces, in the order the projector writes them, so that taking their
 * locks cannot deadlock with a projection under way. Feedback and delivery-change requests come
 * from buyers over HTTP, not from topics, and are kept. So are buyer_contacts and buyer_erasures:
 * the buyer-contacts topic has finite retention, so a rebuild could not read every greeting again
 * and must not wipe the ones it holds, and an erasure must stay in force through the replay (the
 * projector takes an erased order's personal data out of each fact as it stores it again).
 */
const REBUILT_TABLES = ['tracking_api.events', 'tracking_api.orders', 'tracking_api.status_changes'] as const;

/**
 * The rebuild holds every read-model table against writes, so no other transaction can add a
 * fact under it and the per-order lock is moot. Taking it would deadlock: a consumer that took an
 * order's lock just before the rebuild's table locks waits on those while holding it.
 */
class LockedReadModelRepository extends ReadModelRepository {
  protected override serializesOrders = false;
}

export interface RebuildReadModelOptions {
  dataSource: DataSource;
  kafka: KafkaConnectionSettings;
  eta: EtaSettings;
  /** Needed by the live-update hub the projector announces through; only DATABASE_URL is read. */
  config: PlatformConfig;
  /**
   * Commit even when facts the read model held are no longer on the topics (retention removed
   * them); without it the rebuild rolls back and the old read model stays.
   */
  allowLoss?: boolean;
  /** Give up when no message arrives for this long before every partition reached its end. */
  idleTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface RebuildResult {
  /** Messages read per topic, up to its end as of the start. */
  topics: Record<string, number>;
  /** Partitions whose first offset is past 0: retention or compaction removed their oldest messages. */
  truncatedPartitions: Array<{ topic: string; partition: number; firstOffset: string }>;
  undecodable: number;
  /** Decoded but refused by the projection; the running service dead-letters the same. */
  failed: number;
  before: { events: number; orders: number };
  after: { events: number; orders: number; awaitingOrder: number };
  /** Facts the read model held that the topics no longer have. */
  lost: number;
  durationMs: number;
}

export class RebuildRefusedError extends TrackingError {
  constructor(message: string, details: Record<string, unknown>) {
    super('CONFLICT', message, { details });
  }
}

/**
 * Rebuilds tracking-api's read model from the topics: every fact on them, from the beginning up
 * to each partition's end as of the start, through the same projector the service runs (without
 * publishing status changes: they were announced when they happened).
 *
 * It all happens in one transaction that first locks the three tables against writes (EXCLUSIVE:
 * plain reads go on and see the old read model until the commit). The topics' ends are read only
 * once the lock is held, so a fact the running service committed before is on the topics below
 * those ends, and one it consumes meanwhile waits for the commit and is applied on top: nothing
 * is lost or applied twice, and the service need not be stopped. The projection is a function of
 * the set of facts, so replaying them in another order ends in the same rows.
 *
 * Each order then gets one new status version past the one it had, with the rebuilt view as its
 * only status change: a live stream resuming from an old Last-Event-ID receives the current view
 * next, and never the rebuild's intermediate states.
 */
export async function rebuildReadModel(options: RebuildReadModelOptions): Promise<RebuildResult> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const projector = new OrderProjector(
    new LockedReadModelRepository(),
    refusingOutbox(),
    new StatusHub(options.config),
    options.eta,
  );
  const result = await options.dataSource.transaction(async (manager) => {
    // This hub has no streams of its own; every replica's are woken by its NOTIFY at commit.
    const tx: TransactionContext = { manager, afterCommit: () => undefined };
    await manager.query(`LOCK TABLE ${REBUILT_TABLES.join(', ')} IN EXCLUSIVE MODE`);
    const before = await countRows(manager);
    await manager.query(
      `CREATE TEMPORARY TABLE rebuild_previous_versions ON COMMIT DROP AS
         SELECT order_id, status_version, tracking_token_hash FROM tracking_api.orders`,
    );
    await manager.query(
      `CREATE TEMPORARY TABLE rebuild_previous_events ON COMMIT DROP AS SELECT event_id FROM tracking_api.events`,
    );
    for (const table of [...REBUILT_TABLES].reverse()) await manager.query(`DELETE FROM ${table}`);
    log(
      `replacing ${before.events} facts and ${before.orders} orders (uncommitted until the end); replaying topics`,
    );

    let undecodable = 0;
    let failed = 0;
    const read = await readTopicsToEnd(
      options.kafka,
      READ_MODEL_TOPICS,
      options.idleTimeoutMs ?? 30_000,
      async (topic, message) => {
        let envelope: EventEnvelope;
        try {
          envelope = decodeEnvelope(message.value ?? Buffer.alloc(0));
        } catch {
          undecodable += 1;
          return;
        }
        // One fact's failure must not undo the others, as a dead letter does not stop the service.
        await manager.query('SAVEPOINT rebuild_fact');
        try {
          await projector.apply(tx, envelope, { publish: false });
          await manager.query('RELEASE SAVEPOINT rebuild_fact');
        } catch (error) {
          if (isRetriable(error)) throw error;
          await manager.query('ROLLBACK TO SAVEPOINT rebuild_fact');
          failed += 1;
          if (failed <= 20)
            log(`skipped ${topic} event ${envelope.eventId} (${envelope.type}): ${String(error)}`);
        }
      },
      log,
    );

    // An order.received published before the token's hash travelled in it replays without one:
    // the order keeps the hash it was found by.
    await manager.query(
      `UPDATE tracking_api.orders o SET tracking_token_hash = p.tracking_token_hash
         FROM rebuild_previous_versions p WHERE p.order_id = o.order_id AND o.tracking_token_hash IS NULL`,
    );
    await manager.query(`DELETE FROM tracking_api.status_changes`);
    await manager.query(
      `UPDATE tracking_api.orders o SET status_version = 1 + COALESCE(
         (SELECT p.status_version FROM rebuild_previous_versions p WHERE p.order_id = o.order_id), 0)`,
    );
    await manager.query(
      `INSERT INTO tracking_api.status_changes (order_id, version, state, public_view)
       SELECT order_id, status_version, state, public_view FROM tracking_api.orders`,
    );
    const after = await countRows(manager);
    const [awaiting] = await manager.query<Array<{ orders: string }>>(
      `SELECT count(DISTINCT e.order_id) AS orders FROM tracking_api.events e
        WHERE NOT EXISTS (SELECT 1 FROM tracking_api.orders o WHERE o.order_id = e.order_id)`,
    );
    const [missing] = await manager.query<Array<{ events: string }>>(
      `SELECT count(*) AS events FROM rebuild_previous_events p
        WHERE NOT EXISTS (SELECT 1 FROM tracking_api.events e WHERE e.event_id = p.event_id)`,
    );
    const lost = Number(missing?.events ?? 0);
    const rebuilt: RebuildResult = {
      ...read,
      undecodable,
      failed,
      before,
      after: { ...after, awaitingOrder: Number(awaiting?.orders ?? 0) },
      lost,
      durationMs: 0,
    };
    if (lost > 0 && !options.allowLoss) {
      throw new RebuildRefusedError(
        `${lost} facts of the read model are no longer on the topics (retention removed them): the rebuild ` +
          'was rolled back and the read model is unchanged; allow the loss to rebuild without them',
        { ...rebuilt },
      );
    }
    return rebuilt;
  });
  return { ...result, durationMs: Date.now() - started };
}

async function countRows(manager: EntityManager): Promise<{ events: number; orders: number }> {
  const [row] = await manager.query<Array<{ events: string; orders: string }>>(
    `SELECT (SELECT count(*) FROM tracking_api.events) AS events, (SELECT count(*) FROM tracking_api.orders) AS orders`,
  );
  return { events: Number(row?.events ?? 0), orders: Number(row?.orders ?? 0) };
}

/** The projector's outbox, which a rebuild must never reach: it publishes nothing. */
function refusingOutbox(): OutboxWriter {
  const refuse = () => {
    throw new Error('a read-model rebuild publishes no events');
  };
  return { append: refuse, appendDeadLetters: refuse } as unknown as OutboxWriter;
}

/**
 * Reads `topics` from their beginning up to each partition's end as of the call, one message at
 * a time in partition order, with a consumer group of its own that commits nothing. Resolves once
 * every partition reached its end; fails if a message's handling fails or the broker goes quiet
 * before then. Like the dead-letter replay in the platform library, but it must not stop early.
 */
async function readTopicsToEnd(
  settings: KafkaConnectionSettings,
  topics: readonly string[],
  idleTimeoutMs: number,
  handle: (topic: string, message: KafkaMessage) => Promise<void>,
  log: (line: string) => void,
): Promise<Pick<RebuildResult, 'topics' | 'truncatedPartitions'>> {
  const kafka = new Kafka({
    clientId: `${settings.clientId}-rebuild`,
    brokers: settings.brokers,
    ssl: settings.ssl ?? false,
    sasl: settings.sasl as SASLOptions | undefined,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 5 },
    logLevel: logLevel.WARN,
  });
  const read: Pick<RebuildResult, 'topics' | 'truncatedPartitions'> = {
    topics: Object.fromEntries(topics.map((topic) => [topic, 0])),
    truncatedPartitions: [],
  };
  // Where each partition ends now: the replay stops there.
  const remaining = new Map<string, bigint>();
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of topics) {
      let offsets: Array<{ partition: number; low: string; high: string }>;
      try {
        offsets = await admin.fetchTopicOffsets(topic);
      } catch (error) {
        // A topic nobody has published to yet may not exist: nothing to replay from it. Any other
        // failure must stop the rebuild, or an unreachable broker would commit an empty read model.
        if ((error as { type?: unknown }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error;
        log(`topic ${topic} does not exist; nothing to replay from it`);
        continue;
      }
      for (const { partition, low, high } of offsets) {
        if (BigInt(low) > 0n) read.truncatedPartitions.push({ topic, partition, firstOffset: low });
        if (BigInt(high) > BigInt(low)) remaining.set(`${topic}:${partition}`, BigInt(high));
      }
    }
  } finally {
    await admin.disconnect();
  }
  for (const truncated of read.truncatedPartitions) {
    log(
      `${truncated.topic}[${truncated.partition}] starts at offset ${truncated.firstOffset}: older facts are gone from the topic`,
    );
  }
  if (remaining.size === 0) return read;

  const consumer = kafka.consumer({ groupId: `tracking-api-rebuild-${randomUUID()}`, maxWaitTimeInMs: 500 });
  const subscribed = topics.filter((topic) =>
    [...remaining.keys()].some((key) => key.startsWith(`${topic}:`)),
  );
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: subscribed, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      let finished = false;
      const finish = (error?: unknown): void => {
        if (finished) return;
        finished = true;
        clearTimeout(idle);
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve();
      };
      const quiet = () =>
        finish(
          new Error(
            `no message for ${idleTimeoutMs} ms before the end of ${[...remaining.keys()].join(', ')}; the rebuild was not committed`,
          ),
        );
      let idle = setTimeout(quiet, idleTimeoutMs);
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, heartbeat, resolveOffset, pause }) => {
            if (finished) return;
            clearTimeout(idle);
            const key = `${batch.topic}:${batch.partition}`;
            for (const message of batch.messages) {
              const end = remaining.get(key);
              if (end === undefined || BigInt(message.offset) >= end) {
                pause();
                break;
              }
              try {
                await handle(batch.topic, message);
              } catch (error) {
                finish(error);
                return;
              }
              read.topics[batch.topic] = (read.topics[batch.topic] ?? 0) + 1;
              // Moves the fetch position on; nothing is committed (autoCommit is off).
              resolveOffset(message.offset);
              if (BigInt(message.offset) + 1n >= end) {
                remaining.delete(key);
                pause();
              }
              await heartbeat();
            }
            if (remaining.size === 0) finish();
            else idle = setTimeout(quiet, idleTimeoutMs);
          },
        })
        .catch(finish);
    });
  } finally {
    await withTimeout(consumer.disconnect(), 10_000, 'disconnecting the rebuild consumer').catch(
      (error: unknown) => log(`rebuild consumer did not disconnect cleanly: ${String(error)}`),
    );
  }
  return read;
}
