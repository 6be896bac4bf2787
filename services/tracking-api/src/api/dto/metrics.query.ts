import { IsISO8601, IsOptional } from 'class-validator';

export class MetricsQuery {
  /** Start of the period, inclusive; default 30 days before `to`. */
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** End of the period, exclusive; default now. */
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
