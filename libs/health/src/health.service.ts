import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
  type Type,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { PlatformConfig } from '@tracking/config';
import { flushTelemetry, useServiceLabel } from '@tracking/telemetry';
import { type ReadinessCheck, type ReadinessReport, runCheck } from './readiness';

export interface HealthModuleOptions {
  checks: Type<ReadinessCheck>[];
  /** Budget of each check; they run in parallel, so this bounds the whole probe. */
  checkTimeoutMs?: number;
}

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');

const SHUTDOWN_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

@Injectable()
export class HealthService
  implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private readonly logger = new Logger('Health');
  private checks: ReadinessCheck[] = [];
  private shuttingDown = false;
  private lastStatus: ReadinessReport['status'] | undefined;
  private readonly markShuttingDown = (): void => {
    this.shuttingDown = true;
  };

  constructor(
    @Inject(HEALTH_OPTIONS) private readonly options: HealthModuleOptions,
    private readonly moduleRef: ModuleRef,
    config: PlatformConfig,
  ) {
    useServiceLabel(config.SERVICE_NAME);
  }

  async onModuleInit(): Promise<void> {
    this.checks = await Promise.all(this.options.checks.map((type) => this.resolveCheck(type)));
  }

  /**
   * Readiness must turn false the moment the pod is told to stop, before Nest starts closing
   * modules, so Kubernetes stops routing here while requests in hand finish. Nest's own signal
   * handler (enableShutdownHooks) does the stopping; this only listens alongside it, and only
   * if it is there, so the signal's default of ending the process is never swallowed.
   */
  onApplicationBootstrap(): void {
    for (const signal of SHUTDOWN_SIGNALS) {
      if (process.listenerCount(signal) > 0) process.prependListener(signal, this.markShuttingDown);
    }
  }

  onModuleDestroy(): void {
    this.shuttingDown = true;
  }

  async onApplicationShutdown(): Promise<void> {
    // Removed before Nest re-raises the signal to end the process, which this listener must not catch.
    for (const signal of SHUTDOWN_SIGNALS) process.removeListener(signal, this.markShuttingDown);
    await flushTelemetry();
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  async readiness(): Promise<ReadinessReport> {
    const timeoutMs = this.options.checkTimeoutMs ?? 2_000;
    const results = await Promise.all(
      this.checks.map(async (check) => [check.name, await runCheck(check, timeoutMs)] as const),
    );
    const checks = Object.fromEntries(results);
    let status: ReadinessReport['status'] = results.every(([, result]) => result.status === 'up')
      ? 'ready'
      : 'not_ready';
    if (this.shuttingDown) status = 'shutting_down';
    this.logTransition(status, checks);
    return { status, checks };
  }

  /** One line per change rather than per probe: the probe runs every few seconds. */
  private logTransition(status: ReadinessReport['status'], checks: ReadinessReport['checks']): void {
    if (status === this.lastStatus) return;
    const previous = this.lastStatus;
    this.lastStatus = status;
    if (status === 'ready') {
      if (previous !== undefined) this.logger.log('ready again');
      return;
    }
    if (status === 'not_ready') {
      const failing = Object.entries(checks)
        .filter(([, result]) => result.status === 'down')
        .map(([name, result]) => `${name}: ${result.error}`);
      this.logger.warn(`not ready (${failing.join('; ')})`);
    }
  }

  private async resolveCheck(type: Type<ReadinessCheck>): Promise<ReadinessCheck> {
    // The owning module's instance when it exports one (it may hold connection state), else a new one.
    try {
      return this.moduleRef.get(type, { strict: false });
    } catch {
      return this.moduleRef.create(type);
    }
  }
}
