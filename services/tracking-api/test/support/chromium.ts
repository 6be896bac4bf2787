import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The machine's own Chromium, from Debian's package, for the browser tests: Playwright's
 * browser downloads are not used (playwright-core ships none), so the tests run where only
 * the package registries are reachable. Installed on first use, as the local broker's kcat is.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** What a headless run on a CI machine needs: no sandbox as root, no GPU, no background traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function ensureChromiumInstalled(log: (line: string) => void = console.error): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH} and this user cannot install it: run \`sudo apt-get install -y chromium\``,
    );
  }
  log('chromium not found: installing it with apt-get (Debian package "chromium")');
  // Fonts with Vietnamese and Cyrillic glyphs come along; the desktop extras chromium recommends do not.
  const install = spawnSync(
    'sh',
    [
      '-c',
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core fonts-liberation',
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (install.status !== 0 || !existsSync(CHROMIUM_PATH)) {
    throw new Error(`apt-get install chromium failed with exit code ${install.status}`);
  }
  return CHROMIUM_PATH;
}
