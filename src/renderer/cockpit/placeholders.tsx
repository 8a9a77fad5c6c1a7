import type { Repo } from '../../shared/repo';
import { CreateLaneForm } from '../lanes/create-lane-form';
import { Dialog } from '../ui/dialog';

// Interim pieces, replaced by their own modules as they land.
export { AddRepositoryDialog, FirstRunScreen } from '../first-run/first-run-screen';

export function CreateLaneDialog({ repo, open, onOpenChange }: { repo: Repo; open: boolean; onOpenChange: (o: boolean) => void }) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={`New lane in ${repo.name}`}>
      <CreateLaneForm repo={repo} isKeylessByDefault={false} />
    </Dialog>
  );
}
