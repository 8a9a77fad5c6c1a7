import { useEffect } from 'react';
import type { AgentInfo } from '../../shared/agents';
import { urgencyOf } from './agent-urgency';

/** "(2) Grove": the tab title counts agents waiting for the operator, seen from any tab. */
export function useAttentionTitle(agents: AgentInfo[] | null): void {
  const waiting = (agents ?? []).filter((a) => urgencyOf(a) === 'waiting').length;
  useEffect(() => {
    document.title = waiting > 0 ? `(${waiting}) Grove` : 'Grove';
  }, [waiting]);
}
