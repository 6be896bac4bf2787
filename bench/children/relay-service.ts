/**
 * Order-intake's messaging half: its database and outbox tables, the platform's KafkaModule
 * (OutboxWriter, OutboxRelay, EventPublisher) with the service's defaults, and nothing else.
 * Nest resolves providers (and runs migrations) at create but starts the relay only at init,
 * which lets the benchmark fill the outbox first and then time the relay from its start.
 */
import 'reflect-metadata';
import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, loadConfig, PlatformConfig } from '@tracking/config';
import { DatabaseModule, UnitOfWork } from '@tracking/db';
import type { EventEnvelope } from '@tracking/events';
import {
  EventPublisher,
  KAFKA_OPTIONS,
  KafkaModule,
  OutboxWriter,
  type ResolvedKafkaOptions,
} from '@tracking/kafka';
import { ORDER_INTAKE_DATABASE } from '../../services/order-intake/src/persistence/database';
import { ORDER_INTAKE_SCHEMA } from '../../services/order-intake/src/persistence/order.entity';
import { serveCommands } from '../lib/ipc';
import { paced, type TimedSends } from '../lib/pacing';
import { clock } from '../lib/stats';

function relayCommands(app: INestApplication) {
  const unitOfWork = app.get(UnitOfWork);
  const outbox = app.get(OutboxWriter);
  const options = app.get<ResolvedKafkaOptions>(KAFKA_OPTIONS);
  let started = false;
  return {
    /** The relay's settings as resolved for this pool size: the bare producer mirrors them. */
    settings: async () => ({ batchSize: options.outbox.batchSize, concurrency: options.outbox.concurrency }),

    /** Writes through the service's OutboxWriter, `perTransaction` envelopes per transaction. */
    fill: async ({ envelopes, perTransaction }: { envelopes: EventEnvelope[]; perTransaction: number }) => {
      if (started) throw new Error('fill must run before the relay starts');
      const startedAt = clock();
      for (let start = 0; start < envelopes.length; start += perTransaction) {
        const chunk = envelopes.slice(start, start + perTransaction);
        await unitOfWork.run((tx) => outbox.append(tx, chunk));
      }
      return { ms: clock() - startedAt };
    },

    /** Connects before the clock starts, as the bare producer does. */
    connectProducer: async () => {
      await app.get(EventPublisher).connect();
    },

    /** Starts the relay (OutboxRelay.onApplicationBootstrap) and says when. */
    startRelay: async () => {
      started = true;
      const startedAt = clock();
      await app.init();
      return { startedAt };
    },

    /** One event per transaction, as a use case commits them, at a steady rate. */
    steady: async ({
      envelopes,
      rate,
    }: {
      envelopes: EventEnvelope[];
      rate: number;
    }): Promise<TimedSends> => {
      const times: TimedSends['times'] = [];
      const outcome = await paced(envelopes.length, rate, async (index) => {
        const envelope = envelopes[index]!;
        await unitOfWork.run((tx) => outbox.append(tx, [envelope]));
        times.push([envelope.eventId, clock()]);
      });
      return { times, ...outcome };
    },
  };
}

export type RelayCommands = ReturnType<typeof relayCommands>;

async function main(): Promise<void> {
  const config = loadConfig(PlatformConfig, {
    ...process.env,
    SERVICE_NAME: 'bench-relay',
    PORT: '0',
    // Required by the configuration, never used: this process serves no HTTP.
    AUTH_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nunused\n-----END PUBLIC KEY-----',
    AUTH_JWKS_URL: '',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });

  @Module({
    imports: [
      ConfigModule.forRoot(config),
      DatabaseModule.forService(ORDER_INTAKE_DATABASE),
      KafkaModule.forService({ schema: ORDER_INTAKE_SCHEMA }),
    ],
  })
  class RelayBenchModule {}

  const app = await NestFactory.create(RelayBenchModule, { logger: ['error', 'warn'] });
  const stop = (): Promise<void> => app.close();
  process.once('SIGTERM', () => void stop().finally(() => process.exit(0)));
  process.once('SIGINT', () => void stop().finally(() => process.exit(0)));
  serveCommands(relayCommands(app), stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`relay service failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
