/**
 * The Kafka baseline: a plain kafkajs producer with its defaults, sending the same messages the
 * relay sends (value, key and headers as OutboxWriter stores them) to the same topic, with no
 * database on the way. The relay is compared against it.
 */
import { encodeEnvelope, envelopeHeaders, type EventEnvelope, topicForEventType } from '@tracking/events';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { serveCommands } from '../lib/ipc';
import { paced, type TimedSends } from '../lib/pacing';
import { clock } from '../lib/stats';

interface Prepared {
  eventId: string;
  topic: string;
  message: Message;
}

function prepare(envelope: EventEnvelope): Prepared {
  return {
    eventId: envelope.eventId,
    topic: topicForEventType(envelope.type),
    message: { key: envelope.orderId, value: encodeEnvelope(envelope), headers: envelopeHeaders(envelope) },
  };
}

function bareProducerCommands(brokers: string[], idempotent: boolean) {
  const kafka = new Kafka({ clientId: 'bench-bare-producer', brokers, logLevel: logLevel.ERROR });
  const producer = kafka.producer({ allowAutoTopicCreation: true, idempotent });
  let burstMessages: Prepared[] = [];
  return {
    /** Encoding happens here, before the clock: the relay's rows were encoded when written too. */
    load: async ({ envelopes }: { envelopes: EventEnvelope[] }) => {
      burstMessages = envelopes.map(prepare);
      await producer.connect();
    },

    /** The loaded messages in batches of the relay's claim size, as many in flight as it has rounds. */
    burst: async ({ batchSize, concurrency }: { batchSize: number; concurrency: number }) => {
      const batches: Prepared[][] = [];
      for (let start = 0; start < burstMessages.length; start += batchSize) {
        batches.push(burstMessages.slice(start, start + batchSize));
      }
      const startedAt = clock();
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < batches.length) {
          const batch = batches[next++]!;
          await producer.sendBatch({
            topicMessages: [{ topic: batch[0]!.topic, messages: batch.map((item) => item.message) }],
            acks: -1,
          });
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      return { startedAt, sentAt: clock() };
    },

    /** One message per send at a steady rate; the time is taken as it is handed to kafkajs. */
    steady: async ({
      envelopes,
      rate,
    }: {
      envelopes: EventEnvelope[];
      rate: number;
    }): Promise<TimedSends> => {
      const prepared = envelopes.map(prepare);
      const times: TimedSends['times'] = [];
      const outcome = await paced(prepared.length, rate, async (index) => {
        const item = prepared[index]!;
        const handedOverAt = clock();
        await producer.send({ topic: item.topic, messages: [item.message], acks: -1 });
        times.push([item.eventId, handedOverAt]);
      });
      return { times, ...outcome };
    },
  };
}

export type BareProducerCommands = ReturnType<typeof bareProducerCommands>;

const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const commands = bareProducerCommands(brokers, process.env.KAFKA_IDEMPOTENT !== 'false');
serveCommands(commands, async () => undefined);
