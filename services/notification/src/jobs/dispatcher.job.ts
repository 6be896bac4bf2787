import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '@tracking/errors';
import { NotificationConfig } from '../config/notification.config';
import { DispatchNotificationsUseCase, DispatchSignal } from '../use-cases/dispatch-notifications';

/**
 * Runs the dispatcher: every NOTIFICATION_DISPATCH_INTERVAL_MS, and as soon as a decision's
 * message becomes due. A failed round (database away) is logged and the next one tries again;
 * stopping waits for the sends in hand, so a shutdown records what it sent.
 */
@Injectable()
export class DispatcherJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(DispatcherJob.name);
  private readonly task: PeriodicTask;
  private readonly stopping = new AbortController();

  constructor(
    private readonly dispatch: DispatchNotificationsUseCase,
    private readonly signal: DispatchSignal,
    config: NotificationConfig,
  ) {
    this.task = new PeriodicTask(
      config.NOTIFICATION_DISPATCH_INTERVAL_MS,
      () => this.dispatch.runRound(this.stopping.signal),
      (error) => this.log.error(`dispatch round failed; retrying next tick: ${String(error)}`),
    );
  }

  onApplicationBootstrap(): void {
    this.signal.onWake(() => this.task.wake());
    this.task.start({ runNow: true });
  }

  async onApplicationShutdown(): Promise<void> {
    // No new batch is claimed; the sends in hand finish (each bounded by its timeout) and are recorded.
    this.stopping.abort();
    await this.task.stop();
  }
}
