import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { withTimeout } from '@tracking/errors';
import { KafkaBatchTransport } from './batch-transport';
import { KAFKA_CLIENT } from './kafka-client';
import { EventPublisher } from './producer';

const CHECK_TIMEOUT_MS = 3_000;

/**
 * Readiness check (the health module's `ReadinessCheck`): the broker answers a metadata request,
 * the producer is connected, and the consumer group, if this service consumes, has been joined
 * and has not crashed for good. A rebalance does not fail it: it is short, and failing would
 * take the service's HTTP API out of rotation for nothing.
 */
@Injectable()
export class KafkaReadiness implements OnApplicationShutdown {
  readonly name = 'kafka';
  private admin?: Promise<Admin>;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly publisher: EventPublisher,
    private readonly transport: KafkaBatchTransport,
  ) {}

  async check(): Promise<void> {
    const admin = await withTimeout(this.connectedAdmin(), CHECK_TIMEOUT_MS, 'connecting to Kafka');
    await withTimeout(admin.describeCluster(), CHECK_TIMEOUT_MS, 'fetching Kafka cluster metadata');
    await withTimeout(this.publisher.connect(), CHECK_TIMEOUT_MS, 'connecting the Kafka producer');

    const { state, lastCrash } = this.transport.consumerState();
    switch (state) {
      case 'joined':
      case 'rejoining':
      case 'no-handlers':
        return;
      case 'not-started':
        if (this.transport.getHandlers().size === 0) return;
        throw new Error('Kafka consumer was connected but not started (call app.startAllMicroservices())');
      case 'joining':
        throw new Error('Kafka consumer has not joined its group yet');
      case 'crashed':
        throw new Error(`Kafka consumer crashed and is not restarting: ${lastCrash ?? 'unknown cause'}`);
      case 'stopped':
        throw new Error('Kafka consumer is stopped');
    }
  }

  private connectedAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error: unknown) => {
      this.admin = undefined;
      throw error;
    });
    return this.admin;
  }

  async onApplicationShutdown(): Promise<void> {
    const admin = await this.admin?.catch(() => undefined);
    this.admin = undefined;
    await admin?.disconnect();
  }
}
