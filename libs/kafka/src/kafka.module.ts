import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { PlatformConfig } from '@tracking/config';
import type { Kafka } from 'kafkajs';
import { KafkaBatchTransport } from './batch-transport';
import { HandlerFailureInterceptor } from './handler-failure.interceptor';
import { createKafkaClient, KAFKA_CLIENT, kafkaConnectionSettings } from './kafka-client';
import { KafkaReadiness } from './kafka-readiness';
import {
  KAFKA_OPTIONS,
  type KafkaServiceOptions,
  resolveKafkaOptions,
  type ResolvedKafkaOptions,
} from './kafka.options';
import { MessagingHousekeeping } from './messaging-housekeeping';
import { OutboxRelay } from './outbox-relay';
import { OutboxWriter } from './outbox-writer';
import { EventPublisher, KafkajsEventPublisher } from './producer';

/**
 * Everything a service needs to exchange events: the outbox writer for its use cases, the relay
 * that publishes them, the batch transport its `@EventPattern` consumers run on, and a readiness
 * check. Needs ConfigModule and DatabaseModule (both global) in the same application.
 */
@Global()
@Module({})
export class KafkaModule {
  static forService(options: KafkaServiceOptions): DynamicModule {
    return {
      module: KafkaModule,
      providers: [
        {
          provide: KAFKA_OPTIONS,
          inject: [PlatformConfig],
          useFactory: (config: PlatformConfig) => resolveKafkaOptions(options, config),
        },
        {
          provide: KAFKA_CLIENT,
          inject: [PlatformConfig],
          useFactory: (config: PlatformConfig) => createKafkaClient(kafkaConnectionSettings(config)),
        },
        {
          provide: EventPublisher,
          inject: [KAFKA_CLIENT, KAFKA_OPTIONS],
          useFactory: (kafka: Kafka, resolved: ResolvedKafkaOptions) =>
            new KafkajsEventPublisher(kafka, {
              idempotent: resolved.idempotent,
              compression: resolved.compression,
            }),
        },
        OutboxRelay,
        OutboxWriter,
        MessagingHousekeeping,
        KafkaBatchTransport,
        KafkaReadiness,
        // Lets the transport see what handlers throw (see HandlerFailureInterceptor).
        { provide: APP_INTERCEPTOR, useClass: HandlerFailureInterceptor },
      ],
      exports: [
        KAFKA_OPTIONS,
        EventPublisher,
        OutboxWriter,
        OutboxRelay,
        KafkaBatchTransport,
        KafkaReadiness,
      ],
    };
  }
}
