/** The soak's size and its faults, from flags and environment, checked once at start. */
export interface SoakSettings {
  /** Requests per second the stream offers, across every edge. */
  rate: number;
  /** How long new journeys keep starting. */
  durationS: number;
  /** Once every request is answered and every fault over: how long the buyer's view may take. */
  drainTimeoutS: number;
  /** How long the broker is frozen (SIGSTOP) before it is resumed. */
  brokerPauseS: number;
  /** How long the chosen service's database refuses connections. */
  databaseRefusalS: number;
  /** The service whose database is refused. */
  databaseFaultService: string;
  /** SOAK_FAULTS=off: the same stream with nothing broken, to tell a fault's losses from a race's. */
  faults: boolean;
  short: boolean;
}

const DEFAULTS = { rate: 20, durationS: 300, drainTimeoutS: 300, brokerPauseS: 20, databaseRefusalS: 20 };
const SHORT = { rate: 12, durationS: 90, drainTimeoutS: 180, brokerPauseS: 12, databaseRefusalS: 12 };

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return value;
}

/** `--short`, `--rate=<n>`, `--duration=<s>`; SOAK_RATE, SOAK_DURATION_S and the others override the size. */
export function readSettings(argv: readonly string[], env: NodeJS.ProcessEnv): SoakSettings {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg} (use --short, --rate=<n>, --duration=<s>)`);
    flags.set(match[1]!, match[2] ?? 'true');
  }
  for (const name of flags.keys())
    if (!['short', 'rate', 'duration'].includes(name)) throw new Error(`unknown flag --${name}`);
  const short = flags.has('short') || env.SOAK_SHORT === 'true';
  const size = short ? SHORT : DEFAULTS;
  return {
    rate: positive('rate', flags.get('rate') ?? env.SOAK_RATE, size.rate),
    durationS: positive('duration', flags.get('duration') ?? env.SOAK_DURATION_S, size.durationS),
    drainTimeoutS: positive('SOAK_DRAIN_TIMEOUT_S', env.SOAK_DRAIN_TIMEOUT_S, size.drainTimeoutS),
    brokerPauseS: positive('SOAK_BROKER_PAUSE_S', env.SOAK_BROKER_PAUSE_S, size.brokerPauseS),
    databaseRefusalS: positive('SOAK_DATABASE_REFUSAL_S', env.SOAK_DATABASE_REFUSAL_S, size.databaseRefusalS),
    databaseFaultService: env.SOAK_DATABASE_FAULT_SERVICE ?? 'production-status',
    faults: env.SOAK_FAULTS !== 'off',
    short,
  };
}
