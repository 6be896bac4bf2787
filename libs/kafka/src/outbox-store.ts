import { advisoryLockKey, rowsOf } from '@tracking/db';
import type { DataSource } from 'typeorm';
import type { BackoffPolicy } from '@tracking/errors';

export interface ClaimedOutboxRow {
  id: string;
  segment: string;
  topic: string;
  eventType: string;
  payload: Buffer;
  headers: Record<string, string>;
  seq: bigint;
  startedAttempts: number;
  finishedAttempts: number;
}

interface ClaimedRecord {
  id: string;
  segment: string;
  topic: string;
  event_type: string;
  payload: Buffer;
  headers: Record<string, string>;
  seq: string;
  started_attempts: number;
  finished_attempts: number;
}

export interface PublishedRow {
  topic: string;
  latencySeconds: number;
}

export const PRUNE_CHUNK_ROWS = 5_000;

/** The relay's SQL against one service's outbox table. */
export class OutboxStore {
  private readonly table: string;
  private readonly claimLock: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    this.table = `"${schema}".outbox`;
    this.claimLock = advisoryLockKey(`outbox-claim:${schema}`);
  }

  /**
   * Leases up to `limit` rows that may be published now, in seq order. Rows are never found by
   * "seq greater than the last one seen": a writer that took its seq earlier may commit later,
   * and such a row would be skipped for good. Instead every unfinished row whose lease has run
   * out is a candidate, unless its segment (order) has a row under lease: in flight at another
   * relay, or waiting out a backoff after a failed publish. One order's events therefore leave
   * in seq order, one claim at a time, even across replicas, while other orders go on.
   *
   * The transaction-scoped advisory lock makes claims take turns across replicas without holding
   * a connection between claims; SKIP LOCKED steps over rows another relay is marking right now.
   * The leased segments are read first and passed back as an array, which PostgreSQL hashes: a
   * join against them could turn quadratic under a large backlog.
   */
  async claim(limit: number, leaseMs: number): Promise<ClaimedOutboxRow[]> {
    const t = this.table;
    const records = await this.dataSource.transaction(async (manager) => {
      // The claim must walk the seq index and stop after `limit` rows. Without fresh statistics
      // (a table filled faster than autovacuum analyzes it) the planner prefers a bitmap scan and
      // a sort of the whole backlog instead; for this transaction only, it may not.
      await manager.query(
        `SELECT pg_advisory_xact_lock(${this.claimLock}),
                set_config('enable_sort', 'off', true), set_config('enable_bitmapscan', 'off', true)`,
      );
      const [{ segments }] = (await manager.query(
        `SELECT coalesce(array_agg(DISTINCT segment), '{}') AS segments FROM ${t}
          WHERE processed_at IS NULL AND abandoned_at IS NULL AND started_attempts > 0 AND locked_until > now()`,
      )) as Array<{ segments: string[] }>;
      return rowsOf<ClaimedRecord>(
        manager,
        `WITH candidates AS (
           SELECT o.id FROM ${t} o
            WHERE o.processed_at IS NULL AND o.abandoned_at IS NULL AND o.locked_until <= now()
              AND o.segment <> ALL($3::text[])
            ORDER BY o.seq
            LIMIT $1
            FOR UPDATE OF o SKIP LOCKED)
         UPDATE ${t} o
            SET locked_until = now() + make_interval(secs => $2::double precision / 1000),
                started_attempts = o.started_attempts + 1
           FROM candidates c
          WHERE o.id = c.id
         RETURNING o.id, o.segment, o.topic, o.event_type, o.payload, o.headers, o.seq::text AS seq,
                   o.started_attempts, o.finished_attempts`,
        [limit, leaseMs, segments],
      );
    });
    return (
      records
        .map((record) => ({
          id: record.id,
          segment: record.segment,
          topic: record.topic,
          eventType: record.event_type,
          payload: record.payload,
          headers: record.headers,
          seq: BigInt(record.seq),
          startedAttempts: record.started_attempts,
          finishedAttempts: record.finished_attempts,
        }))
        // RETURNING has no order of its own.
        .sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0))
    );
  }

  async markPublished(ids: readonly string[]): Promise<PublishedRow[]> {
    const records = await rowsOf<{ topic: string; latency_seconds: number }>(
      this.dataSource.manager,
      `UPDATE ${this.table}
          SET processed_at = clock_timestamp(), finished_attempts = finished_attempts + 1, last_error = NULL
        WHERE id = ANY($1::uuid[])
       RETURNING topic, extract(epoch FROM clock_timestamp() - created_at)::float8 AS latency_seconds`,
      [ids],
    );
    return records.map((record) => ({ topic: record.topic, latencySeconds: record.latency_seconds }));
  }

  /** The rows wait out an exponential backoff with jitter, counted from their own failures. */
  async markFailed(ids: readonly string[], reason: string, backoff: BackoffPolicy): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table}
          SET finished_attempts = finished_attempts + 1,
              last_error = $2,
              locked_until = now() + make_interval(secs =>
                least($4::double precision, $3::double precision * power(2, least(finished_attempts, 30)))
                * (0.5 + random() / 2) / 1000)
        WHERE id = ANY($1::uuid[])`,
      [ids, reason, backoff.initialDelayMs, backoff.maxDelayMs],
    );
  }

  async abandon(ids: readonly string[], reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table} SET abandoned_at = now(), last_error = $2 WHERE id = ANY($1::uuid[])`,
      [ids, reason],
    );
  }

  async countBacklog(): Promise<number> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS backlog FROM ${this.table} WHERE processed_at IS NULL AND abandoned_at IS NULL`,
    )) as Array<{ backlog: number }>;
    return row?.backlog ?? 0;
  }

  /** Deletes in chunks: at thousands of events a second an hour's rows are millions. */
  async pruneProcessed(retentionMs: number): Promise<number> {
    return pruneInChunks(
      this.dataSource,
      `DELETE FROM ${this.table} WHERE id IN (
         SELECT id FROM ${this.table}
          WHERE processed_at < now() - make_interval(secs => $1::double precision / 1000)
          LIMIT ${PRUNE_CHUNK_ROWS})`,
      [retentionMs],
    );
  }
}

export async function pruneInChunks(dataSource: DataSource, sql: string, params: unknown[]): Promise<number> {
  let total = 0;
  for (;;) {
    const result: unknown = await dataSource.query(sql, params);
    // TypeORM answers a DELETE with [rows, affected].
    const affected = Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
    total += affected;
    if (affected < PRUNE_CHUNK_ROWS) return total;
  }
}
