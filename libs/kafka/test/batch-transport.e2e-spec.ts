import { randomUUID } from 'node:crypto';
import { Controller, Injectable, type Type } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DependencyUnavailableError, ValidationFailedError } from '@tracking/errors';
import { deadLetterTopic, encodeEnvelope, envelopeHeaders, type EventEnvelope } from '@tracking/events';
import { createTestDatabase, type MessageCollector, type TestDatabase, TestKafka } from '@tracking/testing';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { KafkaEventContext, replayDeadLetters } from '../src';
import {
  eventually,
  type MessagingApp,
  noteOf,
  orderEvent,
  startMessagingApp,
  uniqueName,
} from './messaging-harness';

const schema = 'transport_tests';
const topic = `kafka-tests.orders.${randomUUID().slice(0, 8)}`;
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');

/** What the test handler does per event, and what it saw. */
@Injectable()
class HandlerProbe {
  readonly invocations = new Map<string, number>();
  readonly accepted = new Set<string>();
  onRetriableFailure?: (context: KafkaEventContext, invocation: number) => Promise<void>;

  invocationsOf(eventId: string): number {
    return this.invocations.get(eventId) ?? 0;
  }
}

function orderEventsController(subscribedTopic: string): Type {
  @Controller()
  class OrderEventsProbeController {
    constructor(private readonly probe: HandlerProbe) {}

    @EventPattern<string>(subscribedTopic)
    async onOrderEvent(@Payload() event: EventEnvelope, @Ctx() context: KafkaEventContext): Promise<void> {
      const invocation = this.probe.invocationsOf(event.eventId) + 1;
      this.probe.invocations.set(event.eventId, invocation);
      const note = noteOf(event);
      if (note === 'refuse' && !this.probe.accepted.has(event.eventId)) {
        throw new ValidationFailedError('order event refused', [
          { field: 'reason', reason: 'refused by the probe' },
        ]);
      }
      const flaky = /^fail (\d+) times$/.exec(note);
      if (flaky && invocation <= Number(flaky[1])) {
        await this.probe.onRetriableFailure?.(context, invocation);
        throw new DependencyUnavailableError('carrier API', new Error('503 from upstream'));
      }
      await context.tx.manager.query(
        `INSERT INTO ${schema}.effects (event_id, note, delivery_attempt) VALUES ($1, $2, $3)`,
        [event.eventId, note, context.attempt],
      );
    }
  }
  return OrderEventsProbeController;
}

class CreateEffects1763856000001 implements MigrationInterface {
  readonly name = 'CreateEffects1763856000001';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE ${schema}.effects (id bigserial PRIMARY KEY, event_id uuid NOT NULL, note text NOT NULL, delivery_attempt int NOT NULL)`,
    );
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${schema}.effects`);
  }
}

describe('Kafka batch transport', () => {
  const kafka = new TestKafka();
  const serviceName = uniqueName('transport-test');
  const groupId = `test-${randomUUID()}`;
  let database: TestDatabase;
  let service: MessagingApp;
  let probe: HandlerProbe;
  let deadLetters: MessageCollector;
  let source: MessageCollector;

  const effectsOf = async (
    eventId: string,
  ): Promise<Array<{ id: string; note: string; delivery_attempt: number }>> =>
    service.app
      .get(DataSource)
      .query(`SELECT id, note, delivery_attempt FROM ${schema}.effects WHERE event_id = $1`, [eventId]);
  const publish = (event: EventEnvelope, value: Buffer | string = encodeEnvelope(event)) =>
    kafka.publish(topic, [{ key: event.orderId, value, headers: envelopeHeaders(event) }]);
  const processed = (event: EventEnvelope) =>
    eventually(`the effect of "${noteOf(event)}"`, async () => (await effectsOf(event.eventId)).length > 0);

  beforeAll(async () => {
    database = await createTestDatabase();
    service = await startMessagingApp({
      database,
      schema,
      serviceName,
      groupId,
      controllers: [orderEventsController(topic)],
      providers: [HandlerProbe],
      migrations: [CreateEffects1763856000001],
      kafka: {
        consumer: { maxAttempts: 3, retryInitialDelayMs: 50, retryMaxDelayMs: 200, maxWaitTimeMs: 200 },
      },
    });
    probe = service.app.get(HandlerProbe);
    deadLetters = await kafka.collect(deadLetterTopic(serviceName));
    source = await kafka.collect(topic);
  });

  afterAll(async () => {
    await service?.close();
    await kafka.close();
    await database?.drop();
  });

  it('applies an event delivered twice only once', async () => {
    const orderId = randomUUID();
    const twice = orderEvent(orderId, 'delivered twice');
    const after = orderEvent(orderId, 'after the duplicate');
    await publish(twice);
    await publish(twice);
    await publish(after);

    await processed(after);
    expect(await effectsOf(twice.eventId)).toHaveLength(1);
    // The second delivery stopped at the inbox, before the handler.
    expect(probe.invocationsOf(twice.eventId)).toBe(1);
  });

  it('dead-letters an event its handler refuses, with the reason, and moves on to the next one', async () => {
    const orderId = randomUUID();
    const refused = orderEvent(orderId, 'refuse');
    const next = orderEvent(orderId, 'after the refused one');
    await publish(refused);
    await publish(next);

    await processed(next);
    const [letter] = await deadLetters.waitFor((m) => m.headers['event-id'] === refused.eventId);
    const [original] = await source.waitFor((m) => m.headers['event-id'] === refused.eventId);
    expect(letter!.key).toBe(orderId);
    expect(letter!.value).toBe(original!.value);
    expect(letter!.headers).toMatchObject({
      ...original!.headers,
      'x-dead-letter-error-code': 'VALIDATION_FAILED',
      'x-original-topic': topic,
      'x-original-partition': String(original!.partition),
      'x-original-offset': original!.offset,
    });
    expect(letter!.headers['x-dead-letter-reason']).toContain('order event refused');
    expect(Date.parse(letter!.headers['x-dead-lettered-at']!)).not.toBeNaN();
    expect(await effectsOf(refused.eventId)).toHaveLength(0);
  });

  it('handles a burst of one partition in order and once each, a repeat inside it included', async () => {
    const orderId = randomUUID();
    const events = Array.from({ length: 30 }, (_, index) => orderEvent(orderId, `clean burst ${index}`));
    const burst = [...events.slice(0, 10), events[4]!, ...events.slice(10)];
    await kafka.publish(
      topic,
      burst.map((event) => ({ key: orderId, value: encodeEnvelope(event), headers: envelopeHeaders(event) })),
    );

    await processed(events.at(-1)!);
    const effects: Array<{ note: string }> = await service.app
      .get(DataSource)
      .query(`SELECT note FROM ${schema}.effects WHERE event_id = ANY($1::uuid[]) ORDER BY id`, [
        events.map((event) => event.eventId),
      ]);
    expect(effects.map((effect) => effect.note)).toEqual(events.map(noteOf));
    expect(events.map((event) => probe.invocationsOf(event.eventId))).toEqual(events.map(() => 1));
  });

  it('handles a burst of one partition in order, once each, even with a refused event and a repeat inside', async () => {
    const orderId = randomUUID();
    const before = Array.from({ length: 12 }, (_, index) => orderEvent(orderId, `burst ${index}`));
    const refused = orderEvent(orderId, 'refuse');
    const after = Array.from({ length: 12 }, (_, index) => orderEvent(orderId, `burst ${12 + index}`));
    const burst = [...before, before[3]!, refused, ...after];
    // One send, one key: the consumer fetches them together, as it does at peak.
    await kafka.publish(
      topic,
      burst.map((event) => ({ key: orderId, value: encodeEnvelope(event), headers: envelopeHeaders(event) })),
    );

    await processed(after.at(-1)!);
    const [letter] = await deadLetters.waitFor((m) => m.headers['event-id'] === refused.eventId);
    expect(letter!.headers['x-dead-letter-error-code']).toBe('VALIDATION_FAILED');
    const effects: Array<{ note: string }> = await service.app
      .get(DataSource)
      .query(`SELECT note FROM ${schema}.effects WHERE event_id = ANY($1::uuid[]) ORDER BY id`, [
        burst.map((event) => event.eventId),
      ]);
    // Every accepted event applied exactly once, in the order it was published.
    expect(effects.map((effect) => effect.note)).toEqual([...before, ...after].map(noteOf));
    expect(probe.invocationsOf(before[3]!.eventId)).toBeLessThanOrEqual(2);
  });

  it('dead-letters a message that is not a valid envelope and moves on', async () => {
    const orderId = randomUUID();
    const next = orderEvent(orderId, 'after the malformed one');
    await kafka.publish(topic, [
      { key: orderId, value: '{"eventId": "not json', headers: { 'probe-marker': orderId } },
    ]);
    await publish(next);

    await processed(next);
    const [letter] = await deadLetters.waitFor((m) => m.headers['probe-marker'] === orderId);
    expect(letter!.value).toBe('{"eventId": "not json');
    expect(letter!.headers['x-dead-letter-error-code']).toBe('MALFORMED_EVENT');
    expect(letter!.headers['x-dead-letter-reason']).toMatch(/not valid JSON/);
  });

  it('retries a retriable failure, past a redelivery, applies it once, and commits its offset only after', async () => {
    const orderId = randomUUID();
    // Three attempts in place fail, the batch stops and the message is fetched again; the
    // fourth invocation fails too and the fifth succeeds.
    const flaky = orderEvent(orderId, 'fail 4 times');
    const next = orderEvent(orderId, 'after the flaky one');
    const admin = new Kafka({
      clientId: 'transport-test-admin',
      brokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    const committedWhileFailing: bigint[] = [];
    let flakyOffset = -1n;
    let flakyPartition = -1;
    probe.onRetriableFailure = async (context) => {
      flakyOffset = BigInt(context.offset);
      flakyPartition = context.partition;
      committedWhileFailing.push(await committedOffset(admin, groupId, context.partition));
    };
    try {
      await publish(flaky);
      await publish(next);

      await processed(next);
      expect(probe.invocationsOf(flaky.eventId)).toBe(5);
      const [effect] = await effectsOf(flaky.eventId);
      expect(effect!.delivery_attempt).toBe(2);
      expect(await effectsOf(flaky.eventId)).toHaveLength(1);
      const [nextEffect] = await effectsOf(next.eventId);
      expect(BigInt(nextEffect!.id)).toBeGreaterThan(BigInt(effect!.id));

      // The committed offset is the next one to read: never past the failing message while it failed.
      expect(committedWhileFailing).toHaveLength(4);
      for (const committed of committedWhileFailing) expect(committed).toBeLessThanOrEqual(flakyOffset);
      await eventually(
        'the offset committed past the flaky message',
        async () => (await committedOffset(admin, groupId, flakyPartition)) > flakyOffset,
      );
    } finally {
      probe.onRetriableFailure = undefined;
      await admin.disconnect();
    }
  });

  it('processes a dead letter again once it is replayed to its original topic', async () => {
    const orderId = randomUUID();
    const refused = orderEvent(orderId, 'refuse');
    await publish(refused);
    await deadLetters.waitFor((m) => m.headers['event-id'] === refused.eventId);

    probe.accepted.add(refused.eventId);
    const result = await replayDeadLetters({
      service: serviceName,
      brokers,
      connection: { logLevel: 'warn' },
      filter: (letter) => letter.headers['event-id'] === refused.eventId,
    });

    expect(result.replayed).toBe(1);
    expect(result.skipped).toBeGreaterThanOrEqual(0);
    await processed(refused);
    const deliveries = await source.waitFor((m) => m.headers['event-id'] === refused.eventId, { count: 2 });
    const replayed = deliveries[1]!;
    expect(replayed.key).toBe(orderId);
    expect(replayed.value).toBe(deliveries[0]!.value);
    expect(replayed.headers).toEqual(deliveries[0]!.headers);
  });
});

async function committedOffset(
  admin: ReturnType<Kafka['admin']>,
  groupId: string,
  partition: number,
): Promise<bigint> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const entry = offsets!.partitions.find((p) => p.partition === partition);
  return BigInt(entry?.offset ?? '-1');
}
