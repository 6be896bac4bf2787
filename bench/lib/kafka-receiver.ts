import { randomUUID } from 'node:crypto';
import { ENVELOPE_HEADERS } from '@tracking/events';
import { type Consumer, Kafka, type KafkaMessage, logLevel, type Producer } from 'kafkajs';
import { clock, sleep } from './stats';

/**
 * Another name a message is known by besides its event-id header, for messages whose event id
 * the benchmark never learns (production-status answers with shipment ids, not the event ids of
 * its shipment.registered messages).
 */
export type ExtraId = (topic: string, message: KafkaMessage) => string | undefined;

/**
 * The downstream end of the Kafka benchmarks: a consumer of its own group reading its topics
 * from their end, recording when each event id first arrives. Both the service and the bare
 * producer are timed until this has seen all they sent, so both include the same broker and
 * consumer path.
 */
export class ArrivalRecorder {
  private readonly arrivals = new Map<string, number>();
  private awaited?: { missing: Set<string>; done(): void };

  private constructor(
    private readonly consumer: Consumer,
    private readonly producer: Producer,
  ) {}

  static async start(
    brokers: string,
    topicOrTopics: string | readonly string[],
    extraId?: ExtraId,
  ): Promise<ArrivalRecorder> {
    const topics = typeof topicOrTopics === 'string' ? [topicOrTopics] : [...topicOrTopics];
    const kafka = new Kafka({
      clientId: 'bench-receiver',
      brokers: brokers.split(','),
      logLevel: logLevel.ERROR,
    });
    // The mock broker answers a fetch only when its wait is up, even with data in hand: a short
    // wait keeps that from adding up to the whole wait to every event's latency.
    const consumer = kafka.consumer({ groupId: `bench-receiver-${randomUUID()}`, maxWaitTimeInMs: 5 });
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    const recorder = new ArrivalRecorder(consumer, producer);
    await Promise.all([consumer.connect(), producer.connect()]);
    await consumer.subscribe({ topics, fromBeginning: false });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const at = clock();
        for (const message of batch.messages) {
          const id = message.headers?.[ENVELOPE_HEADERS.eventId]?.toString();
          if (id) recorder.record(id, at);
          const extra = extraId?.(batch.topic, message);
          if (extra) recorder.record(extra, at);
        }
      },
    });
    for (const topic of topics) await recorder.position(topic);
    return recorder;
  }

  private record(id: string, at: number): void {
    if (this.arrivals.has(id)) return;
    this.arrivals.set(id, at);
    if (this.awaited?.missing.delete(id) && this.awaited.missing.size === 0) this.awaited.done();
  }

  /**
   * A new group starts at the end of the topic once it has joined and fetched; until a marker
   * sent now comes back, anything sent could land before that point and never be seen.
   */
  private async position(topic: string): Promise<void> {
    const marker = `marker-${randomUUID()}`;
    const deadline = clock() + 60_000;
    while (!this.arrivals.has(marker)) {
      if (clock() > deadline)
        throw new Error(`the benchmark's consumer never received its marker on ${topic}`);
      await this.producer.send({
        topic,
        messages: [{ key: marker, value: 'marker', headers: { [ENVELOPE_HEADERS.eventId]: marker } }],
      });
      await sleep(500);
    }
  }

  /** Forgets earlier arrivals: the bare producer and the relay send the same event ids. */
  reset(): void {
    this.arrivals.clear();
    this.awaited = undefined;
  }

  /** When each id arrived, once all have; rejects with how many are missing after the timeout. */
  async waitForAll(ids: readonly string[], timeoutMs: number): Promise<Map<string, number>> {
    const missing = new Set(ids.filter((id) => !this.arrivals.has(id)));
    if (missing.size > 0) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.awaited = undefined;
          reject(
            new Error(`${missing.size} of ${ids.length} events had not arrived after ${timeoutMs / 1000} s`),
          );
        }, timeoutMs);
        this.awaited = {
          missing,
          done: () => {
            clearTimeout(timer);
            this.awaited = undefined;
            resolve();
          },
        };
      });
    }
    return new Map(ids.map((id) => [id, this.arrivals.get(id)!]));
  }

  async stop(): Promise<void> {
    await Promise.all([this.consumer.disconnect(), this.producer.disconnect()]);
  }
}
