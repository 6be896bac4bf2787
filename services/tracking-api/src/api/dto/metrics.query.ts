import { OptionalField } from '@tracking/http';
import { IsISO8601 } from 'class-validator';

export class MetricsQuery {
  /** Start of the period, inclusive; default 30 days before `to`. */
  @OptionalField()
  @IsISO8601({ strict: true })
  from?: string;

  /** End of the period, exclusive; default now. */
  @OptionalField()
  @IsISO8601({ strict: true })
  to?: string;
}
