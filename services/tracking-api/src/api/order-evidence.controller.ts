import { Controller, Get, Param, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { CurrentTenant, RequireTenantKind, type TenantPrincipal } from '@tracking/auth';
import { idFromPath } from '@tracking/http';
import type { Request, Response } from 'express';
import { OrderEvidenceUseCase } from '../use-cases/order-evidence.use-case';
import { EvidenceQuery } from './dto/evidence.query';
import { renderEvidencePdf } from './evidence-pdf';

const PDF = 'application/pdf';

/** The dispute evidence pack of one of the merchant's orders, as JSON or as a PDF to attach to a dispute. */
@Controller('v1/orders/:orderId/evidence')
@RequireTenantKind('merchant')
export class OrderEvidenceController {
  constructor(private readonly evidence: OrderEvidenceUseCase) {}

  @Get()
  async get(
    @CurrentTenant() merchant: TenantPrincipal,
    @Param('orderId') orderId: string,
    @Query() query: EvidenceQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const pack = await this.evidence.execute(merchant.id, idFromPath(orderId, 'order'));
    // It names who signed for the parcel: nothing between the merchant and us may keep a copy.
    response.setHeader('Cache-Control', 'private, no-store');
    response.setHeader('Vary', 'Accept');
    const format = query.format ?? (request.accepts(['application/json', PDF]) === PDF ? 'pdf' : 'json');
    if (format === 'json') return pack;
    const pdf = await renderEvidencePdf(pack);
    const name = pack.order.orderNumber.replace(/[^A-Za-z0-9_-]/g, '') || pack.order.orderId;
    return new StreamableFile(pdf, {
      type: PDF,
      length: pdf.length,
      disposition: `attachment; filename="evidence-${name}.pdf"`,
    });
  }
}
