import { randomUUID } from 'node:crypto';
import { Kafka as KafkaClient, logLevel } from 'kafkajs';
import type { Kafka } from './infrastructure';
import { clock, type LatencySummary, sleep, summarizeLatencies } from './stats';

/**
 * How long the services' consumers (KAFKA_FETCH_MAX_WAIT_MS, given to every service the benchmark
 * starts) and the baselines' wait for a fetch to fill. 100 ms, as `npm start` uses on the local
 * mock broker, which holds every fetch for the whole wait where a real broker answers at once.
 */
export const SERVICE_FETCH_WAIT_MS = Number(process.env.KAFKA_FETCH_MAX_WAIT_MS ?? 100);

/**
 * What one Kafka hop costs on this broker for a consumer configured as the services' are: a
 * message every 20 ms to a topic of its own, timed from its send to a consumer with the services'
 * fetch wait. A real broker answers a fetch as soon as a message is there; the local mock broker
 * holds every fetch for its whole wait, so there each hop adds up to that wait to every event.
 */
export async function measureKafkaHop(kafka: Kafka, messages = 100): Promise<LatencySummary> {
  const client = new KafkaClient({
    clientId: 'bench-hop-probe',
    brokers: kafka.brokers.split(','),
    logLevel: logLevel.ERROR,
  });
  const topic = `bench.hop-probe.${randomUUID().slice(0, 8)}`;
  const producer = client.producer({ allowAutoTopicCreation: true, idempotent: kafka.idempotent });
  const consumer = client.consumer({
    groupId: `bench-hop-probe-${randomUUID()}`,
    maxWaitTimeInMs: SERVICE_FETCH_WAIT_MS,
    sessionTimeout: 6_000,
    heartbeatInterval: 1_000,
  });
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let warmed: (() => void) | undefined;
  try {
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'warm', value: 'warm' }] });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const warm = new Promise<void>((resolve) => (warmed = resolve));
    await consumer.run({
      eachMessage: async ({ message }) => {
        const at = clock();
        const value = message.value?.toString() ?? '';
        if (value === 'warm') warmed?.();
        const sent = sentAt.get(value);
        if (sent !== undefined) latencies.push(at - sent);
      },
    });
    await warm;
    for (let index = 0; index < messages; index += 1) {
      const value = `probe-${index}`;
      sentAt.set(value, clock());
      await producer.send({ topic, messages: [{ key: String(index), value }] });
      await sleep(20);
    }
    const deadline = clock() + 5 * SERVICE_FETCH_WAIT_MS;
    while (latencies.length < messages && clock() < deadline) await sleep(50);
    return summarizeLatencies(latencies);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
}
