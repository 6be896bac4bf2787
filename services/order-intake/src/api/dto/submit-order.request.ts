import { NestedObject, OptionalField, PostalAddressRequest } from '@tracking/http';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsString,
  Matches,
  MaxLength,
  Min,
  Max,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  NOTIFICATION_CHANNELS,
  STOREFRONT_PLATFORMS,
  type NotificationChannel,
  type StorefrontPlatform,
} from '../../domain/order';

export const E164 = /^\+[1-9]\d{6,14}$/;
const BCP47_LOCALE = /^[a-z]{2,3}(-[A-Za-z]{2,4})?(-[A-Z]{2}|-\d{3})?$/;
const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

export class SmsConsentRequest {
  @IsBoolean()
  granted!: boolean;

  /** When the buyer gave (or refused) consent: evidence for carriers' and regulators' questions. */
  @IsISO8601({ strict: true })
  recordedAt!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  source!: string;
}

export class BuyerRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ValidateIf((buyer: BuyerRequest) => buyer.email !== undefined || buyer.phone === undefined)
  @IsEmail({}, { message: 'email must be a valid address; a buyer needs an email or a phone' })
  @MaxLength(254)
  email?: string;

  @ValidateIf((buyer: BuyerRequest) => buyer.phone !== undefined || buyer.email === undefined)
  @Matches(E164, { message: 'phone must be in E.164 form (+15551234567); a buyer needs an email or a phone' })
  phone?: string;

  @OptionalField()
  @Matches(BCP47_LOCALE, { message: 'locale must be a BCP 47 tag such as en, vi or ru-RU' })
  locale?: string;

  @OptionalField()
  @IsArray()
  @ArrayUnique()
  @IsIn(NOTIFICATION_CHANNELS, {
    each: true,
    message: `each notificationChannels entry must be one of ${NOTIFICATION_CHANNELS.join(', ')}`,
  })
  notificationChannels?: NotificationChannel[];

  @ValidateIf(
    (buyer: BuyerRequest) =>
      // Runs before notificationChannels is known to be an array: a number there must not throw.
      buyer.smsConsent !== undefined ||
      (Array.isArray(buyer.notificationChannels) && buyer.notificationChannels.includes('sms')),
  )
  @IsObject({ message: 'smsConsent is required when sms is a notification channel' })
  @ValidateNested()
  @Type(() => SmsConsentRequest)
  smsConsent?: SmsConsentRequest;
}

export class LineItemRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  sku!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  title!: string;

  @IsInt()
  @Min(1)
  @Max(10_000)
  quantity!: number;
}

export class SubmitOrderRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  externalOrderId!: string;

  @IsIn(STOREFRONT_PLATFORMS, {
    message: `storefrontPlatform must be one of ${STOREFRONT_PLATFORMS.join(', ')}`,
  })
  storefrontPlatform!: StorefrontPlatform;

  @IsISO8601({ strict: true }, { message: 'placedAt must be an ISO 8601 date-time' })
  placedAt!: string;

  @NestedObject(() => BuyerRequest)
  buyer!: BuyerRequest;

  @NestedObject(() => PostalAddressRequest)
  shippingAddress!: PostalAddressRequest;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => LineItemRequest)
  lineItems!: LineItemRequest[];

  @OptionalField()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  fulfillmentCenterId?: string;

  @OptionalField()
  @Matches(CALENDAR_DATE, { message: 'promisedDeliveryDate must be a calendar date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true }, { message: 'promisedDeliveryDate must be a real calendar date' })
  promisedDeliveryDate?: string;
}

export class CancelOrderRequest {
  @OptionalField()
  @IsString()
  @MaxLength(500)
  reason?: string;
}
