import { Controller, Get, Header, Res } from '@nestjs/common';
import { Public } from '@tracking/auth';
import { metricsRegistry } from '@tracking/telemetry';
import type { Response } from 'express';
import { HealthService } from './health.service';
import type { ReadinessReport } from './readiness';

/** Probes and metrics: unauthenticated (kubelet and Prometheus hold no tenant token), never cached. */
@Public()
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Answers while the event loop does: a restart cannot fix a database that is down, so nothing is checked here. */
  @Get('health/live')
  @Header('Cache-Control', 'no-store')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @Header('Cache-Control', 'no-store')
  async ready(@Res({ passthrough: true }) response: Response): Promise<ReadinessReport> {
    const report = await this.health.readiness();
    response.status(report.status === 'ready' ? 200 : 503);
    return report;
  }

  @Get('metrics')
  async metrics(@Res() response: Response): Promise<void> {
    const registry = metricsRegistry();
    const exposition = await registry.metrics();
    response
      .status(200)
      .setHeader('Content-Type', registry.contentType)
      .setHeader('Cache-Control', 'no-store');
    response.send(exposition);
  }
}
