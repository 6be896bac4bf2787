import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A buyer's contact details now arrive on their own topic (order.buyer-contact-recorded), apart
 * from the order (order.received), in either order; and a buyer may be erased. So a row of
 * `buyer_contacts` is filled in two halves, each nullable until it comes, and an erasure leaves
 * the row as a marker that later contact events cannot fill again.
 */
export class RecordContactApartAndErasure1796410100000 implements MigrationInterface {
  name = 'RecordContactApartAndErasure1796410100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE notification.buyer_contacts
        ALTER COLUMN external_order_id DROP NOT NULL,
        ALTER COLUMN tracking_token DROP NOT NULL,
        ALTER COLUMN first_name DROP NOT NULL,
        ALTER COLUMN received_at DROP NOT NULL,
        ALTER COLUMN email_chosen SET DEFAULT false,
        ALTER COLUMN sms_chosen SET DEFAULT false,
        ALTER COLUMN sms_consent_granted SET DEFAULT false,
        ADD COLUMN IF NOT EXISTS contact_recorded_at timestamptz,
        ADD COLUMN IF NOT EXISTS erased_at timestamptz,
        ADD COLUMN IF NOT EXISTS erasure_request_id text`);
    // Rows from before the split came whole, from order.received.
    await queryRunner.query(`
      UPDATE notification.buyer_contacts SET contact_recorded_at = received_at
       WHERE contact_recorded_at IS NULL AND erased_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE notification.buyer_contacts
        DROP COLUMN IF EXISTS erasure_request_id,
        DROP COLUMN IF EXISTS erased_at,
        DROP COLUMN IF EXISTS contact_recorded_at`);
  }
}
