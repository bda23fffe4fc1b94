import type { FastifyReply } from 'fastify';

/** Data every page's layout reads: who is signed in and the token for the header's sign-out form. */
function layoutData(reply: FastifyReply): Record<string, unknown> {
  const session = reply.request.session ?? null;
  return { user: session?.user ?? null, sessionCsrf: session?.csrfToken ?? null };
}

/** Renders `views/<template>` inside the shared layout. `data.title` names the page. */
export function page(
  reply: FastifyReply,
  template: string,
  data: Record<string, unknown> & { title: string },
  status = 200,
): FastifyReply {
  return reply.code(status).view(template, { ...layoutData(reply), ...data });
}

/** Renders to a string (for the error handler, which must not fail if rendering does). */
export async function renderToString(
  reply: FastifyReply,
  template: string,
  data: Record<string, unknown> & { title: string },
): Promise<string> {
  return reply.viewAsync(template, { ...layoutData(reply), ...data });
}
