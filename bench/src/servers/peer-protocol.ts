/** What the bench and the node-oidc-provider child (servers/peer.ts) agree on. */
export const PEER_CLIENT = {
  clientId: 'bench-client',
  clientSecret: 'bench-client-secret-0123456789abcdef0123456789abcdef',
  redirectUri: 'http://127.0.0.1:9/callback',
} as const;

export type PeerRequest = { type: 'mint'; refresh: number; access: number; users: number };
export type PeerReply =
  | { type: 'minted'; refresh: string[]; access: string[] }
  | { type: 'error'; message: string };
