import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureHttpApp } from '@tracking/http';
import { KafkaBatchTransport } from '@tracking/kafka';
import { raw } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { CarrierIngestConfig } from './config/carrier-ingest.config';

/**
 * Builds the service (webhooks, merchant API, Kafka consumers, polling and sweeps) without
 * listening, so `main.ts` and the e2e tests start exactly the same application.
 */
export async function createCarrierIngestApp(config: CarrierIngestConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  // Webhook bodies stay raw bytes: the signature is over exactly what was sent, and a body that
  // is not even JSON must still be verified (401) or kept with the reason, never refused as 400.
  app.use('/v1/carriers', raw({ type: () => true, limit: '2mb' }));
  configureHttpApp(app);
  app.connectMicroservice({ strategy: app.get(KafkaBatchTransport) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  return app;
}
