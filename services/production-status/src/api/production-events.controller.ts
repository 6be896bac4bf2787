import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Req, Res } from '@nestjs/common';
import { CurrentTenant, RequireTenantKind, type TenantPrincipal } from '@tracking/auth';
import { TrackingError, ValidationFailedError } from '@tracking/errors';
import { validateItem, idFromPath } from '@tracking/http';
import type { Request, Response } from 'express';
import { ProductionStatusConfig } from '../config/production-status.config';
import type { ProductionReport } from '../domain/production-event';
import { GetProductionTimelineUseCase } from '../use-cases/get-production-timeline.use-case';
import {
  RecordProductionEventsUseCase,
  type ItemResult,
  type SubmittedItem,
} from '../use-cases/record-production-events.use-case';
import { parseProductionCsv } from './csv/production-events-csv';
import { ProductionEventRequest } from './dto/production-event.request';
import { toItemResponse, toTimelineResponse } from './dto/production.response';

function toReport(request: ProductionEventRequest): ProductionReport {
  return { ...request, orderId: request.orderId.toLowerCase() };
}

async function validateEvent(plain: unknown): Promise<SubmittedItem> {
  const { value, violations } = await validateItem(ProductionEventRequest, plain);
  if (value) return { report: toReport(value) };
  const raw = (typeof plain === 'object' && plain !== null ? plain : {}) as Record<string, unknown>;
  return {
    ...(typeof raw.eventId === 'string' ? { eventId: raw.eventId } : {}),
    ...(typeof raw.type === 'string' ? { type: raw.type } : {}),
    violations,
  };
}

@Controller()
@RequireTenantKind('fulfillment_center')
export class ProductionEventsController {
  constructor(
    private readonly recordEvents: RecordProductionEventsUseCase,
    private readonly getTimeline: GetProductionTimelineUseCase,
    private readonly config: ProductionStatusConfig,
  ) {}

  /**
   * One step from a station: 201 accepted, 200 a duplicate of one already sent, 202 kept until
   * its order arrives; refusals are problem+json (404 not this centre's order, 409 impossible
   * now, 422 invalid, an invalid tracking number included).
   */
  @Post('v1/production-events')
  async submitOne(
    @CurrentTenant() centre: TenantPrincipal,
    @Body() request: ProductionEventRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    const [result] = await this.recordEvents.execute(centre.id, [{ report: toReport(request) }]);
    if (result!.outcome === 'rejected') throw refusal(result!);
    response.status(
      { accepted: HttpStatus.CREATED, duplicate: HttpStatus.OK, awaiting_order: HttpStatus.ACCEPTED }[
        result!.outcome
      ],
    );
    return toItemResponse(result!);
  }

  /**
   * Up to PRODUCTION_BATCH_MAX_EVENTS events as `{ "events": [...] }` or as CSV (text/csv). Each
   * item gets its own result; one bad item never rejects the others.
   */
  @Post('v1/production-events/batch')
  @HttpCode(HttpStatus.OK)
  async submitBatch(@CurrentTenant() centre: TenantPrincipal, @Req() request: Request) {
    const csv = request.is('text/csv') !== false && request.is('text/csv') !== null;
    const submitted = csv ? this.csvItems(request.body) : this.jsonItems(request.body);
    const limit = this.config.PRODUCTION_BATCH_MAX_EVENTS;
    if (submitted.length > limit) {
      throw new ValidationFailedError(`A batch carries at most ${limit} events; split it`, [
        { field: 'events', reason: `${submitted.length} events, at most ${limit} allowed` },
      ]);
    }
    if (submitted.length === 0) {
      throw new ValidationFailedError('The batch has no events', [
        { field: 'events', reason: 'must not be empty' },
      ]);
    }
    const items = await Promise.all(submitted.map(({ event }) => validateEvent(event)));
    const results = await this.recordEvents.execute(centre.id, items);
    const summary = { accepted: 0, duplicate: 0, awaiting_order: 0, rejected: 0 };
    for (const result of results) summary[result.outcome] += 1;
    return {
      summary,
      results: results.map((result, index) => ({
        index,
        ...(submitted[index]!.lines ? { lines: submitted[index]!.lines } : {}),
        ...toItemResponse(result),
      })),
    };
  }

  @Get('v1/orders/:orderId/production')
  async timeline(@CurrentTenant() centre: TenantPrincipal, @Param('orderId') orderId: string) {
    return toTimelineResponse(await this.getTimeline.execute(centre.id, idFromPath(orderId, 'order')));
  }

  private jsonItems(body: unknown): Array<{ event: unknown; lines?: number[] }> {
    const events = (body as { events?: unknown } | undefined)?.events;
    if (!Array.isArray(events)) {
      throw new ValidationFailedError('The batch must be { "events": [...] } or text/csv', [
        { field: 'events', reason: 'must be an array of production events' },
      ]);
    }
    const extra = Object.keys(body as object).filter((key) => key !== 'events');
    if (extra.length > 0) {
      throw new ValidationFailedError(
        'The batch has unknown fields',
        extra.map((field) => ({ field, reason: 'unknown field' })),
      );
    }
    return events.map((event) => ({ event }));
  }

  private csvItems(body: unknown): Array<{ event: unknown; lines: number[] }> {
    if (typeof body !== 'string') {
      throw new ValidationFailedError('The CSV body is empty', [{ field: '$', reason: 'no rows' }]);
    }
    return parseProductionCsv(body);
  }
}

/** The single-event endpoint answers a refusal as problem+json with the status it stands for. */
function refusal(result: Extract<ItemResult, { outcome: 'rejected' }>): TrackingError {
  if (result.code === 'NOT_FOUND')
    return new TrackingError('NOT_FOUND', result.reason, { details: { cause: result.cause } });
  if (result.code === 'CONFLICT')
    return new TrackingError('CONFLICT', result.reason, { details: { cause: result.cause } });
  const errors = 'errors' in result ? result.errors : [{ field: result.field ?? '$', reason: result.reason }];
  return new ValidationFailedError(result.reason, errors);
}
