import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

/**
 * The local Kafka-protocol broker: librdkafka's mock cluster, started through kcat.
 * It speaks the real wire protocol (produce, fetch, consumer groups, offsets) and
 * auto-creates topics, but has no admin API and keeps only ~5 MB per partition, so it
 * is for development and tests only. kcat stays up while its stdin is open.
 */
export interface LocalBroker {
  bootstrapServers: string;
  stop(): Promise<void>;
}

export function ensureKcatInstalled(log: (line: string) => void = console.error): string {
  const found = spawnSync('sh', ['-c', 'command -v kcat'], { encoding: 'utf8' });
  if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(
      'kcat is not installed and this user cannot install it: run `sudo apt-get install -y kcat`',
    );
  }
  log('kcat not found: installing it with apt-get (Debian package "kcat")');
  const install = spawnSync(
    'sh',
    ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcat'],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (install.status !== 0) throw new Error(`apt-get install kcat failed with exit code ${install.status}`);
  return 'kcat';
}

export async function startLocalBroker(
  options: { brokers?: number; timeoutMs?: number } = {},
): Promise<LocalBroker> {
  const kcat = ensureKcatInstalled();
  const child: ChildProcess = spawn(
    kcat,
    [
      '-b',
      'localhost:1',
      '-P',
      '-t',
      '__mock',
      '-X',
      `test.mock.num.brokers=${options.brokers ?? 3}`,
      '-d',
      'mock',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const bootstrapServers = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`local broker did not report its bootstrap servers: ${output.slice(-500)}`)),
      options.timeoutMs ?? 15_000,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /bootstrap\.servers=(\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        // The debug output keeps flowing for the broker's whole life; drain it so the pipe never fills.
        child.stdout?.removeListener('data', onData);
        child.stderr?.removeListener('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local broker exited with code ${code}: ${output.slice(-500)}`));
    });
  });
  return {
    bootstrapServers,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin?.end();
        setTimeout(() => child.kill('SIGTERM'), 2_000).unref();
      }),
  };
}
