/**
 * A merchant's erasure request, end to end: a buyer's order taken through every service, then
 * `POST /v1/buyers/erasure` at order-intake. Every service must end up holding nothing that
 * identifies or reaches that buyer, in any table, while the order stays tracked and counted.
 */
import { eventually } from '@tracking/testing';
import { DataSource } from 'typeorm';
import { type RunningService, type RunningSystem, startSystem } from './support/system';
import { createTenantResources, type TenantResources } from './support/tenant-resources';

interface TrackView {
  buyer?: { firstName?: string };
  status: { state: string };
}

/** Every table of the service's database whose rows, read as text, contain `needle`. */
async function tablesHolding(service: RunningService, needle: string): Promise<string[]> {
  const dataSource = service.environment.app.get(DataSource);
  const columns: Array<{ table_schema: string; table_name: string; column_name: string; data_type: string }> =
    await dataSource.query(
      `SELECT c.table_schema, c.table_name, c.column_name, c.data_type
         FROM information_schema.columns c
         JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
  const tables = new Map<string, string[]>();
  for (const column of columns) {
    const table = `"${column.table_schema}"."${column.table_name}"`;
    // Encoded events sit in bytea (the outbox): read them as the text they are.
    const asText =
      column.data_type === 'bytea'
        ? `encode("${column.column_name}", 'escape')`
        : `"${column.column_name}"::text`;
    tables.set(table, [...(tables.get(table) ?? []), asText]);
  }
  const holding: string[] = [];
  for (const [table, texts] of tables) {
    const [{ count }] = (await dataSource.query(
      `SELECT count(*)::int AS count FROM ${table} WHERE concat_ws(' ', ${texts.join(', ')}) ILIKE $1`,
      [`%${needle}%`],
    )) as [{ count: number }];
    if (count > 0) holding.push(`${service.name}: ${table}`);
  }
  return holding;
}

describe("erasing a buyer's personal data", () => {
  let system: RunningSystem;
  let tenant: TenantResources;
  let merchant: string;

  beforeAll(async () => {
    system = await startSystem();
    tenant = await createTenantResources(system, 'erasure');
    merchant = await system.intake.tokenFor('merchant', tenant.merchantId);
  }, 180_000);

  afterAll(() => system?.close());

  it('removes the buyer from every service, while the order stays tracked and counted', async () => {
    const { surname, email, street } = tenant.buyer;
    // Before: the buyer is known where they must be, so the checks below can fail.
    const greeted = await eventually(
      async () => {
        const view = await system.tracking.request<TrackView>('GET', `/v1/track/${tenant.trackingToken}`);
        return view.status === 200 && view.body.buyer?.firstName === 'Ada' ? view.body : undefined;
      },
      { what: 'tracking-api to greet the buyer by name' },
    );
    const before = (
      await Promise.all(system.services.map((service) => tablesHolding(service, email)))
    ).flat();
    expect(before).toEqual(expect.arrayContaining([expect.stringMatching(/^order-intake: /)]));
    expect(before).toEqual(expect.arrayContaining([expect.stringMatching(/^notification: /)]));

    const erasure = await system.intake.request<{ orderIds: string[] }>('POST', '/v1/buyers/erasure', {
      token: merchant,
      body: { email },
    });
    expect(erasure.status).toBe(202);
    expect(erasure.body.orderIds).toEqual([tenant.orderId]);

    await eventually(
      async () => {
        const left = (
          await Promise.all(
            system.services.flatMap((service) =>
              [surname, email, street].map((needle) => tablesHolding(service, needle)),
            ),
          )
        ).flat();
        return left.length === 0 ? true : (undefined as never);
      },
      { what: "every service to hold nothing of the buyer's", timeoutMs: 45_000 },
    ).catch(async (error: unknown) => {
      const left = (
        await Promise.all(
          system.services.flatMap((service) =>
            [surname, email, street].map((needle) => tablesHolding(service, needle)),
          ),
        )
      ).flat();
      throw new Error(`${String(error)}; still held in ${[...new Set(left)].join(', ')}`);
    });

    const view = await system.tracking.request<TrackView>('GET', `/v1/track/${tenant.trackingToken}`);
    expect(view.status).toBe(200);
    expect(view.body.buyer?.firstName ?? '').toBe('');
    expect(view.body.status.state).toBe(greeted.status.state);
    const orders = await system.tracking.request<{ orders: Array<{ orderId: string }> }>(
      'GET',
      '/v1/orders',
      {
        token: merchant,
      },
    );
    expect(orders.body.orders.map((order) => order.orderId)).toContain(tenant.orderId);
  }, 120_000);
});
