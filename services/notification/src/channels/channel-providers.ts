import type { Provider } from '@nestjs/common';
import { NotificationConfig } from '../config/notification.config';
import type { NotificationChannel } from './channel';
import { SmtpEmailChannel } from './email/smtp-email.channel';
import { ChannelRegistry, NOTIFICATION_CHANNELS } from './registry';
import { TwilioSmsChannel } from './sms/twilio-sms.channel';
import { MerchantWebhookChannel } from './webhook/merchant-webhook.channel';

/** One adapter per channel, built once from the configuration. */
export const channelProviders: Provider[] = [
  {
    provide: NOTIFICATION_CHANNELS,
    inject: [NotificationConfig],
    useFactory: (config: NotificationConfig): NotificationChannel[] => [
      new SmtpEmailChannel(config),
      new TwilioSmsChannel(config),
      new MerchantWebhookChannel(config),
    ],
  },
  ChannelRegistry,
];
