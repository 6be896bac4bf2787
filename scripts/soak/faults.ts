import { sleep } from '../../bench/lib/stats';
import type { Scope } from '../../bench/lib/scope';
import type { ServiceName } from '../../bench/lib/services';
import type { SoakSettings } from './settings';
import type { SoakSystem } from './system';

export interface FaultOutcome {
  fault: string;
  /** Seconds after the stream started. */
  startedAtS: number;
  /** From the fault until the system was whole again (the service ready, the broker resumed). */
  lastedS: number;
  /** Why it could not be done, if it was not. */
  skipped?: string;
  failed?: string;
}

interface Fault {
  name: string;
  run(): Promise<void>;
  skipped?: string;
}

function killAndRestart(system: SoakSystem, name: ServiceName): Fault {
  return {
    name: `SIGKILL ${name}, restart`,
    run: async () => {
      const service = system.services[name];
      await service.kill();
      await service.start();
    },
  };
}

/**
 * Each fault in turn, spread over the stream: every service killed with SIGKILL and started
 * again, the broker frozen and resumed, one service's database refused and restored.
 */
export async function runFaults(
  scope: Scope,
  system: SoakSystem,
  settings: SoakSettings,
  streamStartedAt: number,
  log: (line: string) => void,
): Promise<FaultOutcome[]> {
  const { brokerPid } = system;
  if (brokerPid !== undefined) {
    // A frozen broker would not take its stop signal: whatever happens, it runs again at cleanup.
    scope.defer('resume the broker', async () => {
      try {
        process.kill(brokerPid, 'SIGCONT');
      } catch {
        // Already gone.
      }
    });
  }
  const gated = system.services[settings.databaseFaultService as ServiceName];
  const faults: Fault[] = [
    killAndRestart(system, 'order-intake'),
    killAndRestart(system, 'production-status'),
    {
      name: `broker paused ${settings.brokerPauseS} s (SIGSTOP/SIGCONT)`,
      ...(brokerPid === undefined ? { skipped: 'KAFKA_BROKERS is a cluster the soak does not own' } : {}),
      run: async () => {
        process.kill(brokerPid!, 'SIGSTOP');
        try {
          await sleep(settings.brokerPauseS * 1_000);
        } finally {
          process.kill(brokerPid!, 'SIGCONT');
        }
      },
    },
    killAndRestart(system, 'carrier-ingest'),
    {
      name: `${settings.databaseFaultService} database refused ${settings.databaseRefusalS} s`,
      ...(gated?.gate ? {} : { skipped: `${settings.databaseFaultService} is not a service of the soak` }),
      run: async () => {
        await gated!.gate!.refuse();
        try {
          await sleep(settings.databaseRefusalS * 1_000);
        } finally {
          await gated!.gate!.restore();
        }
      },
    },
    killAndRestart(system, 'notification'),
    killAndRestart(system, 'tracking-api'),
  ];
  // Faults start on a fixed schedule over the first three quarters of the stream, so the last
  // restart is over before the stream ends. A killed service takes as long as its consumer
  // group's session (30 s) to serve again, so a fault may start while the one before it is still
  // recovering: a restart is not always over before the next thing breaks, in production either.
  const gap = (settings.durationS * 750) / faults.length;
  return Promise.all(
    faults.map(async (fault, index): Promise<FaultOutcome> => {
      await sleep(Math.max(0, streamStartedAt + (index + 0.5) * gap - Date.now()));
      const startedAt = Date.now();
      const startedAtS = Math.round((startedAt - streamStartedAt) / 1_000);
      if (fault.skipped) {
        log(`fault skipped: ${fault.name}: ${fault.skipped}`);
        return { fault: fault.name, startedAtS, lastedS: 0, skipped: fault.skipped };
      }
      log(`fault at ${startedAtS} s: ${fault.name}`);
      const lasted = (): number => Math.round((Date.now() - startedAt) / 100) / 10;
      try {
        await fault.run();
        log(`  ${fault.name}: over after ${lasted()} s`);
        return { fault: fault.name, startedAtS, lastedS: lasted() };
      } catch (error) {
        const failed = error instanceof Error ? error.message : String(error);
        log(`  ${fault.name}: failed: ${failed}`);
        return { fault: fault.name, startedAtS, lastedS: lasted(), failed };
      }
    }),
  );
}
