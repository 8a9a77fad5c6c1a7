import * as Popover from '@radix-ui/react-popover';
import type { ReactNode, RefObject } from 'react';

export interface PopoverSurfaceProps {
  id: string;
  /** The button that opens it: the popover is placed against it and gives it the focus back. */
  anchor: RefObject<HTMLButtonElement | null>;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  className: string;
  label: string;
  testId: string;
  /** False: closing leaves the focus where the operator took it (a link to another view). */
  shouldRefocusAnchor?: () => boolean;
  children: ReactNode;
}

/**
 * A popover's surface (Radix's Popover: placement, Escape and a click outside to close,
 * focus management), loaded the first time its button is used (popover-button.tsx), so the
 * cockpit's first paint does not carry the positioning code.
 */
export function PopoverSurface({ id, anchor, open, onOpenChange, className, label, testId, shouldRefocusAnchor, children }: PopoverSurfaceProps) {
  return (
    <Popover.Root open={open} onOpenChange={onOpenChange}>
      <Popover.Anchor virtualRef={anchor} />
      <Popover.Portal>
        <Popover.Content
          id={id}
          className={className}
          align="end"
          sideOffset={6}
          collisionPadding={8}
          aria-label={label}
          data-testid={testId}
          // A press on the button itself is its own toggle, not a click outside that closes
          // (and the button's click would open again).
          onInteractOutside={(e) => {
            if (e.target instanceof Node && anchor.current?.contains(e.target)) e.preventDefault();
          }}
          onCloseAutoFocus={(e) => {
            e.preventDefault();
            if (shouldRefocusAnchor?.() ?? true) anchor.current?.focus();
          }}
        >
          {children}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
