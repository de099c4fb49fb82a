// Assigning a device to a VM: pick the VM, tick the hostpci options, stage it.
import { assignDefaults, existingLine } from '../model/assign-defaults.ts';
import { assignIntents } from '../model/staging.ts';
import type { AssignOptions } from '../model/types.ts';
import type { AppStore } from './app-store.ts';
import { flash, openDialog } from './dialogs.ts';
import { currentDevice } from './navigation.ts';
import { stage } from './staging.ts';

const get = (s: AppStore) => s.getState();

export function openAssign(store: AppStore) {
  const st = get(store);
  const d = currentDevice(store);
  if (!d) return flash(store, 'Select a device or VF to assign it to a VM.');
  if (d.isBridge) return flash(store, 'A bridge cannot be passed through.');
  if (!st.snapshot.vms.length) return flash(store, 'No VMs on this node.');
  openDialog(store, { kind: 'assign-vm', address: d.address });
}

export function pickVm(store: AppStore, vmid: number) {
  const st = get(store);
  const dlg = st.dialog;
  if (dlg?.kind !== 'assign-vm') return;
  const d = st.snapshot.devices.find((x) => x.address === dlg.address)!;
  const vm = st.snapshot.vms.find((v) => v.vmid === vmid);
  if (!vm) return;
  // Staged before for this VM: reopen with those options; otherwise defaults from device and VM.
  const staged = st.intents.find((i) => i.kind === 'assign' && i.address === d.address && i.vmid === vmid);
  const have = existingLine(st.snapshot, d, vm);
  const options = staged?.kind === 'assign' ? staged.options : have ? have.options : assignDefaults(st.snapshot, d, vm);
  openDialog(store, {
    kind: 'assign-options',
    address: dlg.address,
    vmid,
    options,
    focus: 0,
    ...(have ? { replaces: have.slot } : {}),
  });
}

export const ASSIGN_OPTIONS: Array<{ key: keyof AssignOptions; label: string }> = [
  { key: 'allFunctions', label: 'All functions' },
  { key: 'pcie', label: 'PCI-Express' },
  { key: 'xVga', label: 'Primary GPU (x-vga)' },
  { key: 'rombar', label: 'ROM-Bar' },
];

export function toggleAssignOption(store: AppStore, index?: number) {
  const dlg = get(store).dialog;
  if (dlg?.kind !== 'assign-options') return;
  const i = index ?? dlg.focus;
  const o = ASSIGN_OPTIONS[i];
  if (!o) return;
  store.setState({ dialog: { ...dlg, focus: i, options: { ...dlg.options, [o.key]: !dlg.options[o.key] } } });
}

export function moveAssignFocus(store: AppStore, delta: number) {
  const dlg = get(store).dialog;
  if (dlg?.kind !== 'assign-options') return;
  store.setState({ dialog: { ...dlg, focus: (dlg.focus + delta + ASSIGN_OPTIONS.length) % ASSIGN_OPTIONS.length } });
}

export function confirmAssign(store: AppStore) {
  const dlg = get(store).dialog;
  if (dlg?.kind !== 'assign-options') return;
  openDialog(store, null);
  const add = assignIntents(
    { kind: 'assign', address: dlg.address, vmid: dlg.vmid, options: dlg.options },
    dlg.replaces,
  );
  stage(
    store,
    add,
    dlg.replaces
      ? `Staged: VM ${dlg.vmid}'s ${dlg.replaces} replaced by ${dlg.address} with these options.`
      : `Staged: ${dlg.address} to VM ${dlg.vmid}.`,
  );
}
