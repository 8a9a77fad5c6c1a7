/**
 * The WebSocket close codes the host uses. A module of its own, without schemas: the page
 * reads it before its first paint (the client decides on a close by its code).
 */
export const CloseCode = {
  /** Host shutting down; reconnect later. */
  goingAway: 1001,
  /** Protocol violation (e.g. a non-JSON frame too many times). */
  policyViolation: 1008,
  /** The browser session the socket was opened with ended (revoked, or idle too long): log in again. */
  sessionEnded: 4401,
} as const;
