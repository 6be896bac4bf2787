import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { eventually } from './eventually';
import { TestKafka } from './test-kafka';

describe('a consumer group started at the end of its topics', () => {
  const kafka = new TestKafka();
  const client = new Kafka({
    clientId: 'group-start-test',
    brokers: process.env.KAFKA_BROKERS!.split(','),
    logLevel: logLevel.ERROR,
  });
  const consumers: Consumer[] = [];

  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.disconnect()));
    await kafka.close();
  });

  /** Consumes `topic` as a service does: a group that starts at the beginning where it has no offsets. */
  async function consumeAsService(groupId: string, topic: string): Promise<string[]> {
    const received: string[] = [];
    const consumer = client.consumer({ groupId, maxWaitTimeInMs: 100 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message.value!.toString()) });
    return received;
  }

  it('skips what was published before it and reads everything published after, however late its consumer joins', async () => {
    const topic = `test-kafka-${randomUUID()}`;
    const groupId = `test-${randomUUID()}`;
    await kafka.publish(topic, [{ key: 'a', value: 'left by an earlier test file' }]);

    await kafka.startGroupAtEnd(groupId, [topic]);
    await kafka.publish(topic, [{ key: 'a', value: 'published before the consumer joined' }]);
    const received = await consumeAsService(groupId, topic);
    await kafka.publish(topic, [{ key: 'a', value: 'published after the consumer joined' }]);

    await eventually(() => received.length >= 2, { what: 'both messages published after the start' });
    expect(received).toEqual(['published before the consumer joined', 'published after the consumer joined']);
  });
});

describe('a collector read to the end of its topic', () => {
  const kafka = new TestKafka();
  afterAll(() => kafka.close());

  it('holds everything published before it was asked, on every partition', async () => {
    const topic = `test-kafka-${randomUUID()}`;
    const collector = await kafka.collect(topic);
    const published = Array.from({ length: 40 }, (_, index) => ({
      key: randomUUID(),
      value: `message ${index}`,
    }));
    await kafka.publish(topic, published);

    await collector.readToEnd();

    expect(collector.messages.map((message) => message.value).sort()).toEqual(
      published.map((message) => message.value).sort(),
    );
  });
});
