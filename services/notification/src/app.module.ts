import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@tracking/auth';
import { ConfigModule } from '@tracking/config';
import { DatabaseModule, DatabaseReadiness } from '@tracking/db';
import { TOPICS } from '@tracking/events';
import { HealthModule } from '@tracking/health';
import { KafkaModule, KafkaReadiness } from '@tracking/kafka';
import { LoggingModule } from '@tracking/logging';
import { NotificationsController } from './api/notifications.controller';
import { SettingsController } from './api/settings.controller';
import { SmsInboundController } from './api/sms-inbound.controller';
import { channelProviders } from './channels/channel-providers';
import type { NotificationConfig } from './config/notification.config';
import { BuyerContactEventsConsumer } from './consumers/buyer-contact-events.consumer';
import { OrderEventsConsumer } from './consumers/order-events.consumer';
import { StatusEventsConsumer } from './consumers/status-events.consumer';
import { DispatcherJob } from './jobs/dispatcher.job';
import { NOTIFICATION_DATABASE } from './persistence/database';
import { NotificationRepository } from './persistence/notification.repository';
import { DispatchNotificationsUseCase, DispatchSignal } from './use-cases/dispatch-notifications';
import { EraseBuyerUseCase } from './use-cases/erase-buyer';
import { HandleSmsReplyUseCase } from './use-cases/handle-sms-reply';
import { ListNotificationsUseCase } from './use-cases/list-notifications';
import { ManageSettingsUseCase } from './use-cases/manage-settings';
import { NotificationLedger } from './use-cases/notification-ledger';
import { NotificationPlanner } from './use-cases/notification-planner';
import { ReactToStatusChangeUseCase } from './use-cases/react-to-status-change';
import { RecordBuyerContactUseCase } from './use-cases/record-buyer-contact';
import { RecordOrderUseCase } from './use-cases/record-order';

@Module({})
export class AppModule {
  static forRoot(config: NotificationConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(),
        DatabaseModule.forService(NOTIFICATION_DATABASE),
        KafkaModule.forService({
          schema: NOTIFICATION_DATABASE.schema,
          producedTopics: [TOPICS.notifications],
        }),
        AuthModule.forRoot(),
        HealthModule.forRoot({ checks: [DatabaseReadiness, KafkaReadiness] }),
      ],
      controllers: [
        SettingsController,
        NotificationsController,
        SmsInboundController,
        OrderEventsConsumer,
        BuyerContactEventsConsumer,
        StatusEventsConsumer,
      ],
      providers: [
        ...channelProviders,
        NotificationRepository,
        NotificationLedger,
        NotificationPlanner,
        DispatchSignal,
        DispatchNotificationsUseCase,
        DispatcherJob,
        RecordOrderUseCase,
        RecordBuyerContactUseCase,
        EraseBuyerUseCase,
        ReactToStatusChangeUseCase,
        ManageSettingsUseCase,
        ListNotificationsUseCase,
        HandleSmsReplyUseCase,
      ],
    };
  }
}
