import type { FastifyInstance } from 'fastify';

/**
 * The demo app's 404 page: the home page's header and stylesheet, no script (so the
 * CSP needs nothing more), and a way back.
 */
const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Page not found · Demo App</title>
    <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
    <link rel="stylesheet" href="/styles.css" />
  </head>
  <body>
    <header class="topbar">
      <a class="brand" href="/">
        <img src="/favicon.svg" alt="" width="28" height="28" />
        <span>Demo App</span>
      </a>
      <span class="tag">an example third-party app for Gatehouse</span>
    </header>
    <main>
      <section class="card hero">
        <h1>Page not found</h1>
        <p class="lead">There is no page at this address in the demo app.</p>
        <a class="btn primary" href="/">Go to the demo app</a>
      </section>
    </main>
  </body>
</html>
`;

/**
 * Unknown paths: the page's own calls (`/api/…`) get the JSON error shape of the other
 * API answers; everything else is a page a person can read. The query is never echoed.
 */
export function answerUnknownPaths(app: FastifyInstance): void {
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    reply.code(404);
    if (path === '/api' || path.startsWith('/api/')) {
      return {
        error: 'not_found',
        error_description: `there is no ${request.method} ${path.slice(0, 200)} endpoint`,
      };
    }
    return reply.type('text/html; charset=utf-8').send(PAGE);
  });
}
