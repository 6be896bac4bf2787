import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A try of a stored webhook used to be counted by the transaction that processed it, so a try
 * that failed inside that transaction (or killed its worker) was never counted and the delivery
 * came back forever. Tries are now counted before they start and after they end, and a claimed
 * delivery is leased rather than held by a row lock for the whole try.
 */
export class CountWebhookAttemptsBeforeProcessing1796408147747 implements MigrationInterface {
  name = 'CountWebhookAttemptsBeforeProcessing1796408147747';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE carrier_ingest.webhook_deliveries RENAME COLUMN attempts TO finished_attempts`,
    );
    await queryRunner.query(`
      ALTER TABLE carrier_ingest.webhook_deliveries
        ADD COLUMN started_attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN locked_until timestamptz`);
    await queryRunner.query(
      `UPDATE carrier_ingest.webhook_deliveries SET started_attempts = finished_attempts`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE carrier_ingest.webhook_deliveries
        DROP COLUMN locked_until,
        DROP COLUMN started_attempts`);
    await queryRunner.query(
      `ALTER TABLE carrier_ingest.webhook_deliveries RENAME COLUMN finished_attempts TO attempts`,
    );
  }
}
