import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@tracking/auth';
import { ConfigModule } from '@tracking/config';
import { DatabaseModule, DatabaseReadiness } from '@tracking/db';
import { HealthModule } from '@tracking/health';
import { KafkaModule, KafkaReadiness } from '@tracking/kafka';
import { LoggingModule } from '@tracking/logging';
import { BuyersController } from './api/buyers.controller';
import { OrdersController } from './api/orders.controller';
import type { OrderIntakeConfig } from './config/order-intake.config';
import { ProductionEventsConsumer } from './consumers/production-events.consumer';
import { ORDER_INTAKE_DATABASE } from './persistence/database';
import { ORDER_INTAKE_SCHEMA } from './persistence/order.entity';
import { OrdersRepository } from './persistence/orders.repository';
import { CancelOrderUseCase } from './use-cases/cancel-order';
import { EraseBuyerUseCase } from './use-cases/erase-buyer';
import { GetOrderUseCase } from './use-cases/get-order';
import { RecordProductionProgressUseCase } from './use-cases/record-production-progress';
import { SubmitOrderUseCase } from './use-cases/submit-order';

@Module({})
export class AppModule {
  static forRoot(config: OrderIntakeConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(),
        DatabaseModule.forService(ORDER_INTAKE_DATABASE),
        KafkaModule.forService({ schema: ORDER_INTAKE_SCHEMA }),
        AuthModule.forRoot(),
        HealthModule.forRoot({ checks: [DatabaseReadiness, KafkaReadiness] }),
      ],
      controllers: [OrdersController, BuyersController, ProductionEventsConsumer],
      providers: [
        OrdersRepository,
        SubmitOrderUseCase,
        GetOrderUseCase,
        CancelOrderUseCase,
        EraseBuyerUseCase,
        RecordProductionProgressUseCase,
      ],
    };
  }
}
