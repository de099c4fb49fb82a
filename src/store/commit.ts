// Committing: the last checks before the confirm dialog, the apply with its progress, the
// result screen, and the roll back of an interrupted apply.
import { describeStep } from '../model/plan/describe.ts';
import { planChanges } from '../model/plan/index.ts';
import { trialNextSteps } from '../model/plan/trial.ts';
import { selectPlan, selectRows, type AppStore } from './app-store.ts';
import { flash, openDialog } from './dialogs.ts';

const get = (s: AppStore) => s.getState();

export function requestCommit(store: AppStore) {
  const st = get(store);
  if (!st.intents.length) return flash(store, 'Nothing staged: space reserves, v sets VFs, a assigns to a VM.');
  const plan = selectPlan(st);
  if (plan.errors.length) {
    store.setState({ pane: 'pending' });
    return flash(
      store,
      `Cannot commit: ${plan.errors.length} blocking error(s) in the plan (shown below). Drop or change those items.`,
    );
  }
  if (!plan.steps.length) return flash(store, 'The host already matches what is staged: nothing to commit.');
  openDialog(store, { kind: 'confirm', choice: 0 });
}

/**
 * Keys that arrive this soon after the result screen appears were typed during the run (or sat in
 * the terminal's buffer while it finished): they must not dismiss the backups and next steps.
 */
export const RESULT_GRACE_MS = 800;

/** `trial`: the commit dialog's "Apply + trial boot" (a plan that needs a reboot only). */
export async function commit(store: AppStore, trial = false): Promise<void> {
  const st = get(store);
  const plan = trial ? planChanges(st.snapshot, st.intents, { trial: true }) : selectPlan(st);
  if (trial && plan.errors.length) {
    // The reason is a sentence or two (which boot loader, which file system): a dialog wraps it,
    // the flash line would cut it at 80 columns.
    const lines = [
      ...plan.errors.map((e) => e.message),
      '',
      'Nothing was applied. c, then Apply, commits without a trial.',
    ];
    return openDialog(store, { kind: 'info', title: 'No trial boot', lines });
  }
  const steps = plan.steps.map((s) => ({ text: describeStep(plan, s), status: 'waiting' as const }));
  openDialog(store, { kind: 'progress', steps });
  const result = await st.host.apply(plan, (i, status, detail) => {
    const dlg = get(store).dialog;
    if (dlg?.kind !== 'progress') return;
    const next = dlg.steps.map((x, k) => (k === i ? { ...x, status, detail } : x));
    store.setState({ dialog: { ...dlg, steps: next } });
  });
  let snapshot = get(store).snapshot;
  let intents = get(store).intents;
  if (result.ok && trial) result.nextSteps = trialNextSteps(result.nextSteps);
  if (result.ok) {
    snapshot = await st.host.reread();
    intents = [];
  }
  store.setState({
    snapshot,
    intents,
    dialog: { kind: 'result', result, readyAt: Date.now() + RESULT_GRACE_MS },
    pane: 'tree',
  });
  // The cursor row may be gone after a re-read; keep it valid.
  const rows = selectRows(get(store));
  if (!rows.some((r) => r.id === get(store).cursorId)) store.setState({ cursorId: rows[0]?.id ?? null });
}

/** The interrupted-apply dialog's "Roll it back": the host port undoes it, then the host is read again. */
export async function rollbackInterrupted(store: AppStore): Promise<void> {
  const st = get(store);
  if (!st.host.rollback) return openDialog(store, null);
  openDialog(store, {
    kind: 'progress',
    steps: [{ text: 'put back what the interrupted apply changed', status: 'running' }],
  });
  const result = await st.host.rollback();
  const snapshot = await st.host.reread();
  store.setState({ snapshot, dialog: { kind: 'result', result, readyAt: Date.now() + RESULT_GRACE_MS }, pane: 'tree' });
}
