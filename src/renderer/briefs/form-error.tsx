/** A refused write, in the host's words, announced as it appears. */
export function FormError({ message }: { message: string | null }) {
  return message ? (
    <p className="brief-error" role="alert">
      {message}
    </p>
  ) : null;
}
