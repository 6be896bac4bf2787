import { randomUUID } from 'node:crypto';
import { UnitOfWork } from '@tracking/db';
import { TOPICS } from '@tracking/events';
import { createTestDatabase, type MessageCollector, type TestDatabase, TestKafka } from '@tracking/testing';
import { DataSource } from 'typeorm';
import { EventPublisher, OutboxWriter } from '../src';
import {
  eventually,
  type MessagingApp,
  noteOf,
  orderEvent,
  startMessagingApp,
  uniqueName,
} from './messaging-harness';

// Outbox events go to their catalogue topic, which other test files share: every assertion
// filters on this file's own order ids.
describe('outbox relay', () => {
  const schema = 'relay_tests';
  const kafka = new TestKafka();
  let database: TestDatabase;
  let orders: MessageCollector;
  const apps: MessagingApp[] = [];

  const start = async (
    kafkaOptions: Parameters<typeof startMessagingApp>[0]['kafka'] = {},
  ): Promise<MessagingApp> => {
    const app = await startMessagingApp({
      database,
      schema,
      serviceName: uniqueName('relay-test'),
      kafka: kafkaOptions,
    });
    apps.push(app);
    return app;
  };
  const messagesFor = (orderIds: ReadonlySet<string>) =>
    orders.messages.filter((m) => orderIds.has(m.key ?? ''));

  beforeAll(async () => {
    database = await createTestDatabase();
    orders = await kafka.collect(TOPICS.orders);
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  afterAll(async () => {
    await kafka.close();
    await database.drop();
  });

  it('publishes rows of committed transactions and never those of rolled-back ones', async () => {
    const service = await start();
    const orderId = randomUUID();
    const rolledBack = orderEvent(orderId, 'rolled back');
    const committed = orderEvent(orderId, 'committed');

    await expect(
      service.app.get(UnitOfWork).run(async (tx) => {
        await service.app.get(OutboxWriter).append(tx, [rolledBack]);
        throw new Error('use case failed after writing its event');
      }),
    ).rejects.toThrow('use case failed');
    await service.emit([committed]);

    const [received] = await orders.waitFor((m) => m.key === orderId);
    expect(received!.headers['event-id']).toBe(committed.eventId);
    expect(received!.headers['event-type']).toBe('order.cancelled');
    expect(noteOf(received!.value)).toBe('committed');
    // The committed row came after the rolled-back one in seq order, so had the rolled-back row
    // existed it would have been published first.
    expect(orders.messages.filter((m) => m.headers['event-id'] === rolledBack.eventId)).toHaveLength(0);
    const [{ count }] = await service.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS count FROM ${schema}.outbox WHERE id = $1`, [rolledBack.eventId]);
    expect(count).toBe(0);
  });

  it('keeps each order in order and loses nothing with concurrent writers and two relays on one table', async () => {
    // Small claims so both relays take many turns while writers are still committing.
    const [first, second] = [
      await start({ outbox: { batchSize: 25 } }),
      await start({ outbox: { batchSize: 25 } }),
    ];
    const publishes = [first, second].map((relay) => jest.spyOn(relay.app.get(EventPublisher), 'publish'));
    const groups = 10;
    const ordersPerGroup = 4;
    const eventsPerOrder = 10;
    const orderIds = Array.from({ length: groups * ordersPerGroup }, () => randomUUID());

    // Each group of orders is a chain of transactions, one event per order each, written
    // through either replica; the chains run concurrently, so seq values interleave and
    // commits race each other.
    await Promise.all(
      Array.from({ length: groups }, async (_, group) => {
        const writer = group % 2 === 0 ? first : second;
        const groupOrders = orderIds.slice(group * ordersPerGroup, (group + 1) * ordersPerGroup);
        for (let step = 0; step < eventsPerOrder; step += 1) {
          await writer.emit(groupOrders.map((orderId) => orderEvent(orderId, `step ${step}`)));
        }
      }),
    );

    const expected = orderIds.length * eventsPerOrder;
    const mine = new Set(orderIds);
    await eventually(
      `${expected} distinct events`,
      () => new Set(messagesFor(mine).map((m) => m.headers['event-id'])).size === expected,
      30_000,
    );

    // Both replicas took turns claiming from the same table.
    for (const publish of publishes) expect(publish).toHaveBeenCalled();
    for (const orderId of orderIds) {
      const seen = new Set<string>();
      const steps = orders.messages
        .filter((m) => m.key === orderId)
        .filter((m) => !seen.has(m.headers['event-id']!) && seen.add(m.headers['event-id']!))
        .map((m) => noteOf(m.value));
      expect(steps).toEqual(Array.from({ length: eventsPerOrder }, (_, step) => `step ${step}`));
    }
  });

  it('publishes rows written while no relay ran once one starts again', async () => {
    const stopped = await start();
    await stopped.close();
    apps.splice(apps.indexOf(stopped), 1);

    // Written straight to the table, as a crashed replica would have left them.
    const orderId = randomUUID();
    const writer = await startWriterOnly(database, schema);
    try {
      await writer.write([orderEvent(orderId, 'while stopped 1'), orderEvent(orderId, 'while stopped 2')]);
    } finally {
      await writer.close();
    }

    await start();
    const received = await orders.waitFor((m) => m.key === orderId, { count: 2 });
    expect(received.map((m) => noteOf(m.value))).toEqual(['while stopped 1', 'while stopped 2']);
  });

  it('abandons a row whose publishing crashed the relay repeatedly and dead-letters it', async () => {
    const service = await start({ outbox: { poisonAfterUnfinishedClaims: 3 } });
    const deadLetters = await kafka.collect(`tracking.dead-letter.${service.config.SERVICE_NAME}.v1`);
    const orderId = randomUUID();
    const poison = orderEvent(orderId, 'poison');
    await service.app.get(UnitOfWork).run(async (tx) => {
      await service.app.get(OutboxWriter).append(tx, [poison]);
      // As if three relays had claimed it and died before finishing.
      await tx.manager.query(`UPDATE ${schema}.outbox SET started_attempts = 3 WHERE id = $1`, [
        poison.eventId,
      ]);
    });

    const [letter] = await deadLetters.waitFor((m) => m.key === orderId);
    expect(letter!.headers['x-original-topic']).toBe(TOPICS.orders);
    expect(letter!.headers['x-dead-letter-error-code']).toBe('INTERNAL');
    expect(letter!.headers['x-dead-letter-reason']).toMatch(/without its publish finishing/);
    expect(letter!.headers['event-id']).toBe(poison.eventId);
    const [row] = await eventually('the row marked abandoned', async () => {
      const rows = await service.app
        .get(DataSource)
        .query(
          `SELECT abandoned_at, processed_at FROM ${schema}.outbox WHERE id = $1 AND abandoned_at IS NOT NULL`,
          [poison.eventId],
        );
      return rows.length > 0 ? rows : undefined;
    });
    expect(row.processed_at).toBeNull();
    expect(orders.messages.filter((m) => m.key === orderId)).toHaveLength(0);
  });

  it('dead-letters what a use case gives up on only when its transaction commits', async () => {
    const service = await start();
    const deadLetters = await kafka.collect(`tracking.dead-letter.${service.config.SERVICE_NAME}.v1`);
    const orderId = randomUUID();
    const letter = (note: string) => ({
      id: randomUUID(),
      key: orderId,
      value: Buffer.from(JSON.stringify({ note })),
      headers: { 'content-type': 'application/json' },
      cause: {
        reason: `gave up: ${note}`,
        errorCode: 'NOT_FOUND' as const,
        originalTopic: 'http:/v1/things',
      },
    });
    const writer = service.app.get(OutboxWriter);

    await expect(
      service.app.get(UnitOfWork).run(async (tx) => {
        await writer.appendDeadLetters(tx, [letter('rolled back')]);
        throw new Error('the use case failed');
      }),
    ).rejects.toThrow('the use case failed');
    await service.app.get(UnitOfWork).run((tx) => writer.appendDeadLetters(tx, [letter('committed')]));

    const [received] = await deadLetters.waitFor((m) => m.key === orderId);
    expect(JSON.parse(received!.value)).toEqual({ note: 'committed' });
    expect(received!.headers).toMatchObject({
      'x-dead-letter-reason': 'gave up: committed',
      'x-dead-letter-error-code': 'NOT_FOUND',
      'x-original-topic': 'http:/v1/things',
      'content-type': 'application/json',
    });
    // The rolled-back letter, had it been relayed, would have gone out before the committed one.
    await deadLetters.readToEnd();
    expect(deadLetters.messages.filter((m) => m.key === orderId)).toHaveLength(1);
  });
});

/** Writes outbox rows with the library's writer but no relay running: a DataSource and the SQL alone. */
async function startWriterOnly(database: TestDatabase, schema: string) {
  const dataSource = await new DataSource({
    type: 'postgres',
    url: database.url,
    extra: { max: 1 },
  }).initialize();
  const writer = new OutboxWriter({ schema, serviceName: 'relay-test' }, { wake: () => undefined } as never);
  return {
    write: (envelopes: Parameters<OutboxWriter['append']>[1]) =>
      dataSource.transaction((manager) =>
        writer.append({ manager, afterCommit: () => undefined }, envelopes),
      ),
    close: () => dataSource.destroy(),
  };
}
