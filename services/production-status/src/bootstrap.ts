import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configureHttpApp } from '@tracking/http';
import { KafkaBatchTransport } from '@tracking/kafka';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { ProductionStatusConfig } from './config/production-status.config';

/**
 * Builds the service (HTTP API, Kafka consumers, expiry job) without listening, so `main.ts` and
 * the e2e tests start exactly the same application.
 */
export async function createProductionStatusApp(config: ProductionStatusConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // A batch of 1,000 events with parcels is a few hundred kilobytes of JSON or CSV.
  configureHttpApp(app, { jsonLimit: '5mb', textMediaTypes: ['text/csv'], textLimit: '5mb' });
  app.connectMicroservice({ strategy: app.get(KafkaBatchTransport) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  return app;
}
