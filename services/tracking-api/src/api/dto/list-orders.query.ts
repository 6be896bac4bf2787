import { CANONICAL_STATES, type CanonicalState } from '@tracking/events';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class ListOrdersQuery {
  @IsOptional()
  @IsIn(CANONICAL_STATES, { message: `status must be one of ${CANONICAL_STATES.join(', ')}` })
  status?: CanonicalState;

  @IsOptional()
  @IsString()
  @MaxLength(32)
  carrier?: string;

  /** Orders placed at or after; default 30 days ago. */
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** Orders placed before; default now. */
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'requiresAttention must be true or false' })
  requiresAttention?: 'true' | 'false';

  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;

  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
