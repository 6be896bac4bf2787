import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Consumer, type IHeaders, type Producer } from 'kafkajs';

export interface ReceivedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) result[name] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return result;
}

/**
 * A test's own view of the real broker: it reads topics with a consumer group of its own, so
 * it sees exactly what a downstream service would, and publishes as an upstream service would.
 */
export class TestKafka {
  private readonly kafka: Kafka;
  private producer?: Producer;
  private readonly consumers: Consumer[] = [];

  constructor(brokers = process.env.KAFKA_BROKERS) {
    if (!brokers) throw new Error('KAFKA_BROKERS is not set: run tests through the jest global setup');
    this.kafka = new Kafka({
      clientId: `test-${randomUUID().slice(0, 8)}`,
      brokers: brokers.split(','),
      logLevel: logLevel.ERROR,
    });
  }

  /** Starts reading `topic` from its beginning; resolves once the consumer has joined its group. */
  async collect(topic: string): Promise<MessageCollector> {
    const consumer = this.kafka.consumer({ groupId: `test-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
    this.consumers.push(consumer);
    const collector = new MessageCollector();
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic: from, partition, message }) => {
        collector.add({
          topic: from,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? '',
          headers: headersToStrings(message.headers),
        });
      },
    });
    await joined;
    return collector;
  }

  async publish(
    topic: string,
    messages: Array<{ key: string; value: string | Buffer; headers?: Record<string, string> }>,
  ): Promise<void> {
    if (!this.producer) {
      this.producer = this.kafka.producer({
        allowAutoTopicCreation: true,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await this.producer.connect();
    }
    await this.producer.send({ topic, messages });
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.disconnect()));
    await this.producer?.disconnect();
  }
}

export class MessageCollector {
  readonly messages: ReceivedMessage[] = [];
  private waiters: Array<() => void> = [];

  add(message: ReceivedMessage): void {
    this.messages.push(message);
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Waits until `predicate` matches `count` messages, failing with what did arrive after `timeoutMs`. */
  async waitFor(
    predicate: (message: ReceivedMessage) => boolean,
    { count = 1, timeoutMs = 20_000 }: { count?: number; timeoutMs?: number } = {},
  ): Promise<ReceivedMessage[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matching = this.messages.filter(predicate);
      if (matching.length >= count) return matching;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new Error(
          `expected ${count} matching message(s) within ${timeoutMs} ms, got ${matching.length} ` +
            `(${this.messages.length} on the topic)`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(remaining, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
