import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateNotificationTables1764576000400 implements MigrationInterface {
  name = 'CreateNotificationTables1764576000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS notification.merchant_settings (
        merchant_id text PRIMARY KEY,
        settings jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Only what reaching the buyer needs: no last name, no street address (the zone is derived
    // from the country and region when the order arrives).
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS notification.buyer_contacts (
        order_id uuid PRIMARY KEY,
        merchant_id text NOT NULL,
        external_order_id text NOT NULL,
        tracking_token text NOT NULL,
        first_name text NOT NULL,
        email text,
        phone text,
        locale text,
        time_zone text,
        email_chosen boolean NOT NULL,
        sms_chosen boolean NOT NULL,
        sms_consent_granted boolean NOT NULL,
        sms_consent_recorded_at timestamptz,
        sms_consent_source text,
        received_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS buyer_contacts_by_phone ON notification.buyer_contacts (phone) WHERE phone IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS notification.order_progress (
        order_id uuid PRIMARY KEY,
        merchant_id text NOT NULL,
        state text,
        milestone_rank integer NOT NULL DEFAULT 0,
        status_occurred_at timestamptz,
        estimated_from timestamptz,
        estimated_to timestamptz,
        late boolean NOT NULL DEFAULT false,
        announced_window_to timestamptz,
        late_announced boolean NOT NULL DEFAULT false,
        notified_rank integer NOT NULL DEFAULT 0,
        cancelled boolean NOT NULL DEFAULT false
      )`);
    // The unique key is the "never twice" rule: a replayed or redelivered status, a restart, a
    // second replica, all run into it instead of creating a second message.
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS notification.notifications (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL,
        merchant_id text NOT NULL,
        kind text NOT NULL,
        dedupe_key text NOT NULL,
        trigger_state text NOT NULL,
        trigger_reason text,
        rank integer NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING', 'EXPANDED', 'SUPERSEDED', 'SKIPPED')),
        status_detail text,
        source_event_id uuid NOT NULL,
        occurred_at timestamptz NOT NULL,
        send_after timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT notifications_once_per_order UNIQUE (order_id, dedupe_key)
      )`);
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS notifications_due ON notification.notifications (send_after) WHERE status = 'PENDING'`,
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS notifications_by_merchant_order ON notification.notifications (merchant_id, order_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS notification.deliveries (
        id uuid PRIMARY KEY,
        notification_id uuid NOT NULL REFERENCES notification.notifications (id),
        order_id uuid NOT NULL,
        merchant_id text NOT NULL,
        channel text NOT NULL CHECK (channel IN ('email', 'sms', 'webhook')),
        status text NOT NULL
          CHECK (status IN ('PENDING', 'SENT', 'FAILED', 'SKIPPED', 'SUPERSEDED', 'DEAD_LETTERED')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        locked_until timestamptz NOT NULL DEFAULT '-infinity',
        held_for_quiet_hours boolean NOT NULL DEFAULT false,
        provider_message_id text,
        last_error text,
        completed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT deliveries_once_per_channel UNIQUE (notification_id, channel)
      )`);
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS deliveries_due ON notification.deliveries (next_attempt_at) WHERE status = 'PENDING'`,
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS deliveries_by_order ON notification.deliveries (order_id) WHERE status = 'PENDING'`,
    );
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS notification.delivery_log (
        id uuid PRIMARY KEY,
        notification_id uuid NOT NULL,
        delivery_id uuid,
        order_id uuid NOT NULL,
        merchant_id text NOT NULL,
        kind text NOT NULL,
        channel text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('SENT', 'FAILED', 'SKIPPED')),
        final boolean NOT NULL,
        detail text,
        recipient text,
        provider_message_id text,
        attempt integer NOT NULL DEFAULT 0,
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS delivery_log_by_merchant_order ON notification.delivery_log (merchant_id, order_id, recorded_at)`,
    );
    // STOP applies to the number, whatever the order: the sending number is ours, not the merchant's.
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS notification.sms_opt_outs (
        phone text PRIMARY KEY,
        opted_out_at timestamptz NOT NULL
      )`);
    // Replies by the provider's message id, so a provider retrying its callback is applied once.
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS notification.sms_replies (
        provider_message_id text PRIMARY KEY,
        phone text NOT NULL,
        action text NOT NULL CHECK (action IN ('STOP', 'START', 'HELP', 'OTHER')),
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'sms_replies',
      'sms_opt_outs',
      'delivery_log',
      'deliveries',
      'notifications',
      'order_progress',
      'buyer_contacts',
      'merchant_settings',
    ]) {
      await queryRunner.query(`DROP TABLE IF EXISTS notification.${table}`);
    }
  }
}
