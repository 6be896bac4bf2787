import { OptionalField, PostalAddressRequest } from '@tracking/http';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsInt,
  IsObject,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

export class FeedbackRequest {
  /** How well informed the buyer felt about their order, 1 (not at all) to 5 (fully). */
  @IsInt()
  @Min(1)
  @Max(5)
  rating!: number;

  @OptionalField()
  @IsString()
  @MaxLength(2_000)
  comment?: string;
}

export class DeliveryChangeRequest {
  @ValidateIf(
    (request: DeliveryChangeRequest) => request.address !== undefined || request.preferredDate === undefined,
  )
  @IsDefined({ message: 'give a new address, a preferred date, or both' })
  @IsObject()
  @ValidateNested()
  @Type(() => PostalAddressRequest)
  address?: PostalAddressRequest;

  @ValidateIf(
    (request: DeliveryChangeRequest) => request.preferredDate !== undefined || request.address === undefined,
  )
  @Matches(/^\d{4}-\d{2}-\d{2}$/, {
    message: 'preferredDate must be a calendar date (YYYY-MM-DD); give it, a new address, or both',
  })
  preferredDate?: string;

  @OptionalField()
  @Matches(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, {
    message: 'preferredTimeWindow must look like 09:00-12:00',
  })
  preferredTimeWindow?: string;

  @OptionalField()
  @IsString()
  @MaxLength(500)
  note?: string;
}
