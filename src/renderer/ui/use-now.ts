import { useEffect, useState } from 'react';

/** The current time, renewed every `everyMs`: for durations that grow while on screen ("broken for 3 min"). */
export function useNow(everyMs: number, isTicking = true): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    if (!isTicking) return;
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs, isTicking]);
  return now;
}
