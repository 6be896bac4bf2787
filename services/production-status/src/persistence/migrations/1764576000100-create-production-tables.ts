import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateProductionTables1764576000100 implements MigrationInterface {
  name = 'CreateProductionTables1764576000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Orders as learnt from tracking.orders.v1: only what decides who may report and what is possible.
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS production_status.orders (
        order_id uuid PRIMARY KEY,
        merchant_id text NOT NULL,
        fulfillment_centre_id text,
        received_at timestamptz NOT NULL,
        packed_at timestamptz,
        cancelled_at timestamptz,
        delivered_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Every report a centre sent, accepted or waiting for its order. The centre's own event id is
    // the idempotency key; status says what became of the report.
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS production_status.production_steps (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL,
        fulfillment_centre_id text NOT NULL,
        centre_event_id text NOT NULL,
        step text NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('APPLIED', 'AWAITING_ORDER', 'DEAD_LETTERED')),
        status_reason text,
        state text,
        reason_code text,
        voided_shipment_id uuid,
        report jsonb NOT NULL,
        CONSTRAINT production_steps_centre_event_key UNIQUE (fulfillment_centre_id, centre_event_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS production_steps_order_timeline ON production_status.production_steps (order_id, occurred_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS production_steps_awaiting_order ON production_status.production_steps (recorded_at) WHERE status = 'AWAITING_ORDER'`,
    );
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS production_status.shipments (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL,
        carrier text NOT NULL,
        tracking_number text NOT NULL,
        service_level text,
        package_count integer NOT NULL DEFAULT 1,
        weight_grams integer,
        packed_at timestamptz NOT NULL,
        voided_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS shipments_by_order ON production_status.shipments (order_id)`,
    );
    // One live label per tracking number: a number reused on another order is a centre's mistake.
    await queryRunner.query(
      `CREATE UNIQUE INDEX IF NOT EXISTS shipments_live_tracking_number ON production_status.shipments (tracking_number) WHERE voided_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS production_status.shipments`);
    await queryRunner.query(`DROP TABLE IF EXISTS production_status.production_steps`);
    await queryRunner.query(`DROP TABLE IF EXISTS production_status.orders`);
  }
}
