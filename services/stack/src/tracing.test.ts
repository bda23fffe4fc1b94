import { sha256Hex } from '@gatehouse/core';
import { hashPassword, startTracing, type Tracing } from '@gatehouse/service-kit';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeAsUser, HttpBrowser } from './flow/http-browser.js';
import { type RunningStack, startTestStack } from './running-stack.js';

/**
 * A real flow on a real port with the OpenTelemetry SDK exporting to memory: the span tree
 * is HTTP request → core step → store call, the gateway's `traceparent` is honoured, and
 * the request's log lines carry its trace id, route template and client.
 */
describe('traces and log context', () => {
  const exporter = new InMemorySpanExporter();
  const lines: string[] = [];
  let tracing: Tracing;
  let stack: RunningStack;
  const password = 'trace-password-5d1c';
  const clientSecret = 'gth_cs_trace-secret-0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f';
  const redirectUri = 'http://localhost:4997/cb';
  const clientId = 'gh_traced';
  // What a gateway forwards: version-traceid-parentid-flags (W3C Trace Context).
  const gatewayTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const gatewaySpanId = '00f067aa0ba902b7';

  beforeAll(async () => {
    tracing = startTracing({
      serviceName: 'gatehouse-test',
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    stack = await startTestStack(
      { LOG_LEVEL: 'info' },
      { logStream: { write: (line) => lines.push(line) }, tracing },
    );
    await stack.stores.db.users.create({
      username: 'traced',
      email: 'traced@example.com',
      passwordHash: await hashPassword(password),
    });
    await stack.stores.db.clients.create({
      clientId,
      secretHash: sha256Hex(clientSecret),
      name: 'Traced',
      redirectUris: [redirectUri],
      allowedScopes: ['profile', 'balance'],
    });
  });

  afterAll(async () => {
    await stack?.close();
    await tracing?.shutdown();
  });

  it('records HTTP → core step → store spans under the gateway trace, and says so in the logs', async () => {
    const browser = new HttpBrowser(stack.origin);
    const { callback } = await authorizeAsUser(
      browser,
      `/api/oauth2/authorize?client_id=${clientId}&redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code&scope=profile%20balance&state=st`,
      { username: 'traced', password },
    );
    const code = callback.searchParams.get('code')!;
    exporter.reset();
    lines.length = 0;

    const response = await fetch(`${stack.origin}/api/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        traceparent: `00-${gatewayTraceId}-${gatewaySpanId}-01`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }),
    });
    expect(response.status).toBe(200);
    const { access_token: accessToken } = (await response.json()) as { access_token: string };
    await fetch(`${stack.origin}/api/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });

    const spans = exporter.getFinishedSpans();
    const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
    const parentOf = (span: ReadableSpan) => byId.get(span.parentSpanContext?.spanId ?? '');
    const ancestors = (span: ReadableSpan) => {
      const chain: string[] = [];
      for (let at = parentOf(span); at; at = parentOf(at)) chain.push(at.name);
      return chain;
    };

    const request = spans.find(
      (span) => span.name === 'request' && span.attributes['http.route'] === '/api/oauth2/token',
    );
    expect(request, spans.map((span) => span.name).join(', ')).toBeDefined();
    // The gateway's trace continues here: same trace id, its span as our parent.
    expect(request!.spanContext().traceId).toBe(gatewayTraceId);
    expect(request!.parentSpanContext?.spanId).toBe(gatewaySpanId);
    expect(request!.attributes['http.response.status_code']).toBe(200);

    const step = spans.find((span) => span.name === 'token.exchange');
    expect(step?.attributes['oauth.grant_type']).toBe('authorization_code');
    expect(ancestors(step!)).toContain('request');

    const consume = spans.find((span) => span.name === 'cache.codes.consume');
    expect(consume, spans.map((span) => span.name).join(', ')).toBeDefined();
    expect(ancestors(consume!).slice(0, 1)).toEqual(['token.exchange']);
    const durable = spans.filter(
      (span) => span.name.startsWith('db.') && ancestors(span).includes('token.exchange'),
    );
    expect(durable.length).toBeGreaterThan(0);

    const userinfo = spans.find((span) => span.name === 'resource.userinfo');
    expect(
      spans.find((span) => span.name === 'db.userinfo.read' && parentOf(span) === userinfo),
    ).toBeDefined();

    // No code, secret or token in any span attribute (SEC-26).
    const attributes = JSON.stringify(spans.map((span) => span.attributes));
    for (const secret of [code, clientSecret, accessToken, password])
      expect(attributes).not.toContain(secret);

    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const tokenLines = logged.filter((line) => line.route === '/api/oauth2/token');
    expect(tokenLines.map((line) => line.msg)).toEqual(['incoming request', 'request completed']);
    for (const line of tokenLines) expect(line).toMatchObject({ trace_id: gatewayTraceId });
    expect(tokenLines[1]).toMatchObject({ client_id: clientId });
    const userinfoDone = logged.find(
      (line) => line.route === '/api/oauth2/userinfo' && line.msg === 'request completed',
    );
    // The client of a bearer call is the token's, known once the token is checked.
    expect(userinfoDone).toMatchObject({
      client_id: clientId,
      trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });
});
