import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@tracking/db';
import type { FieldViolation } from '@tracking/errors';
import { productionMetrics } from '../domain/metrics';
import type { ProductionReport } from '../domain/production-event';
import { ProductionLedger, type ReportOutcome } from './production-ledger';

/** An item of a request: a report whose shape passed validation, or the violations it had. */
export type SubmittedItem =
  { report: ProductionReport } | { eventId?: string; type?: string; violations: FieldViolation[] };

export type ItemResult =
  | ReportOutcome
  | {
      outcome: 'rejected';
      eventId?: string;
      code: 'VALIDATION_FAILED';
      cause: 'INVALID';
      reason: string;
      errors: FieldViolation[];
    };

@Injectable()
export class RecordProductionEventsUseCase {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly ledger: ProductionLedger,
  ) {}

  /** Results in the order of `items`; the valid ones are recorded in one transaction. */
  async execute(fulfillmentCentreId: string, items: readonly SubmittedItem[]): Promise<ItemResult[]> {
    const reports = items.flatMap((item) => ('report' in item ? [item.report] : []));
    const outcomes =
      reports.length === 0
        ? []
        : await this.unitOfWork.run((tx) => this.ledger.record(tx, fulfillmentCentreId, reports));
    let next = 0;
    return items.map((item): ItemResult => {
      if ('report' in item) return outcomes[next++]!;
      productionMetrics
        .reports()
        .inc({ type: item.type ?? 'unknown', outcome: 'rejected', cause: 'INVALID' });
      return {
        outcome: 'rejected',
        ...(item.eventId ? { eventId: item.eventId } : {}),
        code: 'VALIDATION_FAILED',
        cause: 'INVALID',
        reason: `not valid: ${[...new Set(item.violations.map((violation) => violation.field))].join(', ')}`,
        errors: item.violations,
      };
    });
  }
}
