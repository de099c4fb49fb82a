// The VF-count editor: open it on a PF, edit the number, stage it.
import type { AppStore } from './app-store.ts';
import { flash, openDialog } from './dialogs.ts';
import { currentDevice } from './navigation.ts';
import { stage } from './staging.ts';

const get = (s: AppStore) => s.getState();

export function openVfEditor(store: AppStore) {
  const d = currentDevice(store);
  if (!d) return flash(store, 'Select a physical function to set its VF count.');
  if (!d.sriov)
    return flash(
      store,
      d.physfn ? `This is a virtual function; select its PF ${d.physfn}.` : `${d.address} has no SR-IOV capability.`,
    );
  const staged = get(store).intents.find((i) => i.kind === 'vfs' && i.address === d.address);
  openDialog(store, {
    kind: 'vfs',
    address: d.address,
    value: String(staged && staged.kind === 'vfs' ? staged.count : d.sriov.numVfs),
    total: d.sriov.totalVfs,
  });
}

export function editVfValue(store: AppStore, edit: (v: string) => string) {
  const dlg = get(store).dialog;
  if (dlg?.kind !== 'vfs') return;
  const v = edit(dlg.value)
    .replace(/[^0-9]/g, '')
    .replace(/^0+(?=\d)/, '')
    .slice(0, 4);
  store.setState({ dialog: { ...dlg, value: v } });
}

export function confirmVfs(store: AppStore) {
  const dlg = get(store).dialog;
  if (dlg?.kind !== 'vfs') return;
  const n = Number(dlg.value || '0');
  if (n > dlg.total) return flash(store, `At most ${dlg.total} VFs on this device.`);
  openDialog(store, null);
  stage(store, [{ kind: 'vfs', address: dlg.address, count: n }], `Staged: ${n} VFs on ${dlg.address}.`);
}
