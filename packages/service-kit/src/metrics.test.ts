import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createMetrics, grantTypeLabel, recordHttpMetrics, startMetricsServer } from './metrics.js';

describe('Prometheus metrics', () => {
  it('counts responses by route template, never by the concrete URL', async () => {
    const app = Fastify();
    const metrics = createMetrics();
    recordHttpMetrics(app, metrics);
    app.get('/api/oauth_apps/:id', async () => ({ ok: true }));
    await app.ready();
    await app.inject('/api/oauth_apps/12345?token=gth_at_secret');
    await app.inject('/api/oauth_apps/67890');
    await app.inject('/no/such/user/alice@example.com');
    await app.close();

    const text = await metrics.registry.metrics();
    expect(text).toMatch(
      /gatehouse_http_requests_total\{method="GET",route="\/api\/oauth_apps\/:id",status="200"\} 2/,
    );
    expect(text).toMatch(/gatehouse_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
    expect(text).toMatch(
      /gatehouse_http_request_duration_seconds_count\{method="GET",route="\/api\/oauth_apps\/:id"\} 2/,
    );
    // Bounded labels: no ids, tokens, or addresses from the URLs.
    // (Label values only: a process metric's number may happen to contain the same digits.)
    const labelValues = [...text.matchAll(/="([^"]*)"/g)].map(([, value]) => value).join(' ');
    expect(labelValues).not.toMatch(/12345|67890|gth_at_secret|alice/);
    // The process collectors (heap, RSS, event-loop lag) come with it.
    expect(text).toMatch(/^process_resident_memory_bytes /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it('names only known grant types in labels', () => {
    expect(grantTypeLabel('refresh_token')).toBe('refresh_token');
    expect(grantTypeLabel('urn:ietf:params:oauth:grant-type:device_code')).toBe(
      'urn:ietf:params:oauth:grant-type:device_code',
    );
    expect(grantTypeLabel('gth_rt_looks-like-a-token')).toBe('other');
    expect(grantTypeLabel(undefined)).toBe('other');
  });

  it('serves /metrics on a listener of its own, and nothing else there', async () => {
    const metrics = createMetrics();
    metrics.tokenGrants.inc({ grant_type: 'refresh_token', outcome: 'invalid_grant' });
    const server = await startMetricsServer(metrics, 0, '127.0.0.1');
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await response.text()).toMatch(
        /gatehouse_token_grants_total\{grant_type="refresh_token",outcome="invalid_grant"\} 1/,
      );
      expect((await fetch(`http://127.0.0.1:${server.port}/api/oauth2/token`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
