import { useEffect, useRef } from 'react';
import { parseRoute, routeFor } from '../../shared/ui-route';
import { navigateTo, useRouteStore } from '../navigation/use-route-focus';
import { BriefList } from './brief-list';
import { BriefPage } from './brief-page';
import './briefs.css';

/**
 * The cockpit's Briefs route: All briefs, or one brief's page (`brief`, its number). Each has
 * its own URL (`#/briefs`, `#/brief/<number>`), so a brief can be linked and the back button
 * returns to the list; the URL is brought in line with what is shown when the rail or the
 * palette chose it.
 */
export function BriefsView({ brief }: { brief?: number }) {
  const routes = useRouteStore();
  const top = useRef<HTMLElement>(null);
  useEffect(() => {
    const hash = routeFor(brief === undefined ? { kind: 'briefs' } : { kind: 'brief', number: brief });
    if (window.location.hash !== hash) window.history.replaceState(window.history.state, '', hash);
    top.current?.scrollTo?.({ top: 0 });
  }, [brief]);
  // Leaving the route (the rail, the palette) drops its hash, so a reload opens what is shown then.
  useEffect(
    () => () => {
      if (parseRoute(window.location.hash)?.kind.startsWith('brief')) window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    },
    [],
  );
  return (
    <section ref={top} className="view briefs-view" aria-label="Briefs" data-testid="briefs-view">
      {brief === undefined ? <BriefList onOpen={(number) => navigateTo(routes, { kind: 'brief', number })} /> : <BriefPage key={brief} number={brief} />}
    </section>
  );
}
