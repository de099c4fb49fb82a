// The planner: staged intents + host snapshot -> Plan. Pure and fast (the TUI derives the plan
// from its staged intents on every change). Planning what is already true gives an empty plan.
import type { HostSnapshot, Intent, Plan } from '../types.ts';
import { planBootSupport, planInitramfs } from './boot.ts';
import { PlanBuilder } from './builder.ts';
import { planMappings } from './mapping.ts';
import { planRecovery } from './recovery.ts';
import { planReservations } from './reserve.ts';
import { planVfCounts } from './sriov.ts';
import { planTrial, warnTrialPending } from './trial.ts';
import { impliedVfCounts, planVfSettings } from './vf-settings.ts';
import { planVmChanges } from './vm.ts';

export interface PlanOptions {
  /** Reboot with a trial (trial.ts): the new configuration boots once, the recovery entry is the default until confirmed. */
  trial?: boolean;
}

export function planChanges(snap: HostSnapshot, intents: Intent[], opts: PlanOptions = {}): Plan {
  const b = new PlanBuilder(snap.files);
  const reservations = planReservations(snap, intents, b);
  planVfCounts(snap, [...intents, ...impliedVfCounts(snap, intents)], b);
  planVfSettings(snap, intents, b);
  planMappings(snap, intents, b);
  planVmChanges(snap, intents, b);
  // Boot support only matters once something is passed through or reserved.
  if (
    reservations ||
    intents.some(
      (i) => i.kind === 'assign' || i.kind === 'assign-mapping' || (i.kind === 'reserve' && b.errors.length === 0),
    )
  )
    planBootSupport(snap, b);
  // The recovery boot entry follows the reservations: kept while any is active, gone with the last.
  if (reservations) planRecovery(snap, b);
  planInitramfs(b);
  if (opts.trial) planTrial(snap, b);
  else warnTrialPending(snap, b);
  return b.build();
}
