import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@tracking/auth';
import { ConfigModule } from '@tracking/config';
import { DatabaseModule, DatabaseReadiness } from '@tracking/db';
import { HealthModule } from '@tracking/health';
import { KafkaModule, KafkaReadiness } from '@tracking/kafka';
import { LoggingModule } from '@tracking/logging';
import { ProductionEventsController } from './api/production-events.controller';
import type { ProductionStatusConfig } from './config/production-status.config';
import { OrderEventsConsumer } from './consumers/order-events.consumer';
import { AwaitingOrderExpiryJob } from './jobs/awaiting-order-expiry.job';
import { PRODUCTION_STATUS_DATABASE } from './persistence/database';
import { ProductionRepository } from './persistence/production.repository';
import { GetProductionTimelineUseCase } from './use-cases/get-production-timeline.use-case';
import { ProductionLedger } from './use-cases/production-ledger';
import { RecordProductionEventsUseCase } from './use-cases/record-production-events.use-case';

@Module({})
export class AppModule {
  static forRoot(config: ProductionStatusConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(),
        DatabaseModule.forService(PRODUCTION_STATUS_DATABASE),
        KafkaModule.forService({ schema: PRODUCTION_STATUS_DATABASE.schema }),
        AuthModule.forRoot(),
        HealthModule.forRoot({ checks: [DatabaseReadiness, KafkaReadiness] }),
      ],
      controllers: [ProductionEventsController, OrderEventsConsumer],
      providers: [
        ProductionRepository,
        ProductionLedger,
        RecordProductionEventsUseCase,
        GetProductionTimelineUseCase,
        AwaitingOrderExpiryJob,
      ],
    };
  }
}
