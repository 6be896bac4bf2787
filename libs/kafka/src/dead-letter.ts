import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { TrackingError, type ErrorCode } from '@tracking/errors';
import { deadLetterTopic } from '@tracking/events';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { withTimeout } from '@tracking/errors';
import { createKafkaClient, type KafkaConnectionSettings } from './kafka-client';
import {
  describeError,
  groupByTopic,
  KafkajsEventPublisher,
  type HeaderValue,
  type OutgoingMessage,
} from './producer';

/** Headers a dead letter carries besides the original ones. Operators filter and alert on them. */
export const DEAD_LETTER_HEADERS = {
  reason: 'x-dead-letter-reason',
  errorCode: 'x-dead-letter-error-code',
  deadLetteredAt: 'x-dead-lettered-at',
  originalTopic: 'x-original-topic',
  originalPartition: 'x-original-partition',
  originalOffset: 'x-original-offset',
} as const;

const DEAD_LETTER_HEADER_NAMES: ReadonlySet<string> = new Set(Object.values(DEAD_LETTER_HEADERS));
// Kafka headers share the message's size budget; a stack-sized reason could push it over the limit.
const MAX_REASON_LENGTH = 2_000;

export interface DeadLetterCause {
  reason: string;
  errorCode: ErrorCode;
  originalTopic: string;
  /** Absent for outbox rows, which never reached a partition. */
  originalPartition?: number;
  originalOffset?: string;
}

export interface RawMessage {
  key: Buffer | string | null;
  value: Buffer | null;
  headers: IHeaders | Record<string, HeaderValue | undefined>;
}

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

function isTopicName(name: string | undefined): name is string {
  return name !== undefined && TOPIC_NAME.test(name);
}

export function errorCodeOf(error: unknown): ErrorCode {
  return error instanceof TrackingError ? error.code : 'INTERNAL';
}

/** The original key, value and headers, byte for byte, plus why it could not be processed. */
export function deadLetterMessage(
  original: RawMessage,
  cause: DeadLetterCause,
  at = new Date(),
): OutgoingMessage {
  const headers: Record<string, HeaderValue> = {};
  for (const [name, value] of Object.entries(original.headers)) {
    if (value !== undefined && !DEAD_LETTER_HEADER_NAMES.has(name)) headers[name] = value;
  }
  headers[DEAD_LETTER_HEADERS.reason] = cause.reason.slice(0, MAX_REASON_LENGTH);
  headers[DEAD_LETTER_HEADERS.errorCode] = cause.errorCode;
  headers[DEAD_LETTER_HEADERS.deadLetteredAt] = at.toISOString();
  headers[DEAD_LETTER_HEADERS.originalTopic] = cause.originalTopic;
  if (cause.originalPartition !== undefined)
    headers[DEAD_LETTER_HEADERS.originalPartition] = String(cause.originalPartition);
  if (cause.originalOffset !== undefined) headers[DEAD_LETTER_HEADERS.originalOffset] = cause.originalOffset;
  return { key: original.key, value: original.value ?? Buffer.alloc(0), headers };
}

export interface DeadLetter {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer;
  /** Every header, decoded as UTF-8, dead-letter ones included. */
  headers: Record<string, string>;
  reason?: string;
  errorCode?: string;
  originalTopic?: string;
  deadLetteredAt?: Date;
}

export interface ReplayDeadLettersOptions {
  /** The service whose dead-letter topic is read. */
  service: string;
  brokers: string[];
  connection?: Omit<Partial<KafkaConnectionSettings>, 'brokers'>;
  /** Replay at most this many letters. */
  limit?: number;
  /** Replay only the letters this accepts; the others are counted as skipped and stay where they are. */
  filter?: (letter: DeadLetter) => boolean;
  /** Gives up waiting for the rest of the topic after this long without a message. */
  idleTimeoutMs?: number;
  /**
   * Letters a service gave up on itself name an origin that is not a topic (`notification:dispatch`
   * for a send that used up its attempts): there is nothing to republish them to. For such an
   * origin, this puts a batch of its letters back into the owning service's hands and says how many
   * it put back; the others (already replayed, say) count as skipped.
   */
  redeliver?: Readonly<Record<string, Redeliver>>;
}

export type Redeliver = (letters: readonly DeadLetter[]) => Promise<number>;

export interface ReplayResult {
  examined: number;
  replayed: number;
  skipped: number;
}

const logger = new Logger('DeadLetterReplay');

/**
 * Republishes dead letters to the topic they came from, with their original key, value and
 * headers, once the cause is fixed; letters from an origin in `redeliver` are handed to it instead. It reads the topic up to its end as of the call, so letters
 * dead-lettered again during the replay are not replayed twice in one run. It keeps no position:
 * a second run replays the same letters again, which the consumers' inbox makes harmless for
 * those that went through (and a `redeliver` must be as harmless: take back only what is still
 * dead); `filter` (on reason, code, time) narrows a run.
 */
const GROUP_JOIN_TIMEOUT_MS = 60_000;

export async function replayDeadLetters(options: ReplayDeadLettersOptions): Promise<ReplayResult> {
  const topic = deadLetterTopic(options.service);
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const result: ReplayResult = { examined: 0, replayed: 0, skipped: 0 };
  if (limit <= 0) return result;

  const kafka = createKafkaClient({
    clientId: `${options.service}-dead-letter-replay`,
    ...options.connection,
    brokers: options.brokers,
  });
  const admin = kafka.admin();
  await admin.connect();
  // Snapshot of where the topic ends now: the replay stops there.
  const remaining = new Map<number, bigint>();
  try {
    for (const { partition, low, high } of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(high) > BigInt(low)) remaining.set(partition, BigInt(high));
    }
  } finally {
    await admin.disconnect();
  }
  if (remaining.size === 0) return result;

  const publisher = new KafkajsEventPublisher(kafka, { idempotent: false });
  // A group of its own each run: the replay starts at the beginning and commits nothing.
  const consumer = kafka.consumer({
    groupId: `${options.service}-dead-letter-replay-${randomUUID()}`,
    maxWaitTimeInMs: 500,
  });
  try {
    await publisher.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const idleMs = options.idleTimeoutMs ?? 15_000;
      let finished = false;
      // Idleness counts from the group join: joining alone takes seconds on a busy broker, and an
      // idle timer started before it ended replays that had not read a single letter yet.
      let idle = setTimeout(
        () =>
          finish(new Error(`the replay consumer did not join its group within ${GROUP_JOIN_TIMEOUT_MS} ms`)),
        GROUP_JOIN_TIMEOUT_MS,
      );
      consumer.on(consumer.events.GROUP_JOIN, () => {
        if (finished) return;
        clearTimeout(idle);
        idle = setTimeout(() => finish(), idleMs);
      });
      const finish = (error?: unknown): void => {
        if (finished) return;
        finished = true;
        clearTimeout(idle);
        if (error) reject(error);
        else resolve();
      };
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, heartbeat, resolveOffset, pause }) => {
            if (finished) return;
            clearTimeout(idle);
            const end = remaining.get(batch.partition);
            const republished: Array<{ topic: string; message: OutgoingMessage }> = [];
            const redelivered = new Map<Redeliver, DeadLetter[]>();
            for (const message of batch.messages) {
              if (end === undefined || BigInt(message.offset) >= end || result.replayed >= limit) {
                // Past the snapshot: nothing more to read here.
                pause();
                break;
              }
              // Moves the fetch position on; nothing is committed (autoCommit is off).
              resolveOffset(message.offset);
              result.examined += 1;
              const letter = readDeadLetter(batch.partition, message);
              const redeliver =
                letter.originalTopic === undefined ? undefined : options.redeliver?.[letter.originalTopic];
              if (options.filter && !options.filter(letter)) {
                result.skipped += 1;
              } else if (redeliver) {
                redelivered.set(redeliver, [...(redelivered.get(redeliver) ?? []), letter]);
                // Counted now for the limit; set right once the owner says how many it took back.
                result.replayed += 1;
              } else if (!isTopicName(letter.originalTopic)) {
                // Letters a service gave up on itself name where they came from (`http:...`), not
                // a topic: with no `redeliver` for that origin there is nothing to send them to.
                result.skipped += 1;
              } else {
                republished.push({
                  topic: letter.originalTopic,
                  message: {
                    key: letter.key,
                    value: letter.value,
                    headers: originalHeaders(message.headers ?? {}),
                  },
                });
                result.replayed += 1;
              }
              if (BigInt(message.offset) + 1n >= end) remaining.delete(batch.partition);
            }
            try {
              await publisher.publish(groupByTopic(republished));
              for (const [redeliverTo, letters] of redelivered) {
                const taken = await redeliverTo(letters);
                result.replayed -= letters.length - taken;
                result.skipped += letters.length - taken;
              }
              await heartbeat();
            } catch (error) {
              finish(error);
              return;
            }
            if (remaining.size === 0 || result.replayed >= limit) finish();
            else idle = setTimeout(() => finish(), idleMs);
          },
        })
        .catch(finish);
    });
  } finally {
    await withTimeout(consumer.disconnect(), 10_000, 'disconnecting the replay consumer').catch(
      (error: unknown) => logger.warn(`replay consumer did not disconnect cleanly: ${describeError(error)}`),
    );
    await publisher.disconnect();
  }
  logger.log(
    `replayed ${result.replayed} of ${result.examined} dead letters from ${topic} (${result.skipped} skipped)`,
  );
  return result;
}

function readDeadLetter(partition: number, message: KafkaMessage): DeadLetter {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers[name] = first.toString();
  }
  const deadLetteredAt = headers[DEAD_LETTER_HEADERS.deadLetteredAt];
  return {
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value ?? Buffer.alloc(0),
    headers,
    reason: headers[DEAD_LETTER_HEADERS.reason],
    errorCode: headers[DEAD_LETTER_HEADERS.errorCode],
    originalTopic: headers[DEAD_LETTER_HEADERS.originalTopic],
    deadLetteredAt: deadLetteredAt ? new Date(deadLetteredAt) : undefined,
  };
}

function originalHeaders(headers: IHeaders): Record<string, HeaderValue> {
  const kept: Record<string, HeaderValue> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !DEAD_LETTER_HEADER_NAMES.has(name)) kept[name] = value;
  }
  return kept;
}
