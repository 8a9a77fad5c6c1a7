import { useHost, useHostStore } from '../connection/use-host';
import { ReposView } from '../repos/repos-view';
import { Dialog } from '../ui/dialog';

// Interim pieces, replaced by their own modules as they land.
export function FirstRunScreen() {
  const host = useHost();
  const store = useHostStore();
  return (
    <div className="first-run-body">
      <ReposView repos={host.repos} onAdd={(p) => store.addRepo(p)} />
    </div>
  );
}

export function AddRepositoryDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (o: boolean) => void }) {
  const host = useHost();
  const store = useHostStore();
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Add a repository">
      <ReposView repos={host.repos} onAdd={(p) => store.addRepo(p)} />
    </Dialog>
  );
}
