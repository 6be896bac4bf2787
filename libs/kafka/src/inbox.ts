import { bulkInsert, type TransactionContext } from '@tracking/db';
import type { DataSource } from 'typeorm';
import { PRUNE_CHUNK_ROWS, pruneInChunks } from './outbox-store';

export interface InboxEntry {
  eventId: string;
  eventType: string;
  topic: string;
  partition: number;
  offset: string;
  receivedAt: Date;
}

/**
 * Records that this service handled these events, in the handlers' own transaction, with one
 * statement however many there are. Returns the ids recorded now; an id already there is a
 * redelivery (or the upstream relay publishing twice) whose effects already committed. A
 * concurrent delivery of the same id waits on the first one's row and then finds it.
 */
export async function recordInInbox(
  tx: TransactionContext,
  schema: string,
  entries: readonly InboxEntry[],
): Promise<Set<string>> {
  const recorded = await bulkInsert(
    tx.manager,
    `"${schema}".inbox`,
    ['event_id', 'event_type', 'topic', 'partition', 'kafka_offset', 'received_at'],
    entries.map((entry) => ({
      event_id: entry.eventId,
      event_type: entry.eventType,
      topic: entry.topic,
      partition: entry.partition,
      kafka_offset: entry.offset,
      received_at: entry.receivedAt,
    })),
    { onConflict: 'ON CONFLICT (event_id) DO NOTHING', returning: 'event_id' },
  );
  return new Set(recorded as string[]);
}

export function pruneInbox(dataSource: DataSource, schema: string, retentionMs: number): Promise<number> {
  return pruneInChunks(
    dataSource,
    `DELETE FROM "${schema}".inbox WHERE event_id IN (
       SELECT event_id FROM "${schema}".inbox
        WHERE processed_at < now() - make_interval(secs => $1::double precision / 1000)
        LIMIT ${PRUNE_CHUNK_ROWS})`,
    [retentionMs],
  );
}
