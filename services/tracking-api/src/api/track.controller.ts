import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { Public } from '@tracking/auth';
import type { Request, Response } from 'express';
import { TrackingApiConfig } from '../config/tracking-api.config';
import { StatusHub } from '../live/status-hub';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ReadModelRepository } from '../persistence/read-model.repository';
import { BuyerRequestsUseCase } from '../use-cases/buyer-requests.use-case';
import { TrackOrderUseCase } from '../use-cases/track-order.use-case';
import { DeliveryChangeRequest, FeedbackRequest } from './dto/buyer.requests';

/** The buyer's side: no credential, the unguessable tracking token is the key. */
@Controller('v1/track/:token')
@Public()
export class TrackController {
  constructor(
    private readonly trackOrder: TrackOrderUseCase,
    private readonly buyerRequests: BuyerRequestsUseCase,
    private readonly hub: StatusHub,
    private readonly repository: ReadModelRepository,
    private readonly config: TrackingApiConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Get()
  async get(@Param('token') token: string, @Res({ passthrough: true }) response: Response) {
    const { view, version } = await this.trackOrder.execute(token);
    // Tracking links are shared by forwarding; nothing here belongs in a shared cache or a search index.
    response.setHeader('Cache-Control', 'private, no-cache');
    response.setHeader('X-Robots-Tag', 'noindex');
    response.setHeader('ETag', `"v${version}"`);
    return view;
  }

  /**
   * Server-Sent Events: the current view first (or every change since Last-Event-ID), then each
   * new version as it is projected. Event ids are the order's view version.
   */
  @Get('events')
  async events(
    @Param('token') token: string,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Query('lastEventId') lastEventIdQuery: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const { orderId } = await this.trackOrder.execute(token);
    const resumeFrom = Number(lastEventIdHeader ?? lastEventIdQuery);
    let sent = Number.isInteger(resumeFrom) && resumeFrom >= 0 ? resumeFrom : -1;

    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      'X-Robots-Tag': 'noindex',
    });
    response.write(`retry: 3000\n\n`);

    let sending = Promise.resolve();
    const sendNew = () => {
      sending = sending
        .then(async () => {
          if (response.writableEnded) return;
          const changes =
            sent < 0
              ? [await this.repository.currentView(this.dataSource.manager, orderId)].flatMap((current) =>
                  current ? [current] : [],
                )
              : await this.repository.changesSince(this.dataSource.manager, orderId, sent);
          for (const change of changes) {
            if (change.version <= sent) continue;
            response.write(`id: ${change.version}\nevent: status\ndata: ${JSON.stringify(change.view)}\n\n`);
            sent = change.version;
          }
        })
        .catch(() => undefined);
    };
    const unsubscribe = this.hub.subscribe(orderId, sendNew);
    const heartbeat = setInterval(
      () => response.write(`: keep-alive\n\n`),
      this.config.SSE_HEARTBEAT_SECONDS * 1_000,
    );
    request.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
    sendNew();
  }

  /** After delivery only: how well informed the buyer felt, 1 to 5, and an optional comment. */
  @Post('feedback')
  @HttpCode(HttpStatus.CREATED)
  async feedback(@Param('token') token: string, @Body() request: FeedbackRequest) {
    const tracked = await this.trackOrder.execute(token);
    return this.buyerRequests.leaveFeedback(tracked, request);
  }

  /** A new address or delivery window, accepted only before the parcel is out for delivery. */
  @Post('delivery-changes')
  @HttpCode(HttpStatus.ACCEPTED)
  async deliveryChange(@Param('token') token: string, @Body() request: DeliveryChangeRequest) {
    const tracked = await this.trackOrder.execute(token);
    return this.buyerRequests.requestDeliveryChange(tracked, request);
  }
}
