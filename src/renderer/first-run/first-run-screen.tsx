import { Sprout } from 'lucide-react';
import { useHost, useHostStore } from '../connection/use-host';
import { TrustStep } from '../repos/trust-step';
import { AddRepositoryForm, addRepository } from './add-repository-form';
import { useFirstRunProgress } from './first-run-progress';
import './first-run.css';

export { AddRepositoryForm } from './add-repository-form';
export { AddRepositoryDialog } from './add-repository-dialog';
export { useFirstRun } from './first-run-progress';

/**
 * The whole page until Grove has a repository: what Grove does, what MAIN is, and the one
 * thing to do (add MAIN's path, or `grove repo add`). Then the new repository's Trust step,
 * right there; "Not now" leaves it untrusted and opens the cockpit. The cockpit decides
 * when to show this with useFirstRun() (first-run-progress.ts).
 */
export function FirstRunScreen() {
  const store = useHostStore();
  const { repos } = useHost();
  const { progress, step } = useFirstRunProgress();
  const trusting = step.kind === 'trust' ? (repos?.find((r) => r.id === step.repo.id) ?? step.repo) : null;
  return (
    <main className="first-run-screen" data-testid="first-run">
      <div className="first-run-card">
        <p className="first-run-brand">
          <Sprout size={18} aria-hidden /> Grove
        </p>
        {trusting ? (
          <>
            <h1 className="first-run-title">Added {trusting.name}</h1>
            <p className="first-run-lead">
              <code className="first-run-path">{trusting.mainPath}</code> is MAIN now. One more step: let Grove run the commands in its grove.yaml.
            </p>
            <TrustStep repo={trusting} onSkip={() => progress.reset()} onTrusted={() => progress.reset()} />
          </>
        ) : (
          <>
            <h1 className="first-run-title">Add a repository</h1>
            <p className="first-run-lead">
              Grove runs your coding agents side by side, each in its own lane: a git worktree with its own branch, ports and terminals. It watches
              every agent and tells you which one needs you, and it merges finished lanes into MAIN only through a gate.
            </p>
            <section className="first-run-main" aria-labelledby="first-run-main-title">
              <h2 id="first-run-main-title">What is MAIN?</h2>
              <p>
                Your app's main checkout: the stable copy that serves the site. Agents never work in it; lanes are made beside it, and Grove keeps an
                eye on its health.
              </p>
            </section>
            <AddRepositoryForm
              takesFocus
              onAdded={(repo) => progress.added(repo)}
              add={async (path) => {
                progress.adding();
                const outcome = await addRepository(store, path);
                if (!outcome.ok) progress.reset();
                return outcome;
              }}
            />
            <p className="first-run-cli">
              Or from a terminal: <code>grove repo add PATH</code>
            </p>
          </>
        )}
      </div>
    </main>
  );
}
