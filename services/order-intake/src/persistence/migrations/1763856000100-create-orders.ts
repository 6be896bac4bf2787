import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrders1763856000100 implements MigrationInterface {
  name = 'CreateOrders1763856000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS order_intake.orders (
        id uuid PRIMARY KEY,
        merchant_id text NOT NULL,
        external_order_id text NOT NULL,
        storefront_platform text NOT NULL,
        placed_at timestamptz NOT NULL,
        buyer jsonb NOT NULL,
        shipping_address jsonb NOT NULL,
        line_items jsonb NOT NULL,
        fulfillment_center_id text,
        promised_delivery_date date,
        tracking_token text NOT NULL,
        submission_fingerprint text NOT NULL,
        lifecycle text NOT NULL CHECK (lifecycle IN ('ACTIVE', 'CANCELLED')),
        progress text NOT NULL,
        packed_at timestamptz,
        cancelled_at timestamptz,
        cancellation_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX IF NOT EXISTS orders_merchant_external_id_key ON order_intake.orders (merchant_id, external_order_id)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX IF NOT EXISTS orders_tracking_token_key ON order_intake.orders (tracking_token)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS order_intake.orders`);
  }
}
