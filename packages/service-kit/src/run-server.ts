import { type Config, ConfigError, loadConfig, type Stores } from '@gatehouse/core';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { healthRoutes } from './health.js';
import { instrumentStores } from './instrument-stores.js';
import { loggerOptions, prettyLogStream, requestLine } from './logger.js';
import { createMetrics, type Metrics, recordHttpMetrics, startMetricsServer } from './metrics.js';
import { requestLogging } from './request-logging.js';
import { openStores } from './stores.js';
import { startTracing, type Tracing } from './tracing.js';

export interface ServerDefinition {
  /** Shown in logs and the start-up line. */
  name: string;
  /** Registers the service's plugin(s) on the app. */
  register(app: FastifyInstance, options: { config: Config; stores: Stores }): Promise<void>;
  /** Runs once after the stores are open, before listening (e.g. seeding demo data). */
  beforeListen?(app: FastifyInstance, options: { config: Config; stores: Stores }): Promise<void>;
  /** Extra lines printed once the server listens. */
  banner?(options: { config: Config }): string[];
}

export interface FastifyOptions {
  /** Where log lines go (stdout by default); tests pass a stream to inspect them. */
  logStream?: { write(line: string): void };
  /** The process's metrics; runServer passes the ones its stores already report to. */
  metrics?: Metrics;
  /** Request spans, when tracing is on. */
  tracing?: Tracing | null;
}

/** Builds a Fastify instance with Gatehouse's logger, proxy trust and health routes. Does not listen. */
export function createFastify(
  config: Config,
  stores: Stores,
  isDraining: () => boolean,
  options: FastifyOptions = {},
): FastifyInstance {
  // Tests that read log lines always get JSON; people get one short line per request.
  const pretty = !options.logStream && config.logFormat === 'pretty';
  const stream = options.logStream ?? (pretty ? prettyLogStream() : undefined);
  const app = Fastify({
    logger: stream ? { ...loggerOptions(config), stream } : loggerOptions(config),
    trustProxy: config.trustProxy,
    bodyLimit: 64 * 1024,
    return503OnClosing: true,
    // requestLogging writes the request lines, with the route, trace and client in them.
    logController: new LogController({ disableRequestLogging: true }),
  });
  if (options.tracing) app.register(options.tracing.plugin);
  app.register(requestLogging, { lines: !pretty });
  if (pretty && ['trace', 'debug', 'info'].includes(config.logLevel)) {
    app.addHook('onResponse', async (request, reply) => {
      request.log.info(requestLine(request.method, request.url, reply.statusCode, reply.elapsedTime));
    });
  }
  recordHttpMetrics(app, options.metrics ?? createMetrics());
  app.register(healthRoutes, { stores, isDraining });
  return app;
}

/**
 * Starts one service (or the stack): config → stores → app → listen, and drains on
 * SIGTERM/SIGINT: readiness turns 503, in-flight requests finish, pools close.
 */
export async function runServer(definition: ServerDefinition): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${definition.name}: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }

  const opened = await openStores(config).catch((error: unknown) => {
    console.error(`${definition.name}: cannot open stores: ${(error as Error).message}`);
    process.exit(1);
  });
  const metrics = createMetrics();
  const tracing = config.otelExporterEndpoint
    ? startTracing({ serviceName: `gatehouse-${definition.name}`, endpoint: config.otelExporterEndpoint })
    : null;
  const stores = instrumentStores(opened, metrics, { traced: tracing !== null });

  let draining = false;
  const app = createFastify(config, stores, () => draining, { metrics, tracing });
  await definition.register(app, { config, stores });
  app.addHook('onClose', async () => stores.close());
  await app.ready();
  await definition.beforeListen?.(app, { config, stores });

  const address = await app.listen({ port: config.port, host: config.host });
  console.log(`${definition.name} listening on ${address} (issuer ${config.issuer})`);
  const metricsServer =
    config.metricsPort === null
      ? null
      : await startMetricsServer(metrics, config.metricsPort, config.metricsHost);
  if (metricsServer)
    console.log(`${definition.name} metrics at http://${config.metricsHost}:${metricsServer.port}/metrics`);
  if (tracing) console.log(`${definition.name} sends traces to ${config.otelExporterEndpoint}`);
  for (const line of definition.banner?.({ config }) ?? []) console.log(line);

  const shutdown = async (signal: string) => {
    if (draining) return;
    draining = true;
    app.log.info({ signal }, 'draining');
    // Give the gateway a moment to see /readyz turn 503 before we stop accepting.
    await new Promise((resolve) => setTimeout(resolve, config.drainDelayMs));
    await app.close();
    await metricsServer?.close();
    await tracing?.shutdown();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
