import type { TransactionContext } from '@tracking/db';
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
 * Records that this service handled an event, in the handler's own transaction. Returns false
 * when the event id is already there: a redelivery (or the upstream relay publishing twice),
 * whose effects already committed. A concurrent delivery of the same id waits on the first
 * one's row and then finds it.
 */
export async function recordInInbox(
  tx: TransactionContext,
  schema: string,
  entry: InboxEntry,
): Promise<boolean> {
  const inserted = (await tx.manager.query(
    `INSERT INTO "${schema}".inbox (event_id, event_type, topic, partition, kafka_offset, received_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (event_id) DO NOTHING
     RETURNING event_id`,
    [entry.eventId, entry.eventType, entry.topic, entry.partition, entry.offset, entry.receivedAt],
  )) as unknown[];
  return inserted.length > 0;
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
