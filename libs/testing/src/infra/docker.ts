import { existsSync } from 'node:fs';

/**
 * Whether a Docker engine is likely to answer, checked cheaply before Testcontainers is
 * asked (its own probe takes seconds and logs noisily when there is none).
 */
export async function dockerEngineAnswers(): Promise<boolean> {
  if (process.env.TESTCONTAINERS_DISABLED === 'true') return false;
  const socket = '/var/run/docker.sock';
  if (!process.env.DOCKER_HOST && !existsSync(socket)) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}
