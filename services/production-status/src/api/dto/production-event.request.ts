import { OptionalField } from '@tracking/http';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsString,
  IsUUID,
  Max,
  Matches,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PRODUCTION_STEP_TYPES } from '../../domain/production-event';
import type { ProductionStepType } from '@tracking/events';

const DATE_TIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export class PackedShipmentRequest {
  /** ups, usps, fedex or dhl; checked together with the number by the tracking number validator. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  carrier!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  trackingNumber!: string;

  @OptionalField()
  @IsString()
  @MaxLength(64)
  serviceLevel?: string;

  @OptionalField()
  @IsInt()
  @Min(1)
  @Max(999)
  packageCount?: number;

  @OptionalField()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  weightGrams?: number;
}

export class ProductionEventRequest {
  @IsUUID('all', { message: 'orderId must be the orderId order-intake returned (a UUID)' })
  orderId!: string;

  /** The centre's own id for the event; sending it again is answered as a duplicate. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  eventId!: string;

  @IsIn(PRODUCTION_STEP_TYPES, { message: `type must be one of ${PRODUCTION_STEP_TYPES.join(', ')}` })
  type!: ProductionStepType;

  // A time without an offset would be read in the server's zone: the centre must say which it means.
  @IsISO8601({ strict: true }, { message: 'occurredAt must be an ISO 8601 date-time with an offset' })
  @Matches(DATE_TIME_WITH_OFFSET, {
    message: 'occurredAt must include a time and an offset, e.g. 2026-12-01T09:30:00+07:00',
  })
  occurredAt!: string;

  @OptionalField()
  @IsString()
  @MaxLength(100)
  facility?: string;

  @OptionalField()
  @IsString()
  @MaxLength(100)
  station?: string;

  @OptionalField()
  @IsString()
  @MaxLength(100)
  operator?: string;

  @OptionalField()
  @IsString()
  @MaxLength(1_000)
  note?: string;

  /** Why QC failed or production was cancelled. */
  @OptionalField()
  @IsString()
  @MaxLength(500)
  reason?: string;

  @ValidateIf((event: ProductionEventRequest) => event.type === 'PACKED' || event.shipments !== undefined)
  @IsDefined({ message: 'shipments is required for PACKED: one entry per parcel' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => PackedShipmentRequest)
  shipments?: PackedShipmentRequest[];

  /** LABEL_VOIDED: the tracking number of the voided label. */
  @ValidateIf(
    (event: ProductionEventRequest) => event.type === 'LABEL_VOIDED' || event.trackingNumber !== undefined,
  )
  @IsString({ message: 'trackingNumber is required for LABEL_VOIDED: the number of the voided label' })
  @IsNotEmpty()
  @MaxLength(64)
  trackingNumber?: string;
}

export class ProductionEventBatchRequest {
  @IsArray()
  events!: unknown[];
}
