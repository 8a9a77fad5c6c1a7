import { HostFrame } from '../wire';

/** A host frame validated against the wire's schemas, or null (dropped). */
export function parseHostFrame(raw: unknown): HostFrame | null {
  const frame = HostFrame.safeParse(raw);
  return frame.success ? frame.data : null;
}
