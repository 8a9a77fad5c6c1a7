import { cloneElement, isValidElement, type MouseEvent, type ReactElement, type ReactNode } from 'react';
import type { DialogSurfaceProps } from './dialog-surface';
import { LazyPart, lazyPart } from './lazy-part';
import { useHasBeenTrue } from './use-has-been-true';
import './dialog.css';

const DialogSurface = lazyPart(() => import('./dialog-surface'), (m) => m.DialogSurface);

/**
 * The one modal dialog. Pass `open` and `onOpenChange` to control it; `description` is read
 * out with the title. Pass the button that opens it as `trigger` (it is rendered here, and
 * marked as opening a dialog). The dialog's code (Radix, dialog-surface.tsx) loads the
 * first time one opens, so a page that shows none does not carry it; from then on it stays.
 */
export function Dialog({
  open,
  onOpenChange,
  title,
  description,
  children,
  wide,
  trigger,
}: DialogSurfaceProps & { trigger?: ReactNode }) {
  const isLoaded = useHasBeenTrue(open);
  return (
    <>
      {isValidElement<TriggerProps>(trigger) && <DialogTrigger trigger={trigger} isOpen={open} onOpen={() => onOpenChange(true)} />}
      {isLoaded && (
        <LazyPart fallback={null}>
          <DialogSurface open={open} onOpenChange={onOpenChange} title={title} description={description} wide={wide}>
            {children}
          </DialogSurface>
        </LazyPart>
      )}
    </>
  );
}

type TriggerProps = { onClick?: (e: MouseEvent<HTMLElement>) => void };

/** The button given as a dialog's trigger: a click opens the dialog (after the button's own handler, unless that prevented it). */
function DialogTrigger({ trigger, isOpen, onOpen }: { trigger: ReactElement<TriggerProps>; isOpen: boolean; onOpen: () => void }) {
  return cloneElement(trigger, {
    'aria-haspopup': 'dialog',
    'aria-expanded': isOpen,
    onClick: (e: MouseEvent<HTMLElement>) => {
      trigger.props.onClick?.(e);
      if (!e.defaultPrevented) onOpen();
    },
  } as TriggerProps);
}

/**
 * A destructive action's confirmation: says what happens and what stays, and names the
 * action on its button ("Remove lane", never "OK").
 */
export function ConfirmDialog({
  open,
  onOpenChange,
  title,
  consequence,
  stays,
  action,
  onConfirm,
  alternative,
  warning,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  /** What the action does. */
  consequence: ReactNode;
  /** What is kept, so nothing feels lost by surprise. */
  stays: ReactNode;
  /** The button's label: the action itself. */
  action: string;
  onConfirm: () => void;
  /** A second, gentler way to do it (archive first), beside the action. */
  alternative?: { label: string; onSelect: () => void };
  /** What the action leaves behind that the operator may not want left (said before "Stays"). */
  warning?: ReactNode;
}) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={title} description={consequence}>
      {warning && (
        <p className="dialog-warning" data-testid="dialog-warning">
          <strong>Left behind:</strong> {warning}
        </p>
      )}
      <p className="dialog-stays">
        <strong>Stays:</strong> {stays}
      </p>
      <div className="dialog-actions">
        <button type="button" onClick={() => onOpenChange(false)}>
          Cancel
        </button>
        {alternative && (
          <button
            type="button"
            onClick={() => {
              onOpenChange(false);
              alternative.onSelect();
            }}
          >
            {alternative.label}
          </button>
        )}
        <button
          type="button"
          className="danger"
          onClick={() => {
            onOpenChange(false);
            onConfirm();
          }}
        >
          {action}
        </button>
      </div>
    </Dialog>
  );
}
