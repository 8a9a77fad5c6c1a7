import { useState } from 'react';
import type { Repo } from '../../shared/repo';
import { useHost } from '../connection/use-host';
import { TrustStep } from '../repos/trust-step';
import { Dialog } from '../ui/dialog';
import { AddRepositoryForm } from './add-repository-form';

/**
 * Adding another repository from the rail: the same field as the first run, then the new
 * repository's Trust step in the same dialog ("Not now" closes it; the repository stays
 * untrusted).
 */
export function AddRepositoryDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const { repos } = useHost();
  const [added, setAdded] = useState<Repo | null>(null);
  const trusting = added ? (repos?.find((r) => r.id === added.id) ?? added) : null;
  const close = (): void => {
    setAdded(null);
    onOpenChange(false);
  };
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => (next ? onOpenChange(true) : close())}
      title={trusting ? `Added ${trusting.name}` : 'Add a repository'}
      description={
        trusting ? (
          'Nothing from its grove.yaml runs until you trust its commands.'
        ) : (
          <>
            The path of its MAIN checkout: the stable copy that serves the site. Or run <code>grove repo add PATH</code>.
          </>
        )
      }
      wide={trusting !== null}
    >
      {trusting ? <TrustStep repo={trusting} onSkip={close} onTrusted={close} /> : <AddRepositoryForm takesFocus onAdded={setAdded} />}
    </Dialog>
  );
}
