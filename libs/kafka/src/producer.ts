import { Logger } from '@nestjs/common';
import { DependencyUnavailableError } from '@tracking/errors';
import { CompressionTypes, type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';

/** As Kafka carries them: bytes, and a list where a name repeats. */
export type HeaderValue = string | Buffer | Array<string | Buffer>;

export interface OutgoingMessage {
  /** The order id for events, so one order's events share a partition and keep their order. */
  key: string | Buffer | null;
  value: Buffer;
  headers: Record<string, HeaderValue>;
}

export interface TopicMessages {
  topic: string;
  messages: OutgoingMessage[];
}

export interface EventPublisherOptions {
  /** On in production; the local mock broker cannot serve idempotent producers. */
  idempotent: boolean;
  compression?: 'none' | 'gzip';
}

/**
 * The platform's own producer seam. Services never produce directly: their events go through the
 * outbox, and only the relay, dead-lettering and replay publish. Messages of one call keep their
 * order per topic and key.
 */
export abstract class EventPublisher {
  abstract publish(batches: readonly TopicMessages[]): Promise<void>;
  abstract connect(): Promise<void>;
  abstract isConnected(): boolean;
  abstract disconnect(): Promise<void>;
}

export class KafkajsEventPublisher extends EventPublisher {
  private readonly logger = new Logger('EventPublisher');
  private readonly producer: Producer;
  private connecting?: Promise<void>;
  private connected = false;

  constructor(
    kafka: Kafka,
    private readonly options: EventPublisherOptions,
  ) {
    super();
    this.producer = kafka.producer({
      idempotent: options.idempotent,
      // One request in flight per broker connection: a retried request can then never land
      // behind a later one, which would reorder an order's events on its partition. It is also
      // what KIP-98 asks of an idempotent producer, which kafkajs still marks experimental.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
      // Java-compatible murmur2 partitioning, so an order lands on the same partition whichever
      // client (ours or a platform team's Java tooling) produces its events.
      createPartitioner: Partitioners.DefaultPartitioner,
      // Bounded, even when idempotent (kafkajs warns about that at start): a send that never
      // returns would hold the relay's batch past its lease and past shutdown. The outbox row
      // stays unprocessed and is retried with backoff, so giving up here loses nothing.
      retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 5 },
    });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connected = false;
      this.connecting = undefined;
    });
  }

  /** Idempotent and shared: the first caller connects, the others wait for the same attempt. */
  connect(): Promise<void> {
    this.connecting ??= this.producer.connect().then(
      () => {
        this.connected = true;
      },
      (error: unknown) => {
        this.connecting = undefined;
        throw new DependencyUnavailableError('kafka', error);
      },
    );
    return this.connecting;
  }

  isConnected(): boolean {
    return this.connected;
  }

  async publish(batches: readonly TopicMessages[]): Promise<void> {
    const topicMessages = batches
      .filter((batch) => batch.messages.length > 0)
      .map((batch) => ({ topic: batch.topic, messages: batch.messages.map(toKafkaMessage) }));
    if (topicMessages.length === 0) return;
    await this.connect();
    try {
      await this.producer.sendBatch({
        topicMessages,
        acks: -1,
        compression: this.options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
      });
    } catch (error) {
      throw new DependencyUnavailableError('kafka', error);
    }
  }

  /** Nest calls this after the transport and the relay have stopped, so dead letters still go out. */
  async onApplicationShutdown(): Promise<void> {
    await this.disconnect();
  }

  async disconnect(): Promise<void> {
    if (!this.connecting) return;
    await this.connecting.catch(() => undefined);
    try {
      await this.producer.disconnect();
    } catch (error) {
      this.logger.warn(`producer did not disconnect cleanly: ${describeError(error)}`);
    }
  }
}

/** Groups messages by topic keeping their relative order, which is what per-key order rests on. */
export function groupByTopic(
  entries: Iterable<{ topic: string; message: OutgoingMessage }>,
): TopicMessages[] {
  const byTopic = new Map<string, OutgoingMessage[]>();
  for (const { topic, message } of entries) {
    const messages = byTopic.get(topic);
    if (messages) messages.push(message);
    else byTopic.set(topic, [message]);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

function toKafkaMessage(message: OutgoingMessage): Message {
  return { key: message.key, value: message.value, headers: message.headers };
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause =
      error.cause instanceof Error && !error.message.includes(error.cause.message) ? error.cause.message : '';
    return cause ? `${error.message}: ${cause}` : error.message;
  }
  return String(error);
}
