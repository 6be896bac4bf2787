/**
 * Checks the deployment files without Docker or a cluster: docker-compose.yml against the
 * Compose Specification's JSON schema, the images' Dockerfiles, the Kafka topics in all three
 * places that name them, and the Kubernetes manifests.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ALL_TOPICS, deadLetterTopic } from '@tracking/events';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse, parseAllDocuments } from 'yaml';
import { SERVICES, type ServiceDefinition } from '../../scripts/services';
import { dockerfilePath, renderDockerfile, TEMPLATE_PATH } from '../docker/dockerfiles';

const ROOT = path.resolve(__dirname, '../..');
const read = (relative: string): string => readFileSync(path.join(ROOT, relative), 'utf8');

type Yaml = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// ---- Compose: parsing and interpolation as `docker compose config` does them ----------------

/**
 * Compose's variable interpolation (${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err},
 * ${VAR:+alt}, $VAR and $$), applied to every string value. Variables used without a default
 * are collected, since Compose would warn about them and substitute an empty string.
 */
function interpolate(node: unknown, env: Record<string, string>, undefinedVars: Set<string>): unknown {
  if (typeof node === 'string') {
    return node.replace(
      /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (match, braced: string | undefined, op: string | undefined, arg: string | undefined, bare?: string) => {
        if (match === '$$') return '$';
        const name = (braced ?? bare)!;
        const value = env[name];
        switch (op) {
          case ':-':
            return value ? value : arg!;
          case '-':
            return value ?? arg!;
          case ':+':
            return value ? arg! : '';
          case '+':
            return value === undefined ? '' : arg!;
          case ':?':
          case '?':
            if (value === undefined || (op === ':?' && value === '')) throw new Error(`${name}: ${arg}`);
            return value;
          default:
            if (value === undefined) undefinedVars.add(name);
            return value ?? '';
        }
      },
    );
  }
  if (Array.isArray(node)) return node.map((item) => interpolate(item, env, undefinedVars));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, interpolate(value, env, undefinedVars)]),
    );
  }
  return node;
}

const composeText = read('docker-compose.yml');
// Compose resolves YAML merge keys (<<) before anything else, as `merge: true` does here.
const rawCompose = parse(composeText, { merge: true, uniqueKeys: true }) as Yaml;
const undefinedVars = new Set<string>();
const compose = interpolate(rawCompose, {}, undefinedVars) as Yaml;
const composeServices = compose.services as Record<string, Yaml>;

/** Service folders that have an entry point, i.e. the services that exist in the tree. */
const presentServiceNames = readdirSync(path.join(ROOT, 'services'))
  .filter((name) => existsSync(path.join(ROOT, 'services', name, 'src/main.ts')))
  .sort();

function definitionOf(name: string): ServiceDefinition {
  const definition = SERVICES.find((service) => service.name === name);
  if (!definition) throw new Error(`services/${name} has no entry in scripts/services.ts`);
  return definition;
}

const words = (value: unknown): string[] =>
  String(value ?? '')
    .split(/\s+/)
    .filter(Boolean);

describe('the vendored Compose Specification schema', () => {
  it('is the recorded upstream content, unchanged', () => {
    const source = JSON.parse(read('deploy/schema/compose-spec.source.json')) as { canonicalSha256: string };
    const canonical = JSON.stringify(JSON.parse(read('deploy/schema/compose-spec.json')));
    expect(createHash('sha256').update(canonical).digest('hex')).toBe(source.canonicalSha256);
  });
});

describe('docker-compose.yml', () => {
  const schema = JSON.parse(read('deploy/schema/compose-spec.json')) as Yaml;
  const { $schema: metaSchema, ...composeSchema } = schema;
  // Ajv's draft-07 meta-schema is registered under its http:// id; the file names the https:// one.
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(composeSchema);
  const errorsOf = (document: unknown): string =>
    validate(document) ? '' : ajv.errorsText(validate.errors, { separator: '\n' });

  it('is a draft-07 schema that Ajv accepts', () => {
    expect(metaSchema).toMatch(/draft-07/);
    expect(schema.title).toBe('Compose Specification');
  });

  it('validates against the Compose Specification', () => {
    expect(errorsOf(compose)).toBe('');
  });

  it('validates before interpolation as well', () => {
    expect(errorsOf(rawCompose)).toBe('');
  });

  it('rejects what the schema forbids (the validator is not vacuous)', () => {
    const broken = structuredClone(compose);
    broken.services.postgres.restart_policy = 'always';
    broken.services.kafka.depends_on = { postgres: { condition: 'service_ready' } };
    const errors = errorsOf(broken);
    expect(errors).toMatch(/additional properties/);
    expect(errors).toMatch(/allowed values/);
  });

  it('writes health checks in a form the engine runs', () => {
    for (const [name, service] of Object.entries(composeServices)) {
      if (!service.healthcheck) continue;
      const test = service.healthcheck.test as string[];
      expect([name, test[0]]).toEqual([name, expect.stringMatching(/^(CMD|CMD-SHELL)$/)]);
      expect(test.length).toBeGreaterThan(1);
    }
  });

  it('gives every variable a default, so it runs with nothing set', () => {
    expect([...undefinedVars]).toEqual([]);
  });

  it('runs Kafka 4 in KRaft mode, reachable from containers as kafka:9092', () => {
    const kafka = composeServices.kafka;
    expect(kafka.image).toMatch(/^apache\/kafka:4\.\d+\.\d+$/);
    const env = kafka.environment as Record<string, string>;
    expect(env.KAFKA_PROCESS_ROLES.split(',').sort()).toEqual(['broker', 'controller']);
    expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`${env.KAFKA_NODE_ID}@kafka:9093`);
    expect(env.KAFKA_ADVERTISED_LISTENERS.split(',')).toContain('INTERNAL://kafka:9092');
    expect(env.KAFKA_LISTENERS.split(',')).toContain('INTERNAL://:9092');
    expect(env.KAFKA_INTER_BROKER_LISTENER_NAME).toBe('INTERNAL');
    expect(env.CLUSTER_ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(env.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    expect(JSON.stringify(kafka.healthcheck.test)).toContain('kafka:9092');
  });

  it('runs PostgreSQL 17 with a health check', () => {
    expect(composeServices.postgres.image).toBe('postgres:17');
    expect(JSON.stringify(composeServices.postgres.healthcheck.test)).toContain('pg_isready');
  });

  it('creates the topics in a one-shot job with the Kafka image', () => {
    const init = composeServices['kafka-init'];
    expect(init.image).toBe(composeServices.kafka.image);
    expect(init.depends_on).toEqual({ kafka: { condition: 'service_healthy' } });
    expect(init.restart).toBe('no');
    const script = [...(init.entrypoint as string[]), ...(init.command as string[])].join('\n');
    expect(script).toContain('/opt/kafka/bin/kafka-topics.sh');
    expect(script).toContain('--create --if-not-exists');
    expect(script).toMatch(/for topic in \$TOPICS;/);
    expect(script).toMatch(/for topic in \$DEAD_LETTER_TOPICS;/);
    expect(init.environment.BOOTSTRAP_SERVER).toBe('kafka:9092');
    expect(init.environment.PARTITIONS).toBe('3');
  });

  describe.each(presentServiceNames)('service %s', (name) => {
    const definition = definitionOf(name);
    const service = (): Yaml => composeServices[name];

    it('is in compose, built from its own Dockerfile', () => {
      expect(service()).toBeDefined();
      expect(service().build).toEqual({ context: '.', dockerfile: `services/${name}/Dockerfile` });
    });

    it('listens on its default port and publishes it on the loopback interface', () => {
      const port = String(definition.defaultPort);
      expect(service().environment.PORT).toBe(port);
      expect(service().ports).toEqual([`127.0.0.1:${port}:${port}`]);
    });

    it('reads the platform variables, with idempotent producing on', () => {
      const env = service().environment as Record<string, string | null>;
      expect(env.KAFKA_BROKERS).toBe('kafka:9092');
      expect(env.KAFKA_IDEMPOTENT).toBe('true');
      expect(env.DATABASE_URL).toMatch(/^postgres:\/\/[a-z_]+:[^@]+@postgres:5432\/tracking$/);
      expect(env.LOG_LEVEL).toBe('info');
      for (const passedThrough of ['AUTH_PUBLIC_KEY', 'AUTH_JWKS_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT']) {
        expect(env).toHaveProperty(passedThrough, null);
      }
    });

    it('logs in to PostgreSQL as a role that the init script creates', () => {
      const role = new URL(service().environment.DATABASE_URL).username;
      expect(role).toBe(name.replace(/-/g, '_'));
      expect(read('deploy/docker/postgres/init/01-service-roles.sql')).toContain(`'${role}'`);
    });

    it('starts after PostgreSQL and Kafka are healthy and the topics exist', () => {
      expect(service().depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        kafka: { condition: 'service_healthy' },
        'kafka-init': { condition: 'service_completed_successfully' },
      });
    });

    it('has a health check on its readiness endpoint and runs locked down', () => {
      expect(service().healthcheck.test.join(' ')).toContain('/health/ready');
      expect(service().read_only).toBe(true);
      expect(service().cap_drop).toEqual(['ALL']);
    });
  });

  it('builds only services that exist', () => {
    for (const [name, service] of Object.entries(composeServices)) {
      if (!service.build) continue;
      expect(presentServiceNames).toContain(name);
    }
  });
});

// ---- Dockerfiles ------------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}

function instructions(dockerfile: string): Instruction[] {
  return dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

describe('Dockerfiles', () => {
  const template = readFileSync(TEMPLATE_PATH, 'utf8');

  it.each(presentServiceNames)('services/%s/Dockerfile is the template with its name and port', (name) => {
    const target = dockerfilePath(definitionOf(name));
    expect(existsSync(target)).toBe(true);
    // On a difference: node -r @swc-node/register deploy/docker/dockerfiles.ts
    expect(readFileSync(target, 'utf8')).toBe(renderDockerfile(definitionOf(name), template));
  });

  const files = [
    ['deploy/docker/service.Dockerfile', template],
    ...presentServiceNames.map((name) => [
      `services/${name}/Dockerfile`,
      read(`services/${name}/Dockerfile`),
    ]),
  ];

  describe.each(files)('%s', (_file, text) => {
    const parsed = instructions(text);
    const stages = parsed.reduce<Instruction[][]>((all, instruction) => {
      if (instruction.keyword === 'FROM') all.push([]);
      all.at(-1)?.push(instruction);
      return all;
    }, []);
    const runtime = stages.at(-1)!;
    const args = new Map(
      parsed
        .slice(
          0,
          parsed.findIndex((instruction) => instruction.keyword === 'FROM'),
        )
        .filter((instruction) => instruction.keyword === 'ARG')
        .map((instruction) => {
          const [key, value] = instruction.args.split('=');
          return [key, value] as const;
        }),
    );

    it('is multi-stage on Node 24', () => {
      expect(stages.length).toBeGreaterThanOrEqual(2);
      expect(args.get('NODE_IMAGE')).toMatch(/^node:24(\.[\d.]+)?-bookworm-slim$/);
      for (const stage of stages) expect(stage[0].args).toMatch(/^\$\{NODE_IMAGE\} AS \w+$/);
    });

    it('installs with npm ci and prunes the dev dependencies', () => {
      const runs = parsed.filter((instruction) => instruction.keyword === 'RUN').map((i) => i.args);
      expect(runs.some((run) => /\bnpm ci\b/.test(run))).toBe(true);
      expect(runs.some((run) => /\bnpm prune --omit=dev\b/.test(run))).toBe(true);
      expect(runs.findIndex((run) => /\bnpm ci\b/.test(run))).toBeLessThan(
        runs.findIndex((run) => /\bnpm prune\b/.test(run)),
      );
    });

    it('runs as a non-root user', () => {
      const users = runtime.filter((instruction) => instruction.keyword === 'USER');
      expect(users.length).toBeGreaterThan(0);
      const user = users.at(-1)!.args.split(':')[0];
      expect(['root', '0', '']).not.toContain(user);
    });

    it('checks its own health on /health/live and starts the compiled entry point', () => {
      const healthcheck = runtime.find((instruction) => instruction.keyword === 'HEALTHCHECK');
      expect(healthcheck?.args).toContain('/health/live');
      const cmd = runtime.find((instruction) => instruction.keyword === 'CMD');
      expect(cmd?.args).toContain('dist/services/${SERVICE}/src/main.js');
      expect(cmd?.args).toMatch(/exec node/);
    });
  });

  it('keeps what the build needs in the Docker build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    for (const needed of [
      'package.json',
      'package-lock.json',
      '.npmrc',
      '.swcrc',
      'libs',
      'scripts',
      'services',
    ]) {
      expect(ignored).not.toContain(needed);
    }
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git']));
  });
});

// ---- Kafka topics -----------------------------------------------------------------------------

describe('Kafka topics', () => {
  const kafkaTopics = parseAllDocuments(read('deploy/kafka/topics.yaml'))
    .map((document) => document.toJS() as Yaml | null)
    .filter((resource): resource is Yaml => resource !== null);
  const init = composeServices['kafka-init'].environment as Record<string, string>;
  const eventTopics = words(init.TOPICS);
  const personalTopics = words(init.PERSONAL_TOPICS);
  const deadLetterTopics = words(init.DEAD_LETTER_TOPICS);
  const expectedDeadLetters = SERVICES.map((service) => deadLetterTopic(service.name));

  it('compose creates the topics of libs/tracking-events and a dead-letter topic per service', () => {
    expect([...eventTopics, ...personalTopics].sort()).toEqual([...ALL_TOPICS].sort());
    expect([...deadLetterTopics].sort()).toEqual([...expectedDeadLetters].sort());
  });

  it('deploy/kafka/topics.yaml declares exactly the topics compose creates', () => {
    const declared = kafkaTopics.map((resource) => resource.spec.topicName as string);
    expect(new Set(declared).size).toBe(declared.length);
    expect([...declared].sort()).toEqual([...eventTopics, ...personalTopics, ...deadLetterTopics].sort());
  });

  it('declares Strimzi KafkaTopics with 12 partitions and 3 replicas', () => {
    for (const resource of kafkaTopics) {
      expect(resource.apiVersion).toMatch(/^kafka\.strimzi\.io\/v1(beta2)?$/);
      expect(resource.kind).toBe('KafkaTopic');
      expect(resource.metadata.name).toBe(resource.spec.topicName);
      expect(resource.metadata.labels['strimzi.io/cluster']).toBeTruthy();
      expect(resource.spec.partitions).toBe(12);
      expect(resource.spec.replicas).toBe(3);
      expect(resource.spec.config['min.insync.replicas']).toBe(2);
    }
  });

  it('keeps events for good (the read model is rebuilt from them) and dead letters 30 days, as compose does', () => {
    const retention = (name: string): number =>
      kafkaTopics.find((resource) => resource.spec.topicName === name)!.spec.config['retention.ms'] as number;
    for (const topic of eventTopics) expect(retention(topic)).toBe(Number(init.RETENTION_MS));
    for (const topic of deadLetterTopics)
      expect(retention(topic)).toBe(Number(init.DEAD_LETTER_RETENTION_MS));
    expect(Number(init.RETENTION_MS)).toBe(-1);
    expect(Number(init.DEAD_LETTER_RETENTION_MS)).toBe(30 * 24 * 3_600_000);
  });

  it('keeps personal data for 30 days at most, compacted so an erasure supersedes the contact it erases', () => {
    expect(personalTopics).toEqual(['tracking.buyer-contacts.v1']);
    expect(Number(init.PERSONAL_RETENTION_MS)).toBe(30 * 24 * 3_600_000);
    for (const topic of personalTopics) {
      const { config } = kafkaTopics.find((resource) => resource.spec.topicName === topic)!.spec;
      expect(config['retention.ms']).toBe(Number(init.PERSONAL_RETENTION_MS));
      expect(config['cleanup.policy']).toBe('compact,delete');
    }
  });
});

// ---- Kubernetes -------------------------------------------------------------------------------

function yamlFilesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return yamlFilesUnder(full);
    return /\.ya?ml$/.test(entry.name) ? [full] : [];
  });
}

/** The resources a kustomization includes, following directories that are kustomizations. */
function kustomizeResources(directory: string): Yaml[] {
  const kustomization = parse(readFileSync(path.join(directory, 'kustomization.yaml'), 'utf8')) as Yaml;
  return (kustomization.resources as string[]).flatMap((entry) => {
    const target = path.join(directory, entry);
    if (!existsSync(target))
      throw new Error(`${path.relative(ROOT, directory)}: resource ${entry} does not exist`);
    if (statSync(target).isDirectory()) return kustomizeResources(target);
    return parseAllDocuments(readFileSync(target, 'utf8'))
      .map((document) => document.toJS() as Yaml | null)
      .filter((resource): resource is Yaml => resource !== null);
  });
}

describe('Kubernetes manifests', () => {
  const kubernetesDir = path.join(ROOT, 'deploy/kubernetes');
  const base = kustomizeResources(path.join(kubernetesDir, 'base'));
  const ofKind = (kind: string): Yaml[] => base.filter((resource) => resource.kind === kind);
  const named = (kind: string, name: string): Yaml | undefined =>
    ofKind(kind).find((resource) => resource.metadata.name === name);

  it('parse as YAML', () => {
    const files = [...yamlFilesUnder(kubernetesDir), ...yamlFilesUnder(path.join(ROOT, 'deploy/kafka'))];
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const documents = parseAllDocuments(readFileSync(file, 'utf8'));
      for (const document of documents)
        expect([path.relative(ROOT, file), document.errors]).toEqual([path.relative(ROOT, file), []]);
    }
  });

  it('include only resources that exist, through every kustomization', () => {
    expect(kustomizeResources(path.join(kubernetesDir, 'overlays/example')).length).toBe(base.length);
    expect(base.length).toBeGreaterThan(0);
    expect(kustomizeResources(path.join(ROOT, 'deploy/kafka')).length).toBeGreaterThan(0);
  });

  describe.each(presentServiceNames)('%s', (name) => {
    const port = definitionOf(name).defaultPort;
    const deployment = (): Yaml => named('Deployment', name)!;
    const pod = (): Yaml => deployment().spec.template.spec;
    const container = (): Yaml => pod().containers.find((candidate: Yaml) => candidate.name === name);

    it('has a Deployment, a Service and a ConfigMap', () => {
      expect(deployment()).toBeDefined();
      expect(named('Service', name)).toBeDefined();
      expect(named('ConfigMap', `${name}-config`)).toBeDefined();
      expect(container()).toBeDefined();
    });

    it('probes /health/live for liveness and start-up and /health/ready for readiness', () => {
      const httpPort = container().ports.find((candidate: Yaml) => candidate.name === 'http');
      expect(httpPort.containerPort).toBe(port);
      expect(container().livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(container().startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(container().readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    });

    it('runs as non-root with a read-only root filesystem and no capabilities', () => {
      expect(pod().securityContext.runAsNonRoot).toBe(true);
      expect(pod().securityContext.runAsUser).toBeGreaterThan(0);
      const security = container().securityContext;
      expect(security.readOnlyRootFilesystem).toBe(true);
      expect(security.allowPrivilegeEscalation).toBe(false);
      expect(security.capabilities.drop).toEqual(['ALL']);
      const tmp = container().volumeMounts.find((mount: Yaml) => mount.mountPath === '/tmp');
      expect(pod().volumes.find((volume: Yaml) => volume.name === tmp.name).emptyDir).toBeDefined();
    });

    it('has resources and time to finish the batch in hand when stopped', () => {
      expect(container().resources.requests).toEqual(
        expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }),
      );
      expect(container().resources.limits.memory).toEqual(expect.any(String));
      const shutdownMs = Number(named('ConfigMap', 'tracking-platform')!.data.SHUTDOWN_TIMEOUT_MS);
      const preStopSeconds = container().lifecycle?.preStop?.sleep?.seconds ?? 0;
      expect(pod().terminationGracePeriodSeconds).toBeGreaterThan(shutdownMs / 1000 + preStopSeconds);
    });

    it('takes its configuration from ConfigMaps of the base and DATABASE_URL from a Secret', () => {
      for (const source of container().envFrom as Yaml[]) {
        if (source.configMapRef) expect(named('ConfigMap', source.configMapRef.name)).toBeDefined();
      }
      const databaseUrl = container().env.find((variable: Yaml) => variable.name === 'DATABASE_URL');
      expect(databaseUrl.valueFrom.secretKeyRef.key).toBe('DATABASE_URL');
      const config = named('ConfigMap', `${name}-config`)!.data;
      expect(config.PORT).toBe(String(port));
      expect(named('ConfigMap', 'tracking-platform')!.data.KAFKA_IDEMPOTENT).toBe('true');
    });

    it('has a Service that selects its pods on the http port', () => {
      const service = named('Service', name)!;
      const labels = deployment().spec.template.metadata.labels;
      for (const [key, value] of Object.entries(service.spec.selector)) expect(labels[key]).toBe(value);
      expect(deployment().spec.selector.matchLabels).toEqual(service.spec.selector);
      expect(service.spec.ports).toEqual([expect.objectContaining({ port, targetPort: 'http' })]);
    });
  });
});
