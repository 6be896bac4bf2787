import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@tracking/auth';
import { ConfigModule } from '@tracking/config';
import { DatabaseModule, DatabaseReadiness } from '@tracking/db';
import { HealthModule } from '@tracking/health';
import { KafkaModule, KafkaReadiness } from '@tracking/kafka';
import { LoggingModule } from '@tracking/logging';
import { MerchantMetricsController } from './api/merchant-metrics.controller';
import { MerchantOrdersController } from './api/merchant-orders.controller';
import { OrderEvidenceController } from './api/order-evidence.controller';
import { TrackController } from './api/track.controller';
import { TrackingLinkController, TrackingPageController } from './api/tracking-page.controller';
import { TrackingApiConfig } from './config/tracking-api.config';
import { TrackingEventsConsumer } from './consumers/tracking-events.consumer';
import { parseEtaSettings } from './domain/delivery-estimate';
import { ETA_SETTINGS, type EtaSettings } from './domain/eta-settings';
import { StatusHub } from './live/status-hub';
import { TRACKING_API_DATABASE } from './persistence/database';
import { BuyerContactsRepository } from './persistence/buyer-contacts.repository';
import { ReadModelRepository } from './persistence/read-model.repository';
import { BuyerRequestsUseCase } from './use-cases/buyer-requests.use-case';
import { EraseBuyerUseCase } from './use-cases/erase-buyer.use-case';
import { ListOrdersUseCase } from './use-cases/list-orders.use-case';
import { MerchantMetricsUseCase } from './use-cases/merchant-metrics.use-case';
import { OrderEvidenceUseCase } from './use-cases/order-evidence.use-case';
import { OrderProjector } from './use-cases/order-projector';
import { RecordBuyerContactUseCase } from './use-cases/record-buyer-contact.use-case';
import { TrackOrderUseCase } from './use-cases/track-order.use-case';

@Module({})
export class AppModule {
  static forRoot(config: TrackingApiConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(),
        DatabaseModule.forService(TRACKING_API_DATABASE),
        KafkaModule.forService({ schema: TRACKING_API_DATABASE.schema }),
        AuthModule.forRoot(),
        HealthModule.forRoot({ checks: [DatabaseReadiness, KafkaReadiness] }),
      ],
      controllers: [
        TrackController,
        TrackingPageController,
        TrackingLinkController,
        MerchantOrdersController,
        MerchantMetricsController,
        OrderEvidenceController,
        TrackingEventsConsumer,
      ],
      providers: [
        {
          provide: ETA_SETTINGS,
          inject: [TrackingApiConfig],
          useFactory: (settings: TrackingApiConfig): EtaSettings => ({
            productionDays: settings.ETA_PRODUCTION_DAYS,
            ...parseEtaSettings(settings.ETA_TRANSIT_TABLE, settings.ETA_PRODUCTION_DAYS_BY_CENTRE),
          }),
        },
        ReadModelRepository,
        BuyerContactsRepository,
        StatusHub,
        OrderProjector,
        TrackOrderUseCase,
        BuyerRequestsUseCase,
        ListOrdersUseCase,
        MerchantMetricsUseCase,
        OrderEvidenceUseCase,
        RecordBuyerContactUseCase,
        EraseBuyerUseCase,
      ],
    };
  }
}
