import { CheckCircle2, CircleDashed, CircleDot, Circle, Eye, XCircle, type LucideIcon } from 'lucide-react';
import type { BriefStatusName } from '../../../shared/brief-constants';

/**
 * How a brief's status looks in the graphs: an icon beside its word (graph-text.ts), always, and a colour from
 * the theme's tones as the app's status badges use them (working green, needing a look
 * amber, idle grey; ui/status-badge.css). Done recedes (the graph is about what is left);
 * draft and cancelled are dashed.
 */
export const STATUS_ICON: Record<BriefStatusName, LucideIcon> = {
  draft: CircleDashed,
  planned: Circle,
  in_progress: CircleDot,
  in_review: Eye,
  done: CheckCircle2,
  cancelled: XCircle,
};
