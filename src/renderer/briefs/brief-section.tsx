import { useId, type ReactNode } from 'react';

/**
 * One panel of a brief's page, named as the seed names them: a small line saying what it is
 * ("canonical · plan") above its title ("Spec"), then its content.
 */
export function BriefSection({ eyebrow, title, aside, children, testId, className }: { eyebrow: string; title: string; aside?: ReactNode; children: ReactNode; testId: string; className?: string }) {
  const id = useId();
  return (
    <section className={`brief-section${className ? ` ${className}` : ''}`} aria-labelledby={id} data-testid={testId}>
      <header className="brief-section-header">
        <div>
          <p className="brief-eyebrow">{eyebrow}</p>
          <h2 id={id}>{title}</h2>
        </div>
        {aside}
      </header>
      {children}
    </section>
  );
}
