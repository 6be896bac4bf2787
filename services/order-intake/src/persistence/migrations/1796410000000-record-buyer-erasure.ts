import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When an order's buyer was erased: the row keeps its facts and loses who the buyer was. */
export class RecordBuyerErasure1796410000000 implements MigrationInterface {
  name = 'RecordBuyerErasure1796410000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE order_intake.orders ADD COLUMN IF NOT EXISTS erased_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE order_intake.orders DROP COLUMN IF EXISTS erased_at`);
  }
}
