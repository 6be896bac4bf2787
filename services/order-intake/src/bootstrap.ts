import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configureHttpApp } from '@tracking/http';
import { KafkaBatchTransport } from '@tracking/kafka';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { OrderIntakeConfig } from './config/order-intake.config';

/**
 * Builds the service (HTTP API and Kafka consumers) without listening, so `main.ts` and the
 * e2e test factory start exactly the same application.
 */
export async function createOrderIntakeApp(config: OrderIntakeConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  configureHttpApp(app);
  app.connectMicroservice({ strategy: app.get(KafkaBatchTransport) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  return app;
}
