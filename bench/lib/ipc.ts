import type { ChildProcess } from 'node:child_process';

/**
 * Commands between the benchmark and the helper processes it starts (the relay service and
 * the bare producer). They run in processes of their own so each has its own event loop, as
 * the real service has, instead of sharing one with the consumer that times them.
 */
export type CommandHandlers<H> = { [K in keyof H]: (args: never) => Promise<unknown> };

type Args<F> = F extends (...args: infer A) => unknown ? A : never;
type Result<F> = F extends (...args: never[]) => Promise<infer R> ? R : never;

interface CallMessage {
  kind: 'call';
  id: number;
  command: string;
  args: unknown;
}

type ChildMessage =
  | { kind: 'ready' }
  | { kind: 'reply'; id: number; ok: true; result: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string };

/** Child side: answers commands until the parent goes away, then exits. */
export function serveCommands<H extends CommandHandlers<H>>(
  handlers: H,
  onDisconnect: () => Promise<void>,
): void {
  if (!process.send) throw new Error('started without an IPC channel: run it through bench/run.ts');
  const send = (message: ChildMessage): void => {
    process.send?.(message);
  };
  process.on('message', (raw: unknown) => {
    const message = raw as CallMessage;
    if (message?.kind !== 'call') return;
    const handler = (handlers as unknown as Record<string, (args: unknown) => Promise<unknown>>)[
      message.command
    ];
    if (!handler) {
      send({ kind: 'reply', id: message.id, ok: false, error: `unknown command ${message.command}` });
      return;
    }
    handler(message.args).then(
      (result) => send({ kind: 'reply', id: message.id, ok: true, result }),
      (error: unknown) =>
        send({
          kind: 'reply',
          id: message.id,
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        }),
    );
  });
  // The parent was killed or crashed: nobody will ask this process to stop.
  process.on('disconnect', () => {
    void onDisconnect().finally(() => process.exit(0));
  });
  send({ kind: 'ready' });
}

/** Parent side of serveCommands. */
export class CommandClient<H extends CommandHandlers<H>> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  readonly ready: Promise<void>;

  constructor(
    private readonly child: ChildProcess,
    private readonly name: string,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      child.on('message', (raw: unknown) => {
        const message = raw as ChildMessage;
        if (message.kind === 'ready') return resolve();
        const waiter = this.pending.get(message.id);
        if (!waiter) return;
        this.pending.delete(message.id);
        if (message.ok) waiter.resolve(message.result);
        else waiter.reject(new Error(`${name}: ${message.error}`));
      });
      child.once('exit', (code, signal) => {
        const error = new Error(`${name} exited (${signal ?? `code ${code}`})`);
        reject(error);
        for (const waiter of this.pending.values()) waiter.reject(error);
        this.pending.clear();
      });
    });
    // Rejections surface through the calls; an unobserved one must not crash the run.
    this.ready.catch(() => undefined);
  }

  call<K extends keyof H & string>(command: K, ...[args]: Args<H[K]>): Promise<Result<H[K]>> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return Promise.reject(new Error(`${this.name} is not running`));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ kind: 'call', id, command, args } satisfies CallMessage);
    });
  }
}
