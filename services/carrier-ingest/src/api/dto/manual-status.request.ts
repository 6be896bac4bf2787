import { OptionalField } from '@tracking/http';
import { REASON_CODES, type CanonicalReasonCode, type CanonicalState } from '@tracking/events';
import { IsIn, IsISO8601, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

/** The states a person may set on a shipment: what carriers report, not production's. */
export const MANUAL_STATES = [
  'PICKED_UP',
  'IN_TRANSIT',
  'OUT_FOR_DELIVERY',
  'AVAILABLE_FOR_PICKUP',
  'DELIVERED',
  'DELIVERY_ATTEMPTED',
  'EXCEPTION',
  'RETURNING',
  'RETURNED',
] as const satisfies readonly CanonicalState[];

export class ManualStatusRequest {
  @IsIn(MANUAL_STATES, { message: `state must be one of ${MANUAL_STATES.join(', ')}` })
  state!: (typeof MANUAL_STATES)[number];

  @OptionalField()
  @IsIn(REASON_CODES, { message: `reason must be one of ${REASON_CODES.join(', ')}` })
  reason?: CanonicalReasonCode;

  /** Why the carrier's word is overridden: shown with the status, kept as evidence. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  note!: string;

  @OptionalField()
  @IsISO8601({ strict: true })
  @Matches(/(Z|[+-]\d{2}:?\d{2})$/, { message: 'occurredAt must include an offset' })
  occurredAt?: string;
}
