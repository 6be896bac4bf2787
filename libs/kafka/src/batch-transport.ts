import { Inject, Injectable, Logger } from '@nestjs/common';
import { type CustomTransportStrategy, type MessageHandler, Server, Transport } from '@nestjs/microservices';
import { PlatformConfig } from '@tracking/config';
import { lockNames, orderLockName, UnitOfWork, type TransactionContext } from '@tracking/db';
import { isRetriable } from '@tracking/errors';
import { deadLetterTopic, decodeEnvelope, type EventEnvelope } from '@tracking/events';
import { withRemoteTraceContext } from '@tracking/telemetry';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import { backoffDelay, sleep, withTimeout } from '@tracking/errors';
import { deadLetterMessage, errorCodeOf } from './dead-letter';
import { takeHandlerFailure } from './handler-failure.interceptor';
import { type InboxEntry, recordInInbox } from './inbox';
import { KAFKA_CLIENT, kafkaConnectionSettings } from './kafka-client';
import { KafkaEventContext } from './kafka-event-context';
import { KAFKA_OPTIONS, type ResolvedKafkaOptions } from './kafka.options';
import { messagingMetrics } from './metrics';
import { describeError, EventPublisher } from './producer';
import { ensureTopics } from './topic-admin';

export type ConsumerState =
  'not-started' | 'no-handlers' | 'joining' | 'joined' | 'rejoining' | 'crashed' | 'stopped';

type Outcome = 'handled' | 'duplicate' | 'dead-lettered' | 'skipped';

interface Delivery {
  topic: string;
  partition: number;
  message: KafkaMessage;
  headers: Record<string, string>;
  receivedAt: Date;
}

/**
 * The Nest microservice transport for Kafka: `@EventPattern(topic)` handlers, fed by a kafkajs
 * `eachBatch` consumer. In partition order, a group of consecutive messages (up to
 * `messagesPerTransaction`): decode the envelopes, then in one transaction record their ids in the
 * inbox (a redelivery stops there) and run each handler with that transaction; after the commit
 * the offsets are resolved and the group heartbeated. A group that fails in any way is rolled
 * back and its messages are taken again one per transaction, where failures are dealt with:
 *
 * Failures: a retriable one is retried in place with backoff; if it persists the batch stops
 * without resolving that offset, so it is fetched again and nothing after it is committed. Any
 * other failure (malformed envelope, validation, domain refusal) sends the message to the
 * service's dead-letter topic with the reason, and the consumer moves on. Offsets are committed
 * by kafkajs from resolved offsets only, after the effects they stand for are committed.
 */
@Injectable()
export class KafkaBatchTransport extends Server implements CustomTransportStrategy {
  override transportId = Transport.KAFKA;
  // Failures are awaited and reported here, so Nest need not report them again.
  override readonly propagatesEventHandlerErrors = true;
  private readonly log = new Logger(KafkaBatchTransport.name);
  private readonly options: ResolvedKafkaOptions['consumer'];
  private readonly deadLetters: string;
  private readonly stopSignal = new AbortController();
  private readonly metrics = {
    consumed: messagingMetrics.consumed(),
    duration: messagingMetrics.handleDuration(),
    lag: messagingMetrics.consumerLag(),
    deadLettered: messagingMetrics.deadLettered(),
  };
  private readonly topicsWithoutHandler = new Set<string>();
  private consumer?: Consumer;
  private state: ConsumerState = 'not-started';
  private lastCrash?: string;

  constructor(
    @Inject(KAFKA_OPTIONS) private readonly settings: ResolvedKafkaOptions,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly unitOfWork: UnitOfWork,
    private readonly publisher: EventPublisher,
    private readonly config: PlatformConfig,
  ) {
    super();
    this.options = settings.consumer;
    this.deadLetters = deadLetterTopic(settings.serviceName);
  }

  /** Topics with an `@EventPattern` handler: the patterns are topic names. */
  subscribedTopics(): string[] {
    return [...this.getHandlers().keys()].filter((pattern) => {
      const isTopic = typeof pattern === 'string' && /^[A-Za-z0-9._-]+$/.test(pattern);
      if (!isTopic) this.log.warn(`ignoring @EventPattern(${String(pattern)}): patterns must be topic names`);
      return isTopic;
    });
  }

  consumerState(): { state: ConsumerState; lastCrash?: string } {
    return { state: this.state, lastCrash: this.lastCrash };
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  private async start(): Promise<void> {
    const topics = this.subscribedTopics();
    if (topics.length === 0) {
      this.state = 'no-handlers';
      this.log.log('no @EventPattern handlers: not consuming');
      return;
    }
    // Subscribing to a topic that does not exist fails where auto-creation is off.
    await ensureTopics(kafkaConnectionSettings(this.config), topics, {
      ...this.settings.topicDefaults,
      timeoutMs: 5_000,
    });
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: this.options.heartbeatIntervalMs,
      maxWaitTimeInMs: this.options.maxWaitTimeMs,
      allowAutoTopicCreation: true,
    });
    this.consumer = consumer;
    this.observe(consumer);
    this.state = 'joining';
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: this.options.fromBeginning });
    await consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: true,
      // Commits only resolved offsets: after every batch, and every few seconds within a long one.
      autoCommitInterval: 5_000,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
    this.log.log(`consuming ${topics.join(', ')} as group ${this.options.groupId}`);
  }

  private observe(consumer: Consumer): void {
    const { GROUP_JOIN, CRASH, STOP, DISCONNECT, REBALANCING, CONNECT } = consumer.events;
    consumer.on(CONNECT, () => this._status$.next('connected'));
    consumer.on(GROUP_JOIN, () => {
      this.state = 'joined';
      this._status$.next('joined');
    });
    consumer.on(REBALANCING, () => {
      this.state = 'rejoining';
      this._status$.next('rebalancing');
    });
    consumer.on(CRASH, (event) => {
      this.lastCrash = describeError(event.payload.error);
      this.state = event.payload.restart ? 'rejoining' : 'crashed';
      this._status$.next('crashed');
      this.log.error(
        `consumer crashed (${event.payload.restart ? 'restarting' : 'not restarting'}): ${this.lastCrash}`,
      );
    });
    consumer.on(STOP, () => {
      this.state = 'stopped';
      this._status$.next('stopped');
    });
    consumer.on(DISCONNECT, () => this._status$.next('disconnected'));
  }

  private get stopping(): boolean {
    return this.stopSignal.signal.aborted;
  }

  private async consumeBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary } = payload;
    const handler = this.getHandlerByPattern(batch.topic);
    const settled = (delivery: Delivery, outcome: Outcome) => {
      resolveOffset(delivery.message.offset);
      this.metrics.consumed.inc({ topic: batch.topic, outcome });
      this.metrics.lag.set(
        { topic: batch.topic, partition: String(batch.partition) },
        Number(BigInt(batch.highWatermark) - BigInt(delivery.message.offset) - 1n),
      );
    };
    const groupSize = this.options.messagesPerTransaction;
    for (let start = 0; start < batch.messages.length; start += groupSize) {
      if (!isRunning() || isStale() || this.stopping) return;
      const group: Delivery[] = batch.messages.slice(start, start + groupSize).map((message) => ({
        topic: batch.topic,
        partition: batch.partition,
        message,
        headers: decodeHeaders(message.headers),
        receivedAt: new Date(),
      }));
      const outcomes =
        handler && group.length > 1 ? await this.processTogether(group, handler, heartbeat) : null;
      if (outcomes) {
        group.forEach((delivery, index) => settled(delivery, outcomes[index]!));
        await heartbeat();
        await commitOffsetsIfNecessary();
        continue;
      }
      for (const delivery of group) {
        if (!isRunning() || isStale() || this.stopping) return;
        const outcome = await this.process(delivery, handler, heartbeat);
        // Unresolved, the offset is where kafkajs fetches from next: nothing past it is committed.
        if (outcome === 'stopped') return;
        settled(delivery, outcome);
        await heartbeat();
        await commitOffsetsIfNecessary();
      }
    }
  }

  /**
   * The fast path: consecutive messages of a partition in one transaction, with one inbox
   * statement for all of them, so a busy partition pays one commit per group instead of one per
   * message. Any failure rolls the whole group back and returns null; the caller then takes the
   * messages one at a time, with the retries and dead-lettering that path has, so a bad message
   * costs its group the shared commit and nothing else.
   */
  private async processTogether(
    group: readonly Delivery[],
    handler: MessageHandler,
    heartbeat: () => Promise<void>,
  ): Promise<Outcome[] | null> {
    let envelopes: EventEnvelope[];
    try {
      envelopes = group.map((delivery) => decodeEnvelope(delivery.message.value ?? Buffer.alloc(0)));
    } catch {
      return null;
    }
    const started = process.hrtime.bigint();
    const keepAlive = this.keepAlive(heartbeat);
    try {
      return await this.unitOfWork.run(async (tx) => {
        // Handlers lock what they touch of an order, and a service consuming several topics runs
        // groups holding the same orders side by side: taking every order of the group first, in
        // one sorted sweep, keeps two groups from each waiting on what the other took.
        // Handlers lock what they touch of an order, and a service consuming several topics runs
        // groups holding the same orders side by side: every order of the group is taken first,
        // in one sorted sweep, so two groups never each wait on what the other took.
        await lockNames(
          tx.manager,
          envelopes.map((envelope) => orderLockName(this.settings.schema, envelope.orderId)),
        );
        const recorded = await recordInInbox(
          tx,
          this.settings.schema,
          group.map((delivery, index) => inboxEntry(delivery, envelopes[index]!)),
        );
        const outcomes: Outcome[] = [];
        for (const [index, delivery] of group.entries()) {
          const envelope = envelopes[index]!;
          // Recorded now, and not already handled earlier in this group (the same id twice).
          if (!recorded.delete(envelope.eventId)) {
            outcomes.push('duplicate');
            continue;
          }
          await this.runHandler(handler, envelope, delivery, 1, tx);
          outcomes.push('handled');
        }
        return outcomes;
      });
    } catch (error) {
      this.log.debug(
        `${group[0]!.topic}[${group[0]!.partition}]@${group[0]!.message.offset}: a group of ${group.length} ` +
          `failed together (${describeError(error)}); handling its messages one at a time`,
      );
      return null;
    } finally {
      clearInterval(keepAlive);
      const perMessage = Number(process.hrtime.bigint() - started) / 1e9 / group.length;
      for (const delivery of group) this.metrics.duration.observe({ topic: delivery.topic }, perMessage);
    }
  }

  /** A handler may run longer than the session timeout allows without a heartbeat. */
  private keepAlive(heartbeat: () => Promise<void>): NodeJS.Timeout {
    return setInterval(() => {
      heartbeat().catch((error: unknown) =>
        this.log.debug(`heartbeat during a handler failed: ${describeError(error)}`),
      );
    }, this.options.heartbeatIntervalMs);
  }

  private async process(
    delivery: Delivery,
    handler: MessageHandler | null,
    heartbeat: () => Promise<void>,
  ): Promise<Outcome | 'stopped'> {
    if (!handler) {
      if (!this.topicsWithoutHandler.has(delivery.topic)) {
        this.topicsWithoutHandler.add(delivery.topic);
        this.log.warn(`no handler for topic ${delivery.topic}: skipping its messages`);
      }
      return 'skipped';
    }
    let envelope: EventEnvelope;
    try {
      envelope = decodeEnvelope(delivery.message.value ?? Buffer.alloc(0));
    } catch (malformed) {
      return this.withRetries(delivery, heartbeat, async () => {
        await this.deadLetter(delivery, malformed);
        return 'dead-lettered';
      });
    }
    return this.withRetries(delivery, heartbeat, async (attempt) => {
      try {
        return await this.handle(handler, envelope, delivery, attempt, heartbeat);
      } catch (error) {
        if (isRetriable(error)) throw error;
        // A failed dead-letter publish is retriable and lands in withRetries.
        await this.deadLetter(delivery, error, envelope);
        return 'dead-lettered';
      }
    });
  }

  private async withRetries(
    delivery: Delivery,
    heartbeat: () => Promise<void>,
    attemptOnce: (attempt: number) => Promise<Outcome>,
  ): Promise<Outcome | 'stopped'> {
    for (let attempt = 1; ; attempt += 1) {
      if (attempt > 1 && this.stopping) return 'stopped';
      try {
        return await attemptOnce(attempt);
      } catch (error) {
        const where = `${delivery.topic}[${delivery.partition}]@${delivery.message.offset}`;
        if (attempt >= this.options.maxAttempts || this.stopping) {
          this.log.error(
            `${where} still failing after ${attempt} attempts, leaving it for redelivery: ${describeError(error)}`,
          );
          // A pause before kafkajs fetches the same message again, so an outage is not a hot loop.
          await this.waitHeartbeating(this.options.retryMaxDelayMs, heartbeat);
          return 'stopped';
        }
        const delay = backoffDelay(attempt, {
          initialDelayMs: this.options.retryInitialDelayMs,
          maxDelayMs: this.options.retryMaxDelayMs,
        });
        this.log.warn(
          `${where} failed (attempt ${attempt}), retrying in ${delay} ms: ${describeError(error)}`,
        );
        await this.waitHeartbeating(delay, heartbeat);
      }
    }
  }

  private async handle(
    handler: MessageHandler,
    envelope: EventEnvelope,
    delivery: Delivery,
    attempt: number,
    heartbeat: () => Promise<void>,
  ): Promise<Outcome> {
    const started = process.hrtime.bigint();
    const keepAlive = this.keepAlive(heartbeat);
    try {
      return await this.unitOfWork.run(async (tx) => {
        // The same lock as the group path and the service's HTTP edge take for this order.
        await lockNames(tx.manager, [orderLockName(this.settings.schema, envelope.orderId)]);
        const recorded = await recordInInbox(tx, this.settings.schema, [inboxEntry(delivery, envelope)]);
        if (!recorded.has(envelope.eventId)) return 'duplicate';
        await this.runHandler(handler, envelope, delivery, attempt, tx);
        return 'handled';
      });
    } finally {
      clearInterval(keepAlive);
      this.metrics.duration.observe(
        { topic: delivery.topic },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    }
  }

  /** Runs the handler in the given transaction, as a span continuing the producer's trace. */
  private runHandler(
    handler: MessageHandler,
    envelope: EventEnvelope,
    delivery: Delivery,
    attempt: number,
    tx: TransactionContext,
  ): Promise<void> {
    const context = new KafkaEventContext(
      tx,
      delivery.topic,
      delivery.partition,
      delivery.message.offset,
      delivery.message.key?.toString() ?? null,
      delivery.headers,
      attempt,
    );
    const traceHeaders = envelope.trace?.traceparent
      ? envelope.trace
      : { traceparent: delivery.headers.traceparent, tracestate: delivery.headers.tracestate };
    return withRemoteTraceContext(
      traceHeaders,
      `${delivery.topic} process`,
      {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': delivery.topic,
        'messaging.destination.partition.id': String(delivery.partition),
        'messaging.kafka.offset': delivery.message.offset,
        'messaging.consumer.group.name': this.options.groupId,
        'messaging.message.id': envelope.eventId,
        'tracking.event_type': envelope.type,
        'tracking.order_id': envelope.orderId,
      },
      () => this.invoke(handler, envelope, context),
    );
  }

  private async invoke(
    handler: MessageHandler,
    envelope: EventEnvelope,
    context: KafkaEventContext,
  ): Promise<void> {
    try {
      const result: unknown = await handler(envelope, context);
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    } catch (error) {
      const cause = takeHandlerFailure(context);
      if (cause !== undefined) throw cause;
      if (!(error instanceof Error)) {
        // Nest's exception layer replaced the error: the failure interceptor did not see it.
        this.log.error(
          `handler for ${context.topic} failed and Nest hid the cause (${JSON.stringify(error)}); ` +
            'connect the transport with { inheritAppConfig: true } so KafkaModule can see handler errors',
        );
      }
      throw error;
    }
  }

  private async deadLetter(delivery: Delivery, error: unknown, envelope?: EventEnvelope): Promise<void> {
    const errorCode = errorCodeOf(error);
    const reason = describeError(error);
    await this.publisher.publish([
      {
        topic: this.deadLetters,
        messages: [
          deadLetterMessage(
            {
              key: delivery.message.key,
              value: delivery.message.value,
              headers: delivery.message.headers ?? {},
            },
            {
              reason,
              errorCode,
              originalTopic: delivery.topic,
              originalPartition: delivery.partition,
              originalOffset: delivery.message.offset,
            },
          ),
        ],
      },
    ]);
    this.metrics.deadLettered.inc({ topic: delivery.topic, error_code: errorCode });
    this.log.warn(
      `dead-lettered ${delivery.topic}[${delivery.partition}]@${delivery.message.offset}` +
        `${envelope ? ` (event ${envelope.eventId}, ${envelope.type})` : ''} to ${this.deadLetters}: ` +
        `${errorCode}: ${reason}`,
    );
  }

  /** Waits without letting the group session lapse; returns early when the transport closes. */
  private async waitHeartbeating(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    const until = Date.now() + ms;
    while (!this.stopping) {
      const left = until - Date.now();
      if (left <= 0) return;
      await sleep(Math.min(left, this.options.heartbeatIntervalMs), this.stopSignal.signal);
      await heartbeat();
    }
  }

  /** Stops fetching, lets the message in hand finish and commit, leaves the group. */
  async close(): Promise<void> {
    this.stopSignal.abort();
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    try {
      await withTimeout(
        consumer.disconnect(),
        this.settings.shutdownTimeoutMs,
        'stopping the Kafka consumer',
      );
    } catch (error) {
      this.log.warn(`${describeError(error)}; uncommitted messages will be redelivered`);
    }
    this.state = 'stopped';
  }

  on(): never {
    throw new Error('KafkaBatchTransport has no event listeners: use its status or KafkaReadiness');
  }

  unwrap<T>(): T {
    if (!this.consumer) throw new Error('KafkaBatchTransport is not listening');
    return this.consumer as T;
  }
}

function inboxEntry(delivery: Delivery, envelope: EventEnvelope): InboxEntry {
  return {
    eventId: envelope.eventId,
    eventType: envelope.type,
    topic: delivery.topic,
    partition: delivery.partition,
    offset: delivery.message.offset,
    receivedAt: delivery.receivedAt,
  };
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) decoded[name] = first.toString();
  }
  return decoded;
}
