import { FastifyOtelInstrumentation } from '@fastify/otel';
import { type Attributes, context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { FastifyPluginCallback } from 'fastify';
import { redactUrl } from './logger.js';

/**
 * Spans are made through the OpenTelemetry API: without a registered SDK every call is a
 * no-op, so code can name its steps unconditionally and pay nothing when tracing is off.
 * The tracer is looked up per span, not once at import: the API is loaded both as an ES
 * module (here) and as CommonJS (by the SDK), and only a lookup after the SDK started finds
 * the provider it registered (the SDK caches tracers by name, so the lookup is a map read).
 */
export function gatehouseTracer() {
  return trace.getTracer('gatehouse');
}

export interface Tracing {
  /** Registered first on the app: the request span, W3C `traceparent` accepted from the gateway. */
  plugin: FastifyPluginCallback;
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK (`@opentelemetry/sdk-node`, the maintained distribution:
 * context manager, W3C propagation, batching exporter) for one process. Fastify's request
 * spans come from `@fastify/otel`, the Fastify team's instrumentation, registered as a
 * plugin rather than by patching modules on load (our services are ES modules). Postgres
 * (postgres.js) has no instrumentation that works with it, so store calls get spans at the
 * port boundary instead (`instrumentStores`).
 */
export function startTracing(options: {
  serviceName: string;
  /** OTLP/HTTP base URL (`OTEL_EXPORTER_OTLP_ENDPOINT`); traces go to `<endpoint>/v1/traces`. */
  endpoint?: string;
  /** Tests pass an in-memory exporter's processor instead of an endpoint. */
  spanProcessors?: SpanProcessor[];
}): Tracing {
  const fastify = new FastifyOtelInstrumentation({
    // One span per request, not one per hook: the store and core-step spans carry the detail.
    instrumentHooks: false,
    requestHook(span, request) {
      // The instrumentation records the raw URL; query values may be codes or tokens (SEC-26).
      span.setAttribute('url.path', redactUrl(request.url));
    },
  });
  const spanProcessors = options.spanProcessors ?? [];
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    ...(options.endpoint
      ? { traceExporter: new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/$/, '')}/v1/traces` }) }
      : { spanProcessors }),
    instrumentations: [fastify],
    // Metrics are prom-client's (METRICS_PORT); logs are pino's on stdout.
    metricReaders: [],
    logRecordProcessors: [],
    autoDetectResources: false,
  });
  sdk.start();
  return { plugin: fastify.plugin() as FastifyPluginCallback, shutdown: () => sdk.shutdown() };
}

/** The active trace and span ids, for log lines (empty when no request is being traced). */
export function activeTraceIds(): { trace_id: string; span_id: string } | null {
  const span = trace.getSpan(context.active());
  if (!span) return null;
  const { traceId, spanId, traceFlags } = span.spanContext();
  // Sampled-out or no-op spans have all-zero ids; they name nothing a backend can show.
  if (!traceFlags || /^0+$/.test(traceId)) return null;
  return { trace_id: traceId, span_id: spanId };
}

/**
 * Runs one named step (a core flow such as `token.exchange`, or a store call) in a child
 * span of whatever is active; the span records a thrown error and ends when `run` settles.
 */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  run: () => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  return gatehouseTracer().startActiveSpan(name, { attributes, kind }, async (span) => {
    try {
      return await run();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
      throw error;
    } finally {
      span.end();
    }
  });
}
