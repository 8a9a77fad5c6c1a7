import { useEffect, useRef, type RefObject } from 'react';
import type { SettingsSection } from '../../shared/ui-route';
import { isFocusOn } from '../navigation/route-focus';
import { useRouteFocus } from '../navigation/use-route-focus';

/**
 * A settings section a route names (`#/settings/sync`: the sync chip's link, the palette, a
 * URL): each time it is sent there, once `ready` (drawn with its content), its top comes into
 * view (not its middle: a section can be taller than a phone) and the keyboard's place moves
 * to its heading. Give the refs to the section and to its heading (with tabIndex -1).
 */
export function useSectionArrival(section: SettingsSection, ready = true): { sectionRef: RefObject<HTMLElement | null>; headingRef: RefObject<HTMLHeadingElement | null> } {
  const sectionRef = useRef<HTMLElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const focus = useRouteFocus();
  const arrived = isFocusOn(focus, { kind: 'settings', section }) ? focus!.seq : null;
  useEffect(() => {
    if (arrived === null || !ready) return;
    headingRef.current?.focus({ preventScroll: true });
    sectionRef.current?.scrollIntoView({ block: 'start' });
  }, [arrived, ready]);
  return { sectionRef, headingRef };
}
