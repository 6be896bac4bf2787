import { randomUUID } from 'node:crypto';
import { ALL_TOPICS } from '@tracking/events';
import { Kafka, logLevel, Partitioners, type Consumer, type IHeaders, type Producer } from 'kafkajs';
import { eventually } from './eventually';

export interface ReceivedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

const GROUP_JOIN_TIMEOUT_MS = 30_000;

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
    const collector = new MessageCollector(() => this.topicEnds([topic]));
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

  /**
   * Commits `groupId`'s offsets at the current end of `topics`, before anything consumes as that
   * group. A new group otherwise starts at the oldest retained message (services read from the
   * beginning), and late in a run that is everything earlier test files published. What is
   * published after this returns is still consumed, however late the group's real consumer joins.
   * The local broker has no DescribeGroups, so kafkajs's admin.setOffsets cannot be used: a
   * member of the group joins, commits and leaves.
   */
  async startGroupAtEnd(groupId: string, topics: readonly string[] = ALL_TOPICS): Promise<void> {
    const ends = await this.topicEnds(topics);
    // A short session: should the broker not act on the leave, the next join waits for it to lapse.
    const consumer = this.kafka.consumer({
      groupId,
      maxWaitTimeInMs: 100,
      sessionTimeout: 6_000,
      heartbeatInterval: 1_000,
    });
    try {
      const joined = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`could not join consumer group ${groupId} to start it at the end`)),
          GROUP_JOIN_TIMEOUT_MS,
        );
        consumer.on(consumer.events.GROUP_JOIN, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [...topics], fromBeginning: false });
      await consumer.run({ autoCommit: false, eachBatch: async () => undefined });
      await joined;
      await consumer.commitOffsets(ends);
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  }

  /**
   * The next offset of every partition of `topics`. Asking creates a topic that does not exist
   * yet, where the broker auto-creates; while another client's request is creating it, kafkajs
   * can find no partitions and keeps that answer in its metadata, so a retry asks afresh.
   */
  private topicEnds(
    topics: readonly string[],
  ): Promise<Array<{ topic: string; partition: number; offset: string }>> {
    return eventually(
      async () => {
        const admin = this.kafka.admin();
        try {
          await admin.connect();
          const ends: Array<{ topic: string; partition: number; offset: string }> = [];
          // One topic at a time: concurrent lookups on one admin race on its metadata.
          for (const topic of topics) {
            const partitions = await admin.fetchTopicOffsets(topic);
            if (partitions.length === 0) return undefined;
            for (const { partition, high } of partitions) ends.push({ topic, partition, offset: high });
          }
          return ends;
        } finally {
          await admin.disconnect().catch(() => undefined);
        }
      },
      { timeoutMs: 15_000, intervalMs: 100, what: `the end of ${topics.join(', ')}` },
    );
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
  private readonly readUpTo = new Map<number, bigint>();
  private waiters: Array<() => void> = [];

  /** `topicEnds` gives the next offset of each partition of the collected topic, as of now. */
  constructor(private readonly topicEnds?: () => Promise<Array<{ partition: number; offset: string }>>) {}

  add(message: ReceivedMessage): void {
    this.messages.push(message);
    const offset = BigInt(message.offset);
    if (offset > (this.readUpTo.get(message.partition) ?? -1n)) this.readUpTo.set(message.partition, offset);
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Waits until `predicate` matches `count` messages, failing with what did arrive after `timeoutMs`. */
  async waitFor(
    predicate: (message: ReceivedMessage) => boolean,
    { count = 1, timeoutMs = 20_000 }: { count?: number; timeoutMs?: number } = {},
  ): Promise<ReceivedMessage[]> {
    let matching: ReceivedMessage[] = [];
    await this.until(
      () => (matching = this.messages.filter(predicate)).length >= count,
      timeoutMs,
      () =>
        `expected ${count} matching message(s) within ${timeoutMs} ms, got ${matching.length} ` +
        `(${this.messages.length} on the topic)`,
    );
    return matching;
  }

  /**
   * Waits until everything on the topic as of this call has been read: whatever was published
   * before it is then in `messages`, so a test can assert that something was not published
   * without guessing how long it would have taken to arrive.
   */
  async readToEnd({ timeoutMs = 20_000 }: { timeoutMs?: number } = {}): Promise<void> {
    if (!this.topicEnds) throw new Error('this collector does not know its topic');
    const ends = await this.topicEnds();
    const unread = () =>
      ends.filter(({ partition, offset }) => (this.readUpTo.get(partition) ?? -1n) < BigInt(offset) - 1n);
    await this.until(
      () => unread().length === 0,
      timeoutMs,
      () =>
        `partitions ${unread().map(({ partition }) => partition)} not read to their end within ${timeoutMs} ms`,
    );
  }

  private async until(done: () => boolean, timeoutMs: number, failure: () => string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(failure());
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
