import { Logger } from '@nestjs/common';
import { withTimeout } from '@tracking/errors';
import { createKafkaClient, type KafkaConnectionSettings } from './kafka-client';
import { describeError } from './producer';

export interface TopicSettings {
  /** -1 takes the broker's default (num.partitions). */
  numPartitions?: number;
  /** -1 takes the broker's default (default.replication.factor). */
  replicationFactor?: number;
  /** Upper bound on the whole attempt, so a broker that never answers cannot hold up a start. */
  timeoutMs?: number;
}

export interface EnsureTopicsResult {
  created: string[];
  existing: string[];
  /** Topics that could not be created here and are left to the broker's auto-creation. */
  deferred: string[];
}

const logger = new Logger('TopicAdmin');

/**
 * Creates the topics that do not exist yet. Topics are normally declared in deploy/ and created
 * by the cluster's operator; this covers fresh environments. Brokers without the admin API (the
 * local mock broker answers CreateTopics with "Broker 0 not found in the cached metadata", some
 * managed clusters deny it) get a warning, and the topics are left to auto-creation: a service
 * must still start there.
 */
export async function ensureTopics(
  connection: KafkaConnectionSettings,
  topics: readonly string[],
  { numPartitions = -1, replicationFactor = -1, timeoutMs = 10_000 }: TopicSettings = {},
): Promise<EnsureTopicsResult> {
  const wanted = [...new Set(topics)];
  const result: EnsureTopicsResult = { created: [], existing: [], deferred: [] };
  if (wanted.length === 0) return result;

  const admin = createKafkaClient(connection, 1).admin({ retry: { retries: 1, initialRetryTime: 200 } });
  try {
    await withTimeout(admin.connect(), timeoutMs, 'connecting the Kafka admin client');
    const known = new Set(await withTimeout(admin.listTopics(), timeoutMs, 'listing topics'));
    result.existing = wanted.filter((topic) => known.has(topic));
    const missing = wanted.filter((topic) => !known.has(topic));
    if (missing.length === 0) return result;
    await withTimeout(
      admin.createTopics({
        topics: missing.map((topic) => ({ topic, numPartitions, replicationFactor })),
        waitForLeaders: true,
        timeout: Math.min(timeoutMs, 5_000),
      }),
      timeoutMs,
      'creating topics',
    );
    result.created = missing;
    logger.log(`created topics ${missing.join(', ')}`);
  } catch (error) {
    result.deferred = wanted.filter((topic) => !result.existing.includes(topic));
    logger.warn(
      `could not create topics ${result.deferred.join(', ')} through the admin API (${describeError(error)}); ` +
        'relying on the broker to auto-create them',
    );
  } finally {
    await withTimeout(admin.disconnect(), 5_000, 'disconnecting the Kafka admin client').catch(
      (error: unknown) => {
        logger.warn(`admin client did not disconnect cleanly: ${describeError(error)}`);
      },
    );
  }
  return result;
}
