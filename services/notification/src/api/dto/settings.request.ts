import { NestedObject, NullableField, OptionalField } from '@tracking/http';
import {
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { SUPPORTED_LOCALES, type SupportedLocale } from '../../domain/locale';
import { CHANNELS, type Channel } from '../../domain/message-kinds';
import { CLOCK_TIME } from '../../domain/quiet-hours';
import { WEBHOOK_SECRET } from '../../channels/webhook/standard-webhooks';

export class QuietHoursRequest {
  @Matches(CLOCK_TIME, { message: 'start must be a local time HH:mm, e.g. 21:00' })
  start!: string;

  @Matches(CLOCK_TIME, { message: 'end must be a local time HH:mm, e.g. 08:00' })
  end!: string;
}

export class MessageSettingRequest {
  @IsBoolean()
  enabled!: boolean;

  @IsArray()
  @ArrayUnique()
  @IsIn(CHANNELS, { each: true, message: `each channel must be one of ${CHANNELS.join(', ')}` })
  channels!: Channel[];
}

export class MessagesRequest {
  @OptionalField()
  @NestedObject(() => MessageSettingRequest)
  order_confirmation?: MessageSettingRequest;
  @OptionalField() @NestedObject(() => MessageSettingRequest) shipped?: MessageSettingRequest;
  @OptionalField() @NestedObject(() => MessageSettingRequest) out_for_delivery?: MessageSettingRequest;
  @OptionalField()
  @NestedObject(() => MessageSettingRequest)
  available_for_pickup?: MessageSettingRequest;
  @OptionalField() @NestedObject(() => MessageSettingRequest) delivered?: MessageSettingRequest;
  @OptionalField() @NestedObject(() => MessageSettingRequest) exception?: MessageSettingRequest;
  @OptionalField() @NestedObject(() => MessageSettingRequest) delay?: MessageSettingRequest;
  @OptionalField() @NestedObject(() => MessageSettingRequest) feedback_request?: MessageSettingRequest;
}

export class WebhookRequest {
  @NullableField()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'url must be an http(s) URL' })
  @MaxLength(2_000)
  url?: string | null;

  /** A secret of the merchant's own (`whsec_` and base64); usually left out and generated. */
  @OptionalField()
  @Matches(WEBHOOK_SECRET, { message: 'secret must be whsec_ followed by 24 to 64 bytes in base64' })
  secret?: string;

  /** A new secret replaces the current one; the old one stops verifying at once. */
  @OptionalField()
  @IsBoolean()
  rotateSecret?: boolean;
}

export class TemplateOverrideRequest {
  @OptionalField() @IsString() @MaxLength(200) subject?: string;
  @OptionalField() @IsString() @MaxLength(20_000) html?: string;
  @OptionalField() @IsString() @MaxLength(10_000) text?: string;
  @OptionalField() @IsString() @MaxLength(400) sms?: string;
}

export class LocaleTemplatesRequest {
  @OptionalField() @NestedObject(() => TemplateOverrideRequest) en?: TemplateOverrideRequest;
  @OptionalField() @NestedObject(() => TemplateOverrideRequest) vi?: TemplateOverrideRequest;
  @OptionalField() @NestedObject(() => TemplateOverrideRequest) ru?: TemplateOverrideRequest;
}

export class TemplatesRequest {
  @OptionalField()
  @NestedObject(() => LocaleTemplatesRequest)
  order_confirmation?: LocaleTemplatesRequest;
  @OptionalField() @NestedObject(() => LocaleTemplatesRequest) shipped?: LocaleTemplatesRequest;
  @OptionalField()
  @NestedObject(() => LocaleTemplatesRequest)
  out_for_delivery?: LocaleTemplatesRequest;
  @OptionalField()
  @NestedObject(() => LocaleTemplatesRequest)
  available_for_pickup?: LocaleTemplatesRequest;
  @OptionalField() @NestedObject(() => LocaleTemplatesRequest) delivered?: LocaleTemplatesRequest;
  @OptionalField() @NestedObject(() => LocaleTemplatesRequest) exception?: LocaleTemplatesRequest;
  @OptionalField() @NestedObject(() => LocaleTemplatesRequest) delay?: LocaleTemplatesRequest;
  @OptionalField()
  @NestedObject(() => LocaleTemplatesRequest)
  feedback_request?: LocaleTemplatesRequest;
}

/**
 * PUT /v1/settings: the whole settings document. A field left out takes its default (PUT replaces),
 * except the webhook secret, which is kept unless rotated or replaced.
 */
export class SettingsRequest {
  @NullableField()
  @IsString()
  @MaxLength(100)
  senderName?: string | null;

  @NullableField()
  @IsEmail({}, { message: 'replyTo must be an email address' })
  replyTo?: string | null;

  @OptionalField()
  @IsIn(SUPPORTED_LOCALES, { message: `defaultLocale must be one of ${SUPPORTED_LOCALES.join(', ')}` })
  defaultLocale?: SupportedLocale;

  /** IANA zone, e.g. Europe/London; checked against the time zone database. */
  @OptionalField()
  @IsString()
  @MaxLength(64)
  timeZone?: string;

  @NullableField()
  @NestedObject(() => QuietHoursRequest)
  quietHours?: QuietHoursRequest | null;

  @NullableField()
  @IsInt()
  @Min(1)
  @Max(60 * 24 * 60)
  feedbackRequestDelayMinutes?: number | null;

  @NullableField()
  @IsString()
  @MaxLength(2_000)
  feedbackUrl?: string | null;

  @OptionalField()
  @NestedObject(() => MessagesRequest)
  messages?: MessagesRequest;

  @OptionalField()
  @NestedObject(() => WebhookRequest)
  webhook?: WebhookRequest;

  @OptionalField()
  @NestedObject(() => TemplatesRequest)
  templates?: TemplatesRequest;
}
