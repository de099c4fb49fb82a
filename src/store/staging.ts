// Staging changes: reserve/release (with the shared and host-critical questions), undo, drop,
// fixes from the checks. What a change means is decided in model/staging.ts; this shows it.
import { decideReserve, describeIntent, iommuOffExplanation, needsIommu, withIntents } from '../model/staging.ts';
import type { Intent } from '../model/types.ts';
import { selectFindings, selectPlan, type AppStore } from './app-store.ts';
import { flash, openDialog } from './dialogs.ts';
import { currentDevice } from './navigation.ts';

const get = (s: AppStore) => s.getState();

/** Stage `add` (replacing what was staged for the same device and kind); at the first change that
 * needs the IOMMU on a node where it is off, say so at once. */
export function stage(store: AppStore, add: Intent[], text: string) {
  const st = get(store);
  const first = !st.intents.some(needsIommu);
  store.setState({ intents: withIntents(st.intents, add), flash: text });
  if (!st.snapshot.iommu.enabled && first && add.some(needsIommu)) {
    const lines = [
      text,
      '',
      ...iommuOffExplanation(st.snapshot, selectPlan(get(store))),
      '',
      'p shows every change before the commit. Enter or Esc closes this.',
    ];
    openDialog(store, { kind: 'info', title: 'IOMMU is off', lines });
    store.setState({ flash: text });
  }
}

/** space: reserve or release, asking first for shared and host-critical groups (model/staging.ts decides). */
export function toggleReserve(store: AppStore) {
  const st = get(store);
  const d = currentDevice(store);
  if (!d) return flash(store, 'Select a device (not a group) to reserve it for vfio-pci.');
  const decision = decideReserve(st.snapshot, st.intents, d.address);
  switch (decision.kind) {
    case 'unstage':
      return store.setState({
        intents: st.intents.filter((i) => i !== decision.intent),
        flash: `Unstaged ${decision.intent.kind} of ${d.address}.`,
      });
    case 'refuse':
      return flash(store, decision.message);
    case 'release':
      return stage(store, [{ kind: 'release', address: d.address }], `Staged: release ${d.address} back to the host.`);
    case 'critical':
      return openDialog(store, {
        kind: 'critical',
        address: d.address,
        groupId: decision.groupId,
        lost: decision.lost,
        members: decision.members,
        choice: 0,
        confirmed: false,
      });
    case 'shared':
      return openDialog(store, {
        kind: 'shared',
        address: d.address,
        groupId: decision.groupId,
        members: decision.members,
        choice: 0,
        isolated: decision.isolated,
      });
    case 'reserve':
      return stage(store, [{ kind: 'reserve', address: d.address }], `Staged: reserve ${d.address} for vfio-pci.`);
  }
}

export function answerShared(store: AppStore, wholeGroup: boolean) {
  const dlg = get(store).dialog;
  if (dlg?.kind !== 'shared') return;
  const addrs = wholeGroup ? dlg.members : [dlg.address];
  openDialog(store, null);
  // One device alone from a shared group is an explicit override (the plan refuses it otherwise);
  // the functions of one card (isolated) need none.
  const force = !wholeGroup && !dlg.isolated;
  stage(
    store,
    addrs.map((address) => ({ kind: 'reserve' as const, address, ...(force ? { force } : {}) })),
    wholeGroup
      ? `Staged: reserve all ${addrs.length} devices of group ${dlg.groupId}.`
      : force
        ? `Staged with override: reserve ${dlg.address} only (the plan warns: the group goes together).`
        : `Staged: reserve ${dlg.address} only.`,
  );
}

/** First "stage anyway" asks again; only the second one stages (with force). */
export function answerCritical(store: AppStore) {
  const dlg = get(store).dialog;
  if (dlg?.kind !== 'critical') return;
  if (!dlg.confirmed) return store.setState({ dialog: { ...dlg, confirmed: true, choice: 0 } });
  openDialog(store, null);
  stage(
    store,
    [{ kind: 'reserve', address: dlg.address, force: true }],
    `Staged with override: reserve ${dlg.address}; the host loses ${dlg.lost.length} thing(s).`,
  );
}

export function undoLast(store: AppStore) {
  const st = get(store);
  const last = st.intents.at(-1);
  if (!last) return flash(store, 'Nothing staged.');
  store.setState({ intents: st.intents.slice(0, -1), flash: `Undone: ${describeIntent(last)}.` });
}

export function dropIntent(store: AppStore, index: number) {
  const st = get(store);
  const i = st.intents[index];
  if (!i) return;
  const intents = st.intents.filter((_, k) => k !== index);
  store.setState({
    intents,
    pendingCursor: Math.min(st.pendingCursor, Math.max(0, intents.length - 1)),
    flash: `Dropped: ${describeIntent(i)}.`,
  });
}

/** From the checks: stage removing the hostpci line a finding is about (e.g. a card that moved). */
export function stageFindingFix(store: AppStore, index: number) {
  const f = selectFindings(get(store))[index];
  if (!f) return;
  if (!f.line) return flash(store, 'Nothing to stage for this one: its fix is shown under it.');
  // The finding came from this snapshot's VM config, so the VM and its line are there.
  const running = get(store).snapshot.vms.some((v) => v.vmid === f.line!.vmid && v.running);
  openDialog(store, null);
  const intent: Intent = { kind: 'unassign', vmid: f.line.vmid, slot: f.line.slot };
  stage(
    store,
    [intent],
    `Staged: ${describeIntent(intent)}${running ? ' (running: takes effect at its next start)' : ''}. p shows the diff.`,
  );
}
