import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { PeriodicTask } from '@tracking/errors';
import { NotificationConfig } from '../config/notification.config';
import { DispatchNotificationsUseCase, DispatchSignal } from '../use-cases/dispatch-notifications';

// The rest of SHUTDOWN_TIMEOUT_MS is for giving back what was cut off and for the other components.
const SEND_SHARE_OF_SHUTDOWN = 2 / 3;

/**
 * Runs the dispatcher: every NOTIFICATION_DISPATCH_INTERVAL_MS, and as soon as a decision's
 * message becomes due. A failed round (database away) is logged and the next one tries again.
 * Stopping starts with the first shutdown hook, so it overlaps the consumer's and the relay's:
 * nothing more is claimed, sends in hand have two thirds of SHUTDOWN_TIMEOUT_MS to finish and be
 * recorded, and those still going then are given back for another replica. A slow SMTP server
 * cannot hold the process past its grace period.
 */
@Injectable()
export class DispatcherJob implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly log = new Logger(DispatcherJob.name);
  private readonly task: PeriodicTask;
  private readonly stopping = new AbortController();
  private readonly cutOff = new AbortController();
  private readonly sendGraceMs: number;

  constructor(
    private readonly dispatch: DispatchNotificationsUseCase,
    private readonly signal: DispatchSignal,
    config: NotificationConfig,
  ) {
    this.sendGraceMs = Math.floor(config.SHUTDOWN_TIMEOUT_MS * SEND_SHARE_OF_SHUTDOWN);
    this.task = new PeriodicTask(
      config.NOTIFICATION_DISPATCH_INTERVAL_MS,
      () => this.dispatch.runRound({ stopping: this.stopping.signal, cutOff: this.cutOff.signal }),
      (error) => this.log.error(`dispatch round failed; retrying next tick: ${String(error)}`),
    );
  }

  onApplicationBootstrap(): void {
    this.signal.onWake(() => this.task.wake());
    this.task.start({ runNow: true });
  }

  onModuleDestroy(): void {
    this.beginStopping();
  }

  async onApplicationShutdown(): Promise<void> {
    this.beginStopping();
    await this.task.stop();
  }

  private beginStopping(): void {
    if (this.stopping.signal.aborted) return;
    this.stopping.abort();
    setTimeout(() => this.cutOff.abort(), this.sendGraceMs).unref();
  }
}
