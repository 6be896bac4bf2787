import { OptionalField } from '@tracking/http';
import { CANONICAL_STATES, type CanonicalState } from '@tracking/events';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class ListOrdersQuery {
  @OptionalField()
  @IsIn(CANONICAL_STATES, { message: `status must be one of ${CANONICAL_STATES.join(', ')}` })
  status?: CanonicalState;

  @OptionalField()
  @IsString()
  @MaxLength(32)
  carrier?: string;

  /** Orders placed at or after; default 30 days ago. */
  @OptionalField()
  @IsISO8601({ strict: true })
  from?: string;

  /** Orders placed before; default now. */
  @OptionalField()
  @IsISO8601({ strict: true })
  to?: string;

  @OptionalField()
  @IsIn(['true', 'false'], { message: 'requiresAttention must be true or false' })
  requiresAttention?: 'true' | 'false';

  @OptionalField()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;

  @OptionalField()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
