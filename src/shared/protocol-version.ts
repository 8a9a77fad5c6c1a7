/**
 * The wire protocol's version. Bump it when a change would break an existing client:
 * a removed or renamed method, event or field, or a changed meaning. Adding a method, an
 * event type or an optional field is not a break and keeps the number.
 */
export const PROTOCOL_VERSION = 1;
