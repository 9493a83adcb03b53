// The message above a form. The live region is always in the page (an empty one is not shown), so
// a screen reader announces each message as it appears; focusable by the form (not by Tab), so
// that a keyboard user lands on it after a refused submit.
export function FormAlert({ message }: { message?: string | undefined }) {
  return (
    <div className="form-alert" role="alert" aria-live="assertive" tabIndex={-1}>
      {message}
    </div>
  );
}

/** Good news after an action (polite: it waits for the reader to finish). */
export function StatusMessage({ message }: { message?: string | undefined }) {
  return (
    <div className="status-message" role="status" aria-live="polite">
      {message}
    </div>
  );
}
