/**
 * Writes services/<name>/Dockerfile for every service that has an entry point, from the one
 * template beside this file. Adding a service is running this once:
 *
 *   node -r @swc-node/register deploy/docker/dockerfiles.ts          # write the copies
 *   node -r @swc-node/register deploy/docker/dockerfiles.ts --check  # exit 1 if any differs
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SERVICES, type ServiceDefinition } from '../../scripts/services';

export const ROOT = path.resolve(__dirname, '../..');
export const TEMPLATE_PATH = path.join(ROOT, 'deploy/docker/service.Dockerfile');

const SERVICE_ARG = /^ARG SERVICE$/m;
const PORT_ARG = /^ARG PORT$/m;

/** The template with the service's name and default port as the global build arguments' defaults. */
export function renderDockerfile(
  service: ServiceDefinition,
  template = readFileSync(TEMPLATE_PATH, 'utf8'),
): string {
  if (!SERVICE_ARG.test(template) || !PORT_ARG.test(template)) {
    throw new Error(`${TEMPLATE_PATH} must declare "ARG SERVICE" and "ARG PORT" without defaults`);
  }
  const [syntax, ...rest] = template.split('\n');
  const body = rest
    .join('\n')
    .replace(SERVICE_ARG, `ARG SERVICE=${service.name}`)
    .replace(PORT_ARG, `ARG PORT=${service.defaultPort}`);
  // The syntax directive must stay the first line, so the notice goes right after it.
  return [
    syntax,
    '# Generated from deploy/docker/service.Dockerfile: edit the template, not this file.',
    body,
  ].join('\n');
}

export function dockerfilePath(service: ServiceDefinition): string {
  return path.join(ROOT, 'services', service.name, 'Dockerfile');
}

/** Services that exist in the tree (an entry point), in SERVICES order. */
export function presentServices(): ServiceDefinition[] {
  return SERVICES.filter((service) => existsSync(path.join(ROOT, service.entry)));
}

function main(): void {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  for (const service of presentServices()) {
    const target = dockerfilePath(service);
    const wanted = renderDockerfile(service);
    const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    if (current === wanted) continue;
    stale.push(path.relative(ROOT, target));
    if (!check) writeFileSync(target, wanted);
  }
  if (check && stale.length > 0) {
    process.stderr.write(`out of date with deploy/docker/service.Dockerfile: ${stale.join(', ')}\n`);
    process.exit(1);
  }
  process.stdout.write(stale.length > 0 ? `wrote ${stale.join(', ')}\n` : 'Dockerfiles are up to date\n');
}

if (require.main === module) main();
