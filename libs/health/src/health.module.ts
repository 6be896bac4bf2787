import { type DynamicModule, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HEALTH_OPTIONS, type HealthModuleOptions, HealthService } from './health.service';

/**
 * Liveness, readiness and Prometheus metrics for a service. Readiness fails while any given
 * check fails (DESIGN.md: while the database or Kafka is unreachable) and from the moment
 * shutdown begins.
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [{ provide: HEALTH_OPTIONS, useValue: options }, HealthService],
      exports: [HealthService],
    };
  }
}
