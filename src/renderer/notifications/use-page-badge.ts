import { useEffect } from 'react';
import type { AgentInfo } from '../../shared/agents';
import type { MainHealth } from '../../shared/health';
import { urgencyOf } from '../terminals/agent-urgency';
import { faviconHref, titleFor, worstMainState, type BadgeState } from './page-badge';

/**
 * Keeps the tab's title and favicon on MAIN's worst state and the waiting agents. The
 * favicon's <link> carries `data-state`, so a test (or a userscript) reads it without
 * decoding the image.
 */
export function usePageBadge(agents: AgentInfo[] | null, health: Readonly<Record<string, MainHealth>>): void {
  const waiting = (agents ?? []).filter((a) => urgencyOf(a) === 'waiting').length;
  const main = worstMainState(health);
  useEffect(() => {
    document.title = titleFor(waiting, main);
  }, [waiting, main]);
  useEffect(() => {
    const state: BadgeState = main ?? 'none';
    const link = faviconLink();
    if (link.dataset.state === state) return;
    link.href = faviconHref(state);
    link.dataset.state = state;
  }, [main]);
}

function faviconLink(): HTMLLinkElement {
  const existing = document.querySelector<HTMLLinkElement>('link#favicon');
  if (existing) return existing;
  const link = document.createElement('link');
  link.id = 'favicon';
  link.rel = 'icon';
  link.type = 'image/svg+xml';
  document.head.append(link);
  return link;
}
