import { Controller, HttpStatus, Param, Post, Req, Res } from '@nestjs/common';
import { Public } from '@tracking/auth';
import type { Request, Response } from 'express';
import { ReceiveWebhookUseCase } from '../webhooks/receive-webhook.use-case';

/** Carriers authenticate by signature, not by bearer token. */
@Controller('v1/carriers/:carrier/webhooks')
@Public()
export class WebhooksController {
  constructor(private readonly receiveWebhook: ReceiveWebhookUseCase) {}

  /** 202 once the raw delivery is stored; 200 for a replay of one already stored; 401 unsigned. */
  @Post()
  async receive(
    @Param('carrier') carrier: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value[0] : value]),
    );
    const receipt = await this.receiveWebhook.execute(carrier.toLowerCase(), rawBody, headers);
    response.status(receipt.outcome === 'accepted' ? HttpStatus.ACCEPTED : HttpStatus.OK);
    return receipt;
  }
}
