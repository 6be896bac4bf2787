import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@tracking/auth';
import { ConfigModule } from '@tracking/config';
import { DatabaseModule, DatabaseReadiness } from '@tracking/db';
import { HealthModule } from '@tracking/health';
import { KafkaModule, KafkaReadiness } from '@tracking/kafka';
import { LoggingModule } from '@tracking/logging';
import { ShipmentsController } from './api/shipments.controller';
import { WebhooksController } from './api/webhooks.controller';
import { carrierProviders } from './carriers/carrier-adapters.provider';
import type { CarrierIngestConfig } from './config/carrier-ingest.config';
import { ShipmentEventsConsumer } from './consumers/shipment-events.consumer';
import { StaleShipmentsJob } from './jobs/stale-shipments.job';
import { UnmatchedReportsJob } from './jobs/unmatched-reports.job';
import { CARRIER_INGEST_DATABASE } from './persistence/database';
import { CarrierRepository } from './persistence/carrier.repository';
import { CarrierApiClient } from './polling/carrier-api.client';
import { PollSchedulerJob } from './polling/poll-scheduler.job';
import { GetShipmentUseCase } from './use-cases/get-shipment.use-case';
import { PollShipmentUseCase } from './use-cases/poll-shipment.use-case';
import { RegisterShipmentUseCase } from './use-cases/register-shipment.use-case';
import { ScanLedger } from './use-cases/scan-ledger';
import { SetManualStatusUseCase } from './use-cases/set-manual-status.use-case';
import { ReceiveWebhookUseCase } from './webhooks/receive-webhook.use-case';
import { WebhookProcessor } from './webhooks/webhook-processor';

@Module({})
export class AppModule {
  static forRoot(config: CarrierIngestConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(),
        DatabaseModule.forService(CARRIER_INGEST_DATABASE),
        KafkaModule.forService({ schema: CARRIER_INGEST_DATABASE.schema }),
        AuthModule.forRoot(),
        HealthModule.forRoot({ checks: [DatabaseReadiness, KafkaReadiness] }),
      ],
      controllers: [WebhooksController, ShipmentsController, ShipmentEventsConsumer],
      providers: [
        ...carrierProviders,
        CarrierRepository,
        ScanLedger,
        ReceiveWebhookUseCase,
        WebhookProcessor,
        CarrierApiClient,
        PollShipmentUseCase,
        PollSchedulerJob,
        RegisterShipmentUseCase,
        GetShipmentUseCase,
        SetManualStatusUseCase,
        StaleShipmentsJob,
        UnmatchedReportsJob,
      ],
    };
  }
}
