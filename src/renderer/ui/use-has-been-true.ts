import { useEffect, useState } from 'react';

/** True from the first render `value` is true on, and from then on: a part loaded on first use (a dialog, a popover) stays loaded. */
export function useHasBeenTrue(value: boolean): boolean {
  const [was, setWas] = useState(value);
  useEffect(() => {
    if (value) setWas(true);
  }, [value]);
  return was || value;
}
