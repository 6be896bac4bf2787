import { TrackingError } from '@tracking/errors';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

/** Schema names are interpolated into SQL and channel names, so only plain identifiers are accepted. */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new TrackingError('CONFIG_INVALID', `schema "${schema}" must be a lowercase SQL identifier`, {
      details: { schema },
    });
  }
  return schema;
}

/** The channel the outbox writer NOTIFYs on commit and the relay LISTENs to. */
export function outboxChannel(schema: string): string {
  return `${assertSchemaName(schema)}_outbox`;
}

/**
 * The outbox and inbox tables every service owns, in its own schema. One factory rather than a
 * copied migration per service, so the relay's and the consumer's SQL always meet the shape they
 * expect. The timestamp sorts it before any service table.
 */
export function messagingTablesMigration(schema: string): new () => MigrationInterface {
  const s = assertSchemaName(schema);
  return class MessagingTables1763856000000 implements MigrationInterface {
    // TypeORM reads the timestamp from the end of the name, and records it per schema.
    readonly name = 'MessagingTables1763856000000';

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`
        CREATE TABLE IF NOT EXISTS "${s}".outbox (
          id uuid PRIMARY KEY,
          segment text NOT NULL,
          topic text NOT NULL,
          event_type text NOT NULL,
          payload bytea NOT NULL,
          headers jsonb NOT NULL DEFAULT '{}'::jsonb,
          seq bigserial NOT NULL,
          created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
          locked_until timestamptz NOT NULL DEFAULT '-infinity',
          started_attempts integer NOT NULL DEFAULT 0,
          finished_attempts integer NOT NULL DEFAULT 0,
          processed_at timestamptz,
          abandoned_at timestamptz,
          last_error text
        )`);
      // The relay reads only unfinished rows: in seq order to claim them, by lease to find the
      // orders that must wait. Both indexes stay small however long the table grows. Only rows
      // claimed before can hold a lease, and saying so in the lease index's predicate keeps the
      // planner from choosing it for the claim scan, which must walk seq order.
      await queryRunner.query(`
        CREATE INDEX IF NOT EXISTS outbox_pending_by_seq
          ON "${s}".outbox (seq) WHERE processed_at IS NULL AND abandoned_at IS NULL`);
      await queryRunner.query(`
        CREATE INDEX IF NOT EXISTS outbox_pending_by_lease
          ON "${s}".outbox (locked_until)
          WHERE processed_at IS NULL AND abandoned_at IS NULL AND started_attempts > 0`);
      await queryRunner.query(`
        CREATE INDEX IF NOT EXISTS outbox_processed_at
          ON "${s}".outbox (processed_at) WHERE processed_at IS NOT NULL`);

      await queryRunner.query(`
        CREATE TABLE IF NOT EXISTS "${s}".inbox (
          event_id uuid PRIMARY KEY,
          event_type text NOT NULL,
          topic text NOT NULL,
          partition integer NOT NULL,
          kafka_offset bigint NOT NULL,
          received_at timestamptz NOT NULL,
          processed_at timestamptz NOT NULL DEFAULT now()
        )`);
      await queryRunner.query(`CREATE INDEX IF NOT EXISTS inbox_processed_at ON "${s}".inbox (processed_at)`);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DROP TABLE IF EXISTS "${s}".inbox`);
      await queryRunner.query(`DROP TABLE IF EXISTS "${s}".outbox`);
    }
  };
}
