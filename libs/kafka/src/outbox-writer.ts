import { Inject, Injectable } from '@nestjs/common';
import type { TransactionContext } from '@tracking/db';
import {
  deadLetterTopic,
  encodeEnvelope,
  envelopeHeaders,
  topicForEventType,
  type EventEnvelope,
  type EventType,
} from '@tracking/events';
import { currentTraceHeaders } from '@tracking/telemetry';
import { deadLetterMessage, type DeadLetterCause } from './dead-letter';
import { KAFKA_OPTIONS, type ResolvedKafkaOptions } from './kafka.options';
import { outboxChannel } from './messaging-tables.migration';
import { OutboxRelay } from './outbox-relay';

// Six parameters a row; PostgreSQL allows 65,535 per statement.
const ROWS_PER_INSERT = 1_000;

/**
 * How a use case emits events: rows in its own transaction, so the state change and the events
 * it causes commit together or not at all. Nothing here talks to Kafka; the relay publishes
 * committed rows.
 */
@Injectable()
export class OutboxWriter {
  private readonly table: string;
  private readonly channel: string;
  private readonly deadLetters: string;

  constructor(
    @Inject(KAFKA_OPTIONS) options: Pick<ResolvedKafkaOptions, 'schema' | 'serviceName'>,
    private readonly relay: OutboxRelay,
  ) {
    this.table = `"${options.schema}".outbox`;
    this.channel = outboxChannel(options.schema);
    this.deadLetters = deadLetterTopic(options.serviceName);
  }

  async append(tx: TransactionContext, envelopes: readonly EventEnvelope[]): Promise<void> {
    await this.insert(tx, envelopes.map(toOutboxRow));
  }

  /**
   * Dead-letters what a service accepted but later found it cannot apply (an early event whose
   * order never came), in the same transaction that gives it up, so it is neither lost nor
   * dead-lettered twice. Goes to the service's dead-letter topic with the reason in headers,
   * exactly like a consumer's dead letters, so the replay tool and alerts treat both alike.
   */
  async appendDeadLetters(tx: TransactionContext, letters: readonly DeadLetterInput[]): Promise<void> {
    await this.insert(
      tx,
      letters.map((letter) => {
        const message = deadLetterMessage(
          { key: letter.key, value: letter.value, headers: letter.headers ?? {} },
          letter.cause,
        );
        return {
          id: letter.id,
          segment: letter.key,
          topic: this.deadLetters,
          eventType: 'dead-letter',
          payload: message.value as Buffer,
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
          ),
        };
      }),
    );
  }

  /**
   * Deletes what the outbox still holds, already published, of these orders' events of these
   * types: an erasure cannot wait for housekeeping to prune rows that carry a buyer's personal
   * data. Rows not yet published stay: they must still reach their topic, where the erasure that
   * follows them on the same order supersedes them.
   */
  async forgetPublished(
    tx: TransactionContext,
    orderIds: readonly string[],
    eventTypes: readonly EventType[],
  ): Promise<void> {
    if (orderIds.length === 0 || eventTypes.length === 0) return;
    await tx.manager.query(
      `DELETE FROM ${this.table}
        WHERE segment = ANY ($1::text[]) AND event_type = ANY ($2::text[]) AND processed_at IS NOT NULL`,
      [orderIds, eventTypes],
    );
  }

  private async insert(tx: TransactionContext, rows: readonly OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
      const chunk = rows.slice(start, start + ROWS_PER_INSERT);
      const params: unknown[] = [];
      // One statement, rows in the caller's order: seq follows it, and seq is each order's publish order.
      const values = chunk.map((row) => {
        const at = params.push(
          row.id,
          row.segment,
          row.topic,
          row.eventType,
          row.payload,
          JSON.stringify(row.headers),
        );
        return `($${at - 5}, $${at - 4}, $${at - 3}, $${at - 2}, $${at - 1}, $${at}::jsonb)`;
      });
      const insert = `INSERT INTO ${this.table} (id, segment, topic, event_type, payload, headers) VALUES ${values.join(', ')}`;
      const last = start + ROWS_PER_INSERT >= rows.length;
      // The notification rides on the last insert, saving a round trip on every use case. It is
      // delivered only if the transaction commits, and wakes the relays of other replicas.
      await tx.manager.query(
        last
          ? `WITH appended AS (${insert} RETURNING 1) SELECT pg_notify('${this.channel}', '') FROM (SELECT count(*) FROM appended) AS rows`
          : insert,
        params,
      );
    }
    tx.afterCommit(() => this.relay.wake());
  }
}

export interface DeadLetterInput {
  /** Unique per letter: a retried transaction writes the same id, never a second letter. */
  id: string;
  key: string;
  value: Buffer;
  headers?: Record<string, string>;
  cause: DeadLetterCause;
}

interface OutboxRow {
  id: string;
  segment: string;
  topic: string;
  eventType: string;
  payload: Buffer;
  headers: Record<string, string>;
}

function toOutboxRow(envelope: EventEnvelope): OutboxRow {
  // The trace context is captured now, while the request's span is active: the relay publishes
  // later, from a loop that has no span of its own.
  let stamped = envelope;
  if (!envelope.trace?.traceparent) {
    const { traceparent, tracestate } = currentTraceHeaders();
    if (traceparent) stamped = { ...envelope, trace: { traceparent, tracestate: tracestate ?? '' } };
  }
  return {
    id: stamped.eventId,
    segment: stamped.orderId,
    topic: topicForEventType(stamped.type),
    eventType: stamped.type,
    // Validates too: an envelope consumers would reject fails the use case, not the relay.
    payload: encodeEnvelope(stamped),
    headers: envelopeHeaders(stamped),
  };
}
