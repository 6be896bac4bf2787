import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCarrierTables1764576000200 implements MigrationInterface {
  name = 'CreateCarrierTables1764576000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Shipments registered at packing, with what tracking them needs and what it has found.
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS carrier_ingest.shipments (
        shipment_id uuid PRIMARY KEY,
        order_id uuid NOT NULL,
        merchant_id text NOT NULL,
        carrier text NOT NULL,
        tracking_number text NOT NULL,
        service_level text,
        registered_at timestamptz NOT NULL,
        number_valid boolean NOT NULL,
        state text NOT NULL,
        state_reason text,
        state_occurred_at timestamptz NOT NULL,
        first_scan_at timestamptz,
        last_update_at timestamptz NOT NULL,
        not_found_since timestamptz,
        not_picked_up_raised_at timestamptz,
        voided_at timestamptz,
        tracking_closed_at timestamptz,
        next_poll_at timestamptz,
        poll_failures integer NOT NULL DEFAULT 0,
        last_poll_error text
      )`);
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS shipments_by_number ON carrier_ingest.shipments (tracking_number)`,
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS shipments_due_for_poll ON carrier_ingest.shipments (next_poll_at) WHERE next_poll_at IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS shipments_open ON carrier_ingest.shipments (last_update_at) WHERE tracking_closed_at IS NULL`,
    );
    // Every scan once, whichever way it came; dedupe_key makes the same scan by push and by poll one row.
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS carrier_ingest.scans (
        id uuid PRIMARY KEY,
        shipment_id uuid NOT NULL REFERENCES carrier_ingest.shipments (shipment_id),
        dedupe_key text NOT NULL,
        source text NOT NULL,
        state text NOT NULL,
        reason text,
        raw_code text NOT NULL,
        raw_description text NOT NULL,
        occurred_at timestamptz NOT NULL,
        occurred_at_text text NOT NULL,
        occurred_at_resolution text NOT NULL,
        location jsonb,
        proof_of_delivery jsonb,
        carrier_event_id text,
        carrier_estimated_delivery timestamptz,
        note text,
        recorded_by text,
        recorded_at timestamptz NOT NULL,
        CONSTRAINT scans_shipment_dedupe_key UNIQUE (shipment_id, dedupe_key)
      )`);
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS scans_by_shipment ON carrier_ingest.scans (shipment_id, occurred_at)`,
    );
    // Raw webhooks, stored before anything is parsed and processed after the 2xx. replay_key
    // refuses the same signed delivery twice; unparseable ones stay here, dead-lettered with why.
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS carrier_ingest.webhook_deliveries (
        id uuid PRIMARY KEY,
        carrier text NOT NULL,
        replay_key text NOT NULL,
        raw_body bytea NOT NULL,
        headers jsonb NOT NULL,
        received_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('RECEIVED', 'PROCESSED', 'DEAD_LETTERED')),
        attempts integer NOT NULL DEFAULT 0,
        error text,
        processed_at timestamptz,
        CONSTRAINT webhook_deliveries_replay UNIQUE (carrier, replay_key)
      )`);
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS webhook_deliveries_received ON carrier_ingest.webhook_deliveries (received_at) WHERE status = 'RECEIVED'`,
    );
    // Reports for numbers no registered shipment has yet (the label event may still be in flight).
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS carrier_ingest.unmatched_reports (
        id uuid PRIMARY KEY,
        carrier text NOT NULL,
        tracking_number text NOT NULL,
        source text NOT NULL,
        report jsonb NOT NULL,
        received_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS unmatched_reports_by_number ON carrier_ingest.unmatched_reports (tracking_number)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS carrier_ingest.unmatched_reports`);
    await queryRunner.query(`DROP TABLE IF EXISTS carrier_ingest.webhook_deliveries`);
    await queryRunner.query(`DROP TABLE IF EXISTS carrier_ingest.scans`);
    await queryRunner.query(`DROP TABLE IF EXISTS carrier_ingest.shipments`);
  }
}
