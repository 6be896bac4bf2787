import { type INestApplication, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configureHttpApp } from '@tracking/http';
import { KafkaBatchTransport } from '@tracking/kafka';
import { Logger } from 'nestjs-pino';
import { SMS_FORM_MEDIA_TYPE } from './api/sms-inbound.controller';
import { AppModule } from './app.module';
import { ChannelRegistry } from './channels/registry';
import type { NotificationConfig } from './config/notification.config';
import { CHANNELS } from './domain/message-kinds';

/**
 * Builds the service (settings and delivery-log API, SMS replies, Kafka consumers, dispatcher)
 * without listening, so `main.ts` and the e2e tests start exactly the same application.
 */
export async function createNotificationApp(config: NotificationConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // Templates overridden in every language make a settings document of a few hundred kilobytes.
  // SMS replies arrive as a form, kept as text: its signature is over the parameters as sent.
  configureHttpApp(app, {
    jsonLimit: '1mb',
    acceptedMediaTypes: ['application/json', 'application/*+json'],
    textMediaTypes: [SMS_FORM_MEDIA_TYPE],
    textLimit: '64kb',
  });
  const channels = app.get(ChannelRegistry);
  for (const id of CHANNELS) {
    const channel = channels.get(id);
    if (!channel.configured) {
      new NestLogger('Notification').warn(
        `${id} channel not configured (${channel.configurationHint}): ${id} messages are recorded as skipped`,
      );
    }
  }
  app.connectMicroservice({ strategy: app.get(KafkaBatchTransport) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  return app;
}
