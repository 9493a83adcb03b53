// A modal question before an action that cannot be taken back. The native <dialog> opened with
// showModal() keeps focus inside, makes the rest of the page inert and closes on Escape; focus
// starts on the safe choice (Cancel) and returns to the button that opened it when it closes.
import { type ReactNode, useEffect, useRef } from "react";

import { FormAlert } from "../forms/form-alert.js";

interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  /** The action's button, e.g. "Delete user", and its text while the action runs. */
  confirmLabel: string;
  pendingLabel: string;
  isPending: boolean;
  /** Why the action failed, shown in the dialog (which stays open). */
  problem?: string | undefined;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmDialog(props: ConfirmDialogProps) {
  const { title, children, confirmLabel, pendingLabel, isPending, problem, onConfirm, onCancel } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    element?.showModal();
    return () => {
      element?.close();
      opener?.focus();
    };
  }, []);

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby="confirm-title"
      onCancel={(event) => {
        event.preventDefault(); // Escape: close through React's state, like Cancel
        if (!isPending) onCancel();
      }}
    >
      <h2 id="confirm-title">{title}</h2>
      <div className="dialog-body">{children}</div>
      <FormAlert message={problem} />
      <div className="dialog-actions">
        <button type="button" className="button secondary" autoFocus disabled={isPending} onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="button danger" disabled={isPending} onClick={onConfirm}>
          {isPending ? pendingLabel : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
