import type { HostStatus } from '../../shared/host-status';
import { PROTOCOL_VERSION } from '../../shared/protocol-version';

export interface HostIdentity {
  version: string;
  pid: number;
  startedAt: Date;
  dataDir: string;
}

export function hostStatus(
  id: HostIdentity,
  schemaVersion: number,
  latestEventSeq: number,
  now: Date = new Date(),
): HostStatus {
  return {
    version: id.version,
    protocolVersion: PROTOCOL_VERSION,
    pid: id.pid,
    startedAt: id.startedAt.toISOString(),
    uptimeMs: Math.max(0, now.getTime() - id.startedAt.getTime()),
    dataDir: id.dataDir,
    schemaVersion,
    latestEventSeq,
  };
}
