import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateReadModel1764576000300 implements MigrationInterface {
  name = 'CreateReadModel1764576000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Every tracking fact consumed, as received: the read model is recomputed from these.
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS tracking_api.events (
        event_id uuid PRIMARY KEY,
        order_id uuid NOT NULL,
        merchant_id text NOT NULL,
        shipment_id uuid,
        type text NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        consumed_at timestamptz NOT NULL DEFAULT now(),
        source_service text NOT NULL,
        upstream text NOT NULL,
        envelope jsonb NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS events_by_order ON tracking_api.events (order_id, occurred_at)`,
    );
    // One row per order: what the buyer page, the merchant list and the metrics read.
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS tracking_api.orders (
        order_id uuid PRIMARY KEY,
        merchant_id text NOT NULL,
        external_order_id text NOT NULL,
        tracking_token_hash text NOT NULL,
        storefront_platform text NOT NULL,
        placed_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        fulfillment_centre_id text,
        promised_delivery_date date,
        buyer_first_name text NOT NULL,
        buyer_locale text NOT NULL,
        destination_city text NOT NULL,
        destination_country text NOT NULL,
        state text NOT NULL,
        state_reason text,
        state_occurred_at timestamptz NOT NULL,
        milestone text,
        milestones jsonb NOT NULL,
        exception jsonb,
        packed_at timestamptz,
        first_carrier_scan_at timestamptz,
        delivered_at timestamptz,
        last_event_at timestamptz NOT NULL,
        eta_from timestamptz,
        eta_to timestamptz,
        carriers text[] NOT NULL DEFAULT '{}',
        valid_tracking boolean NOT NULL DEFAULT false,
        status_version integer NOT NULL DEFAULT 0,
        public_view jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX IF NOT EXISTS orders_tracking_token ON tracking_api.orders (tracking_token_hash)`,
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS orders_by_merchant ON tracking_api.orders (merchant_id, placed_at DESC, order_id DESC)`,
    );
    // The status history by version: what a reconnecting stream resumes from.
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS tracking_api.status_changes (
        order_id uuid NOT NULL,
        version integer NOT NULL,
        state text NOT NULL,
        public_view jsonb NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (order_id, version)
      )`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS tracking_api.feedback (
        order_id uuid PRIMARY KEY,
        rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
        comment text,
        submitted_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS tracking_api.delivery_change_requests (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL,
        request jsonb NOT NULL,
        requested_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['delivery_change_requests', 'feedback', 'status_changes', 'orders', 'events']) {
      await queryRunner.query(`DROP TABLE IF EXISTS tracking_api.${table}`);
    }
  }
}
