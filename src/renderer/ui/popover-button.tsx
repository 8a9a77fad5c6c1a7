import { useId, useRef, type ButtonHTMLAttributes } from 'react';
import { LazyPart, lazyPart } from './lazy-part';
import type { PopoverSurfaceProps } from './popover-surface';
import { useHasBeenTrue } from './use-has-been-true';

const PopoverSurface = lazyPart(() => import('./popover-surface'), (m) => m.PopoverSurface);

type Props = Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'onClick' | 'type' | 'popover'> & {
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  /** The popover: its content and how it is named. */
  surface: Pick<PopoverSurfaceProps, 'className' | 'label' | 'testId' | 'shouldRefocusAnchor' | 'children'>;
  [data: `data-${string}`]: string | number | undefined;
};

/**
 * A button that opens a popover (the top bar's bell and sync chip). The button is in the
 * first paint; the popover's code loads the first time it opens (or is opened from
 * elsewhere, the palette), and stays from then on.
 */
export function PopoverButton({ isOpen, onOpenChange, surface, children, ...button }: Props) {
  const anchor = useRef<HTMLButtonElement>(null);
  const id = useId();
  const isLoaded = useHasBeenTrue(isOpen);
  return (
    <>
      <button
        ref={anchor}
        type="button"
        aria-haspopup="dialog"
        aria-expanded={isOpen}
        aria-controls={isOpen ? id : undefined}
        {...button}
        onClick={() => onOpenChange(!isOpen)}
      >
        {children}
      </button>
      {isLoaded && (
        <LazyPart fallback={null}>
          <PopoverSurface id={id} anchor={anchor} open={isOpen} onOpenChange={onOpenChange} {...surface} />
        </LazyPart>
      )}
    </>
  );
}
