import type { INestApplication } from '@nestjs/common';
import type { PlatformConfig } from '@tracking/config';
import { createTestEnvironment, type TestEnvironment } from '@tracking/testing';
import { createCarrierIngestApp } from '../../services/carrier-ingest/src/bootstrap';
import { CarrierIngestConfig } from '../../services/carrier-ingest/src/config/carrier-ingest.config';
import { createNotificationApp } from '../../services/notification/src/bootstrap';
import { NotificationConfig } from '../../services/notification/src/config/notification.config';
import { createOrderIntakeApp } from '../../services/order-intake/src/bootstrap';
import { OrderIntakeConfig } from '../../services/order-intake/src/config/order-intake.config';
import { createProductionStatusApp } from '../../services/production-status/src/bootstrap';
import { ProductionStatusConfig } from '../../services/production-status/src/config/production-status.config';
import { createTrackingApiApp } from '../../services/tracking-api/src/bootstrap';
import { TrackingApiConfig } from '../../services/tracking-api/src/config/tracking-api.config';

export const AGGREGATOR_SECRET = 'system-aggregator-secret';
export const SMS_AUTH_TOKEN = 'system-sms-auth-token';

export type ServiceName =
  'order-intake' | 'production-status' | 'carrier-ingest' | 'notification' | 'tracking-api';

export interface RunningService {
  name: ServiceName;
  environment: TestEnvironment<PlatformConfig>;
}

export interface RunningSystem {
  services: RunningService[];
  intake: TestEnvironment<OrderIntakeConfig>;
  production: TestEnvironment<ProductionStatusConfig>;
  carriers: TestEnvironment<CarrierIngestConfig>;
  notification: TestEnvironment<NotificationConfig>;
  tracking: TestEnvironment<TrackingApiConfig>;
  close(): Promise<void>;
}

/** Every service of the system, each on its own database, meeting only on the broker. */
export async function startSystem(): Promise<RunningSystem> {
  const services: RunningService[] = [];
  async function start<C extends PlatformConfig>(
    name: ServiceName,
    configClass: new () => C,
    createApp: (config: C) => Promise<INestApplication>,
    env: Record<string, string> = {},
  ): Promise<TestEnvironment<C>> {
    const environment = await createTestEnvironment({ configClass, createApp, env });
    services.push({ name, environment: environment as unknown as TestEnvironment<PlatformConfig> });
    return environment;
  }
  const tracking = await start('tracking-api', TrackingApiConfig, createTrackingApiApp);
  const notification = await start('notification', NotificationConfig, createNotificationApp, {
    SMS_AUTH_TOKEN,
  });
  const carriers = await start('carrier-ingest', CarrierIngestConfig, createCarrierIngestApp, {
    CARRIER_AGGREGATOR_WEBHOOK_SECRET: AGGREGATOR_SECRET,
    WEBHOOK_PROCESS_INTERVAL_MS: '200',
  });
  const production = await start('production-status', ProductionStatusConfig, createProductionStatusApp);
  const intake = await start('order-intake', OrderIntakeConfig, createOrderIntakeApp);
  return {
    services,
    intake,
    production,
    carriers,
    notification,
    tracking,
    async close() {
      for (const { environment } of [...services].reverse()) await environment.close();
    },
  };
}
