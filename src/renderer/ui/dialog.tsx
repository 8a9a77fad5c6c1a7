import * as RadixDialog from '@radix-ui/react-dialog';
import { X } from 'lucide-react';
import { useRef, type ReactNode } from 'react';
import './dialog.css';

/**
 * The one modal dialog (Radix: focus trap, Escape, labelled by its title). Pass `open` and
 * `onOpenChange` to control it; `description` is read out with the title. Pass the button
 * that opens it as `trigger` and focus returns to that button when the dialog closes; without
 * one, focus returns to what had it when the dialog opened (a terminal, when a shortcut opened
 * it there), not to the page's body, where keys reach nothing.
 */
export function Dialog({
  open,
  onOpenChange,
  title,
  description,
  children,
  wide,
  trigger,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: ReactNode;
  children: ReactNode;
  wide?: boolean;
  trigger?: ReactNode;
}) {
  const opener = useRef<HTMLElement | null>(null);
  return (
    <RadixDialog.Root open={open} onOpenChange={onOpenChange}>
      {trigger && <RadixDialog.Trigger asChild>{trigger}</RadixDialog.Trigger>}
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="dialog-overlay" />
        <RadixDialog.Content
          className={`dialog-content${wide ? ' dialog-wide' : ''}`}
          // Called before focus moves in: what has it now is what opened the dialog.
          onOpenAutoFocus={() => {
            opener.current = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
          }}
          onCloseAutoFocus={(event) => {
            const back = opener.current;
            opener.current = null;
            if (trigger || !back?.isConnected) return;
            event.preventDefault();
            back.focus();
          }}
        >
          <header className="dialog-header">
            <RadixDialog.Title className="dialog-title">{title}</RadixDialog.Title>
            <RadixDialog.Close className="icon-button" aria-label="Close">
              <X size={16} aria-hidden />
            </RadixDialog.Close>
          </header>
          {description ? <RadixDialog.Description className="dialog-description">{description}</RadixDialog.Description> : <RadixDialog.Description className="visually-hidden">{title}</RadixDialog.Description>}
          {children}
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
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
}) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={title} description={consequence}>
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
