import { Type } from 'class-transformer';
import {
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { SUPPORTED_LOCALES, type SupportedLocale } from '../../domain/locale';
import { CHANNELS, type Channel } from '../../domain/message-kinds';
import { CLOCK_TIME } from '../../domain/quiet-hours';
import { WEBHOOK_SECRET } from '../../channels/webhook/standard-webhooks';

const notNull = (_object: object, value: unknown) => value !== null;

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
  @IsOptional()
  @ValidateNested()
  @Type(() => MessageSettingRequest)
  order_confirmation?: MessageSettingRequest;
  @IsOptional() @ValidateNested() @Type(() => MessageSettingRequest) shipped?: MessageSettingRequest;
  @IsOptional() @ValidateNested() @Type(() => MessageSettingRequest) out_for_delivery?: MessageSettingRequest;
  @IsOptional()
  @ValidateNested()
  @Type(() => MessageSettingRequest)
  available_for_pickup?: MessageSettingRequest;
  @IsOptional() @ValidateNested() @Type(() => MessageSettingRequest) delivered?: MessageSettingRequest;
  @IsOptional() @ValidateNested() @Type(() => MessageSettingRequest) exception?: MessageSettingRequest;
  @IsOptional() @ValidateNested() @Type(() => MessageSettingRequest) delay?: MessageSettingRequest;
  @IsOptional() @ValidateNested() @Type(() => MessageSettingRequest) feedback_request?: MessageSettingRequest;
}

export class WebhookRequest {
  @IsOptional()
  @ValidateIf(notNull)
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'url must be an http(s) URL' })
  @MaxLength(2_000)
  url?: string | null;

  /** A secret of the merchant's own (`whsec_` and base64); usually left out and generated. */
  @IsOptional()
  @Matches(WEBHOOK_SECRET, { message: 'secret must be whsec_ followed by 24 to 64 bytes in base64' })
  secret?: string;

  /** A new secret replaces the current one; the old one stops verifying at once. */
  @IsOptional()
  @IsBoolean()
  rotateSecret?: boolean;
}

export class TemplateOverrideRequest {
  @IsOptional() @IsString() @MaxLength(200) subject?: string;
  @IsOptional() @IsString() @MaxLength(20_000) html?: string;
  @IsOptional() @IsString() @MaxLength(10_000) text?: string;
  @IsOptional() @IsString() @MaxLength(400) sms?: string;
}

export class LocaleTemplatesRequest {
  @IsOptional() @ValidateNested() @Type(() => TemplateOverrideRequest) en?: TemplateOverrideRequest;
  @IsOptional() @ValidateNested() @Type(() => TemplateOverrideRequest) vi?: TemplateOverrideRequest;
  @IsOptional() @ValidateNested() @Type(() => TemplateOverrideRequest) ru?: TemplateOverrideRequest;
}

export class TemplatesRequest {
  @IsOptional()
  @ValidateNested()
  @Type(() => LocaleTemplatesRequest)
  order_confirmation?: LocaleTemplatesRequest;
  @IsOptional() @ValidateNested() @Type(() => LocaleTemplatesRequest) shipped?: LocaleTemplatesRequest;
  @IsOptional()
  @ValidateNested()
  @Type(() => LocaleTemplatesRequest)
  out_for_delivery?: LocaleTemplatesRequest;
  @IsOptional()
  @ValidateNested()
  @Type(() => LocaleTemplatesRequest)
  available_for_pickup?: LocaleTemplatesRequest;
  @IsOptional() @ValidateNested() @Type(() => LocaleTemplatesRequest) delivered?: LocaleTemplatesRequest;
  @IsOptional() @ValidateNested() @Type(() => LocaleTemplatesRequest) exception?: LocaleTemplatesRequest;
  @IsOptional() @ValidateNested() @Type(() => LocaleTemplatesRequest) delay?: LocaleTemplatesRequest;
  @IsOptional()
  @ValidateNested()
  @Type(() => LocaleTemplatesRequest)
  feedback_request?: LocaleTemplatesRequest;
}

/**
 * PUT /v1/settings: the whole settings document. A field left out takes its default (PUT replaces),
 * except the webhook secret, which is kept unless rotated or replaced.
 */
export class SettingsRequest {
  @IsOptional()
  @ValidateIf(notNull)
  @IsString()
  @MaxLength(100)
  senderName?: string | null;

  @IsOptional()
  @ValidateIf(notNull)
  @IsEmail({}, { message: 'replyTo must be an email address' })
  replyTo?: string | null;

  @IsOptional()
  @IsIn(SUPPORTED_LOCALES, { message: `defaultLocale must be one of ${SUPPORTED_LOCALES.join(', ')}` })
  defaultLocale?: SupportedLocale;

  /** IANA zone, e.g. Europe/London; checked against the time zone database. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;

  @IsOptional()
  @ValidateIf(notNull)
  @ValidateNested()
  @Type(() => QuietHoursRequest)
  quietHours?: QuietHoursRequest | null;

  @IsOptional()
  @ValidateIf(notNull)
  @IsInt()
  @Min(1)
  @Max(60 * 24 * 60)
  feedbackRequestDelayMinutes?: number | null;

  @IsOptional()
  @ValidateIf(notNull)
  @IsString()
  @MaxLength(2_000)
  feedbackUrl?: string | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => MessagesRequest)
  messages?: MessagesRequest;

  @IsOptional()
  @ValidateNested()
  @Type(() => WebhookRequest)
  webhook?: WebhookRequest;

  @IsOptional()
  @ValidateNested()
  @Type(() => TemplatesRequest)
  templates?: TemplatesRequest;
}
