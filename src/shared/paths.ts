/**
 * The endpoints, in one place for the host, the clients and the docs. Apart from the wire's
 * schemas so the page can name them without loading a validator.
 */
export const Paths = {
  api: '/api/',
  ws: '/ws',
  auth: '/auth',
  /** A host's proof that it holds the operator's token, before a client sends it: src/host-client/host-identity.ts. */
  identity: '/identity',
  /** Attachments' bytes: `POST /blobs?brief=REF&name=NAME` uploads one, `GET /blobs/<sha256>` serves it. */
  blobs: '/blobs',
  /** The MCP server (Streamable HTTP) agents reach with their own token: docs/mcp.md. */
  mcp: '/mcp',
} as const;
