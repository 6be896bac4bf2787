import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The buyer's first name and destination city move out of the projection into buyer_contacts,
 * fed from the buyer-contacts topic and erasable without touching the projection; erased orders
 * get a marker that outlives any replay. order.received no longer carries contact data or the
 * plain token, so its stored copies are rewritten to what it carries now.
 */
export class KeepBuyerGreetingsApart1796410800000 implements MigrationInterface {
  name = 'KeepBuyerGreetingsApart1796410800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS tracking_api.buyer_contacts (
        order_id uuid PRIMARY KEY,
        first_name text NOT NULL,
        city text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS tracking_api.buyer_erasures (
        order_id uuid PRIMARY KEY,
        request_id text NOT NULL,
        erased_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      INSERT INTO tracking_api.buyer_contacts (order_id, first_name, city)
      SELECT order_id, buyer_first_name, destination_city FROM tracking_api.orders
      ON CONFLICT (order_id) DO NOTHING`);
    // Views are stored without the greeting and joined with it when served.
    for (const table of ['tracking_api.orders', 'tracking_api.status_changes']) {
      await queryRunner.query(`
        UPDATE ${table} SET public_view = jsonb_set(jsonb_set(public_view,
          '{buyer,firstName}', '""'), '{destination,city}', '""')
         WHERE public_view #>> '{buyer,firstName}' <> '' OR public_view #>> '{destination,city}' <> ''`);
    }
    await queryRunner.query(`
      UPDATE tracking_api.events SET envelope = jsonb_set(envelope, '{payload,value}',
        (envelope #> '{payload,value}') - 'buyer' - 'shippingAddress' - 'trackingToken'
          || jsonb_strip_nulls(jsonb_build_object(
               'trackingTokenHash', encode(sha256(convert_to(envelope #>> '{payload,value,trackingToken}', 'UTF8')), 'hex'),
               'buyerLocale', envelope #>> '{payload,value,buyer,locale}',
               'destination', jsonb_strip_nulls(jsonb_build_object(
                 'countryCode', envelope #>> '{payload,value,shippingAddress,countryCode}',
                 'region', envelope #>> '{payload,value,shippingAddress,region}')))))
       WHERE type = 'order.received'
         AND (envelope #> '{payload,value}') ?| array['buyer', 'shippingAddress', 'trackingToken']`);
    await queryRunner.query(`ALTER TABLE tracking_api.orders DROP COLUMN IF EXISTS buyer_first_name`);
    await queryRunner.query(`ALTER TABLE tracking_api.orders DROP COLUMN IF EXISTS destination_city`);
    // order.received published before the hash travelled in it decodes without one: such an order
    // keeps the hash a rebuild found on it, and is otherwise unreachable by token rather than
    // colliding with every other one in the unique index.
    await queryRunner.query(`ALTER TABLE tracking_api.orders ALTER COLUMN tracking_token_hash DROP NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE tracking_api.orders ADD COLUMN IF NOT EXISTS buyer_first_name text NOT NULL DEFAULT ''`,
    );
    await queryRunner.query(
      `ALTER TABLE tracking_api.orders ADD COLUMN IF NOT EXISTS destination_city text NOT NULL DEFAULT ''`,
    );
    await queryRunner.query(`
      UPDATE tracking_api.orders o SET buyer_first_name = c.first_name, destination_city = c.city
        FROM tracking_api.buyer_contacts c WHERE c.order_id = o.order_id`);
    await queryRunner.query(`DROP TABLE IF EXISTS tracking_api.buyer_erasures`);
    await queryRunner.query(`DROP TABLE IF EXISTS tracking_api.buyer_contacts`);
  }
}
