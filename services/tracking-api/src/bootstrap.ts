import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configureHttpApp } from '@tracking/http';
import { KafkaBatchTransport } from '@tracking/kafka';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { TrackingApiConfig } from './config/tracking-api.config';

/**
 * Builds the service (buyer and merchant APIs, live streams, the read-model consumers) without
 * listening, so `main.ts` and the e2e tests start exactly the same application.
 */
export async function createTrackingApiApp(config: TrackingApiConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  configureHttpApp(app);
  app.connectMicroservice({ strategy: app.get(KafkaBatchTransport) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  return app;
}
