import { randomUUID } from 'node:crypto';
import { type INestApplication, Module, type Provider, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, loadConfig, PlatformConfig } from '@tracking/config';
import { DatabaseModule, UnitOfWork } from '@tracking/db';
import { createEnvelope, type EventEnvelope } from '@tracking/events';
import { eventually as waitUntil, type TestDatabase } from '@tracking/testing';
import type { MigrationInterface } from 'typeorm';
import {
  KafkaBatchTransport,
  KafkaModule,
  type KafkaServiceOptions,
  messagingTablesMigration,
  OutboxWriter,
} from '../src';

export interface MessagingAppOptions {
  database: TestDatabase;
  schema: string;
  serviceName: string;
  groupId?: string;
  controllers?: Type[];
  providers?: Provider[];
  migrations?: Array<new () => MigrationInterface>;
  kafka?: Omit<KafkaServiceOptions, 'schema'>;
}

export interface MessagingApp {
  app: INestApplication;
  config: PlatformConfig;
  /** Appends envelopes through the outbox in one committed transaction. */
  emit(envelopes: EventEnvelope[]): Promise<void>;
  close(): Promise<void>;
}

/** A unique lowercase name, valid as a service name, a topic suffix and a schema name. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/**
 * A minimal service built the way services are: config, database (with the messaging tables
 * migration), KafkaModule, and the batch transport connected as a hybrid microservice.
 */
export async function startMessagingApp(options: MessagingAppOptions): Promise<MessagingApp> {
  const config = loadConfig(PlatformConfig, {
    SERVICE_NAME: options.serviceName,
    PORT: '0',
    DATABASE_URL: options.database.url,
    DATABASE_POOL_SIZE: String(options.database.poolSize),
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    KAFKA_IDEMPOTENT: process.env.TEST_KAFKA_KIND === 'local-broker' ? 'false' : 'true',
    KAFKA_CONSUMER_GROUP: options.groupId ?? `test-${randomUUID()}`,
    AUTH_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nunused\n-----END PUBLIC KEY-----',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    OUTBOX_POLL_INTERVAL_MS: '100',
    SHUTDOWN_TIMEOUT_MS: '10000',
  });

  @Module({
    imports: [
      ConfigModule.forRoot(config),
      DatabaseModule.forService({
        schema: options.schema,
        entities: [],
        migrations: [messagingTablesMigration(options.schema), ...(options.migrations ?? [])],
      }),
      KafkaModule.forService({ schema: options.schema, ...options.kafka }),
    ],
    controllers: options.controllers ?? [],
    providers: options.providers ?? [],
  })
  class MessagingTestModule {}

  const app = await NestFactory.create(MessagingTestModule, {
    logger: process.env.TEST_LOG_LEVEL === 'debug' ? undefined : ['error', 'warn'],
  });
  app.connectMicroservice({ strategy: app.get(KafkaBatchTransport) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.init();

  const unitOfWork = app.get(UnitOfWork);
  const outbox = app.get(OutboxWriter);
  return {
    app,
    config,
    emit: (envelopes) => unitOfWork.run((tx) => outbox.append(tx, envelopes)),
    close: () => app.close(),
  };
}

/** An order.cancelled event: the smallest valid envelope, with `note` in its reason for tests to read back. */
export function orderEvent(orderId: string, note: string, eventId: string = randomUUID()): EventEnvelope {
  return createEnvelope({
    eventId,
    orderId,
    merchantId: 'merchant-test',
    occurredAt: new Date(),
    source: { service: 'kafka-tests' },
    payload: { $case: 'orderCancelled', value: { reason: note, requestedBy: 'MERCHANT' } },
  });
}

/** The note an `orderEvent` carries, from the envelope or read back from a message value. */
export function noteOf(event: EventEnvelope | string | Buffer): string {
  if (typeof event === 'string' || Buffer.isBuffer(event)) {
    const parsed = JSON.parse(event.toString()) as { orderCancelled?: { reason?: string } };
    return parsed.orderCancelled?.reason ?? '';
  }
  return event.payload?.$case === 'orderCancelled' ? event.payload.value.reason : '';
}

/** The shared `eventually`, with what is awaited named first, as these tests read best. */
export function eventually<T>(
  what: string,
  condition: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
): Promise<T> {
  return waitUntil(condition, { what, timeoutMs, intervalMs: 50 });
}
