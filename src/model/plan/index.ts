// The planner: staged intents + host snapshot -> Plan. Pure and fast (the TUI derives the plan
// from its staged intents on every change). Planning what is already true gives an empty plan.
import type { HostSnapshot, Intent, Plan } from '../types.ts';
import { planBootSupport, planInitramfs } from './boot.ts';
import { PlanBuilder } from './builder.ts';
import { planMappings } from './mapping.ts';
import { planRecovery } from './recovery.ts';
import { planReservations } from './reserve.ts';
import { planVfCounts } from './sriov.ts';
import { planVmChanges } from './vm.ts';

export function planChanges(snap: HostSnapshot, intents: Intent[]): Plan {
  const b = new PlanBuilder(snap.files);
  const reservations = planReservations(snap, intents, b);
  planVfCounts(snap, intents, b);
  planMappings(snap, intents, b);
  planVmChanges(snap, intents, b);
  // Boot support only matters once something is passed through or reserved.
  if (reservations || intents.some((i) => i.kind === 'assign' || i.kind === 'assign-mapping' || (i.kind === 'reserve' && b.errors.length === 0))) planBootSupport(snap, b);
  // The recovery boot entry follows the reservations: kept while any is active, gone with the last.
  if (reservations) planRecovery(snap, b);
  planInitramfs(b);
  return b.build();
}
