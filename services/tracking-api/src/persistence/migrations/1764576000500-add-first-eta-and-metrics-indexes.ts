import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddFirstEtaAndMetricsIndexes1764576000500 implements MigrationInterface {
  name = 'AddFirstEtaAndMetricsIndexes1764576000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The end of the delivery window as estimated from the order alone: what on-time delivery is
    // measured against when the storefront gave no promised date. eta_to cannot serve, as it is
    // revised on every event and ends up on the delivery day itself. Rows projected before this
    // column existed keep NULL (no target) until they are projected again or rebuilt.
    await queryRunner.query(
      `ALTER TABLE tracking_api.orders ADD COLUMN IF NOT EXISTS first_eta_to timestamptz`,
    );
    // The metrics read one merchant's orders by when a stage ended, and its carrier scans by when
    // they were recorded.
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS orders_by_merchant_packed ON tracking_api.orders (merchant_id, packed_at) WHERE packed_at IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS orders_by_merchant_delivered ON tracking_api.orders (merchant_id, delivered_at) WHERE delivered_at IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS events_by_merchant_type ON tracking_api.events (merchant_id, type, recorded_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS tracking_api.events_by_merchant_type`);
    await queryRunner.query(`DROP INDEX IF EXISTS tracking_api.orders_by_merchant_delivered`);
    await queryRunner.query(`DROP INDEX IF EXISTS tracking_api.orders_by_merchant_packed`);
    await queryRunner.query(`ALTER TABLE tracking_api.orders DROP COLUMN IF EXISTS first_eta_to`);
  }
}
