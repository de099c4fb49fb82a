// Store actions: every key the operator presses ends in one of these. Synchronous except
// commit, which awaits the host port's apply and re-reads the host afterwards.
import { describeStep } from '../model/plan/describe.ts';
import { slotOf } from '../model/address.ts';
import { bootCmdline, iommuBootNeed } from '../model/plan/boot.ts';
import { reservedAtBoot } from '../model/plan/reserve.ts';
import type { AssignOptions, Intent } from '../model/types.ts';
import { selectCursorIndex, selectFindings, selectPlan, selectRows, type AppStore, type Dialog } from './app-store.ts';
import { assignDefaults, assignIntents, existingLine } from './assign.ts';
import { layout } from './layout.ts';
import { describeMappingIntent, mappingIntentKey } from './mappings.ts';

const get = (s: AppStore) => s.getState();

function keepInView(store: AppStore) {
  const st = get(store);
  const i = selectCursorIndex(st);
  const h = layout(st.size).treeRows;
  let scroll = st.scroll;
  if (i < scroll) scroll = i;
  if (i >= scroll + h) scroll = i - h + 1;
  scroll = Math.max(0, Math.min(scroll, Math.max(0, selectRows(st).length - h)));
  if (scroll !== st.scroll) store.setState({ scroll });
}

export function moveCursor(store: AppStore, delta: number | 'top' | 'bottom' | 'pageUp' | 'pageDown') {
  const st = get(store);
  const rows = selectRows(st);
  if (!rows.length) return;
  const page = Math.max(1, layout(st.size).treeRows - 1);
  const cur = selectCursorIndex(st);
  const next =
    delta === 'top' ? 0 : delta === 'bottom' ? rows.length - 1 : delta === 'pageUp' ? cur - page : delta === 'pageDown' ? cur + page : cur + delta;
  const i = Math.max(0, Math.min(rows.length - 1, next));
  store.setState({ cursorId: rows[i]!.id, flash: null });
  keepInView(store);
}

export function setExpanded(store: AppStore, open: boolean) {
  const st = get(store);
  const row = selectRows(st)[selectCursorIndex(st)];
  if (!row) return;
  const expandable = row.kind === 'group' || row.kind === 'fold' || row.expandable;
  if (expandable && row.expanded !== open) {
    const next = new Set(st.expanded);
    if (open) next.add(row.id);
    else next.delete(row.id);
    store.setState({ expanded: next });
  } else if (!open) {
    // Already closed (or a leaf): go to the parent row, like a file tree.
    const rows = selectRows(st);
    for (let i = selectCursorIndex(st) - 1; i >= 0; i--) {
      if (rows[i]!.depth < row.depth) {
        store.setState({ cursorId: rows[i]!.id });
        break;
      }
    }
  }
  keepInView(store);
}

export function setSize(store: AppStore, size: { columns: number; rows: number }) {
  store.setState({ size });
  keepInView(store);
}

export function setFilter(store: AppStore, filter: string) {
  store.setState({ filter, scroll: 0 });
  const st = get(store);
  const rows = selectRows(st);
  // Typing a filter puts the cursor on the first device that matches, unless it is on one already.
  const on = rows.find((r) => r.id === st.cursorId);
  if (!on || (filter && on.kind !== 'device')) store.setState({ cursorId: rows.find((r) => r.kind === 'device')?.id ?? rows[0]?.id ?? null });
  keepInView(store);
}

export const flash = (store: AppStore, text: string) => store.setState({ flash: text });
export const openDialog = (store: AppStore, dialog: Dialog | null) => store.setState({ dialog, flash: null });

function stage(store: AppStore, add: Intent[], text: string) {
  const st = get(store);
  const keys = new Set(add.map(intentKey));
  const first = !st.intents.some(needsIommu);
  store.setState({ intents: [...st.intents.filter((i) => !keys.has(intentKey(i))), ...add], flash: text });
  if (!st.snapshot.iommu.enabled && first && add.some(needsIommu)) iommuOffNotice(store, text);
}

const needsIommu = (i: Intent) => i.kind === 'reserve' || i.kind === 'assign' || i.kind === 'vfs';

/**
 * With the IOMMU off nothing can be passed through: said at the first change that needs it, with
 * what the plan does about it (the boot loader edit and the reboot), in the plan's own words.
 */
function iommuOffNotice(store: AppStore, staged: string) {
  const st = get(store);
  const snap = st.snapshot;
  const plan = selectPlan(st);
  const boot = snap.bootloader.path ? plan.edits.find((e) => e.path === snap.bootloader.path) : undefined;
  const blocker = iommuBootNeed(snap, bootCmdline(snap)).blocker;
  const lines = [staged, '', 'The IOMMU is off on this node: no device can be passed through to a VM until it is on (a VM with a hostpci device will not start).'];
  if (boot) {
    lines.push(`The plan turns it on in /${boot.path}: ${boot.reason}.`);
    const cmdline = plan.rebootReasons.filter((r) => /command line/.test(r));
    lines.push(`${cmdline.length ? `The ${cmdline.join('; ')}, in effect` : 'In effect'} after the reboot that follows the commit.`);
  } else if (blocker) lines.push(`The plan cannot turn it on: ${blocker}.`);
  else lines.push('The plan does not change the kernel command line: check the firmware setup (VT-d / AMD-Vi) and the boot loader.');
  lines.push('', 'p shows every change before the commit. Enter or Esc closes this.');
  openDialog(store, { kind: 'info', title: 'IOMMU is off', lines });
  store.setState({ flash: staged });
}

/** One staged intent per device and kind (a VF count per PF, an assignment per device+VM). */
export function intentKey(i: Intent): string {
  switch (i.kind) {
    case 'reserve':
    case 'release':
      return `vfio:${i.address}`;
    case 'vfs':
      return `vfs:${i.address}`;
    case 'assign':
      return `assign:${i.address}:${i.vmid}`;
    case 'unassign':
      return `unassign:${i.vmid}:${i.slot}`;
    default:
      return mappingIntentKey(i);
  }
}

export function currentDevice(store: AppStore) {
  const st = get(store);
  const row = selectRows(st)[selectCursorIndex(st)];
  if (row?.kind !== 'device') return null;
  return st.snapshot.devices.find((d) => d.address === row.address) ?? null;
}

/** space: reserve or release, asking first for shared and host-critical groups. */
export function toggleReserve(store: AppStore) {
  const st = get(store);
  const d = currentDevice(store);
  if (!d) return flash(store, 'Select a device (not a group) to reserve it for vfio-pci.');
  const staged = st.intents.find((i) => (i.kind === 'reserve' || i.kind === 'release') && i.address === d.address);
  if (staged) {
    store.setState({ intents: st.intents.filter((i) => i !== staged), flash: `Unstaged ${staged.kind} of ${d.address}.` });
    return;
  }
  if (d.isBridge) return flash(store, 'Bridges stay with the host.');
  // Reserved at boot (by id or by our address list), not merely bound to vfio-pci by a VM start.
  const reserved = reservedAtBoot(st.snapshot, d);
  if (reserved) return stage(store, [{ kind: 'release', address: d.address }], `Staged: release ${d.address} back to the host.`);
  const g = st.snapshot.groups.find((x) => x.id === d.iommuGroup);
  const members = g ? g.devices.filter((a) => !st.snapshot.devices.find((x) => x.address === a)?.isBridge) : [d.address];
  if (g?.isolation === 'host-critical') {
    const lost = st.snapshot.devices.filter((x) => g.devices.includes(x.address) && x.hostUses.length).flatMap((x) => x.hostUses.map((u) => `${x.address}: ${u}`));
    return openDialog(store, { kind: 'critical', address: d.address, groupId: g.id, lost, members, choice: 0, confirmed: false });
  }
  // Proxmox hands the whole group to vfio-pci at VM start: offer the rest of it (other
  // functions of a multi-function card, or other devices) unless already reserved or staged.
  const stagedNow = new Set(st.intents.filter((i) => i.kind === 'reserve').map((i) => (i as { address: string }).address));
  const others = members.filter((a) => a !== d.address && !stagedNow.has(a) && !reservedAtBoot(st.snapshot, st.snapshot.devices.find((x) => x.address === a)!));
  if (g && others.length) return openDialog(store, { kind: 'shared', address: d.address, groupId: g.id, members: [d.address, ...others], choice: 0, isolated: g.isolation === 'isolated' });
  stage(store, [{ kind: 'reserve', address: d.address }], `Staged: reserve ${d.address} for vfio-pci.`);
}

export function answerShared(store: AppStore, wholeGroup: boolean) {
  const dlg = get(store).dialog;
  if (dlg?.kind !== 'shared') return;
  const addrs = wholeGroup ? dlg.members : [dlg.address];
  openDialog(store, null);
  // One device alone from a shared group is an explicit override (the plan refuses it otherwise);
  // the functions of one card (isolated) need none.
  const force = !wholeGroup && !dlg.isolated;
  stage(store, addrs.map((address) => ({ kind: 'reserve' as const, address, ...(force ? { force } : {}) })), wholeGroup ? `Staged: reserve all ${addrs.length} devices of group ${dlg.groupId}.` : force ? `Staged with override: reserve ${dlg.address} only (the plan warns: the group goes together).` : `Staged: reserve ${dlg.address} only.`);
}

/** First "stage anyway" asks again; only the second one stages (with force). */
export function answerCritical(store: AppStore) {
  const dlg = get(store).dialog;
  if (dlg?.kind !== 'critical') return;
  if (!dlg.confirmed) return store.setState({ dialog: { ...dlg, confirmed: true, choice: 0 } });
  openDialog(store, null);
  stage(store, [{ kind: 'reserve', address: dlg.address, force: true }], `Staged with override: reserve ${dlg.address}; the host loses ${dlg.lost.length} thing(s).`);
}

export function openVfEditor(store: AppStore) {
  const d = currentDevice(store);
  if (!d) return flash(store, 'Select a physical function to set its VF count.');
  if (!d.sriov) return flash(store, d.physfn ? `This is a virtual function; select its PF ${d.physfn}.` : `${d.address} has no SR-IOV capability.`);
  const staged = get(store).intents.find((i) => i.kind === 'vfs' && i.address === d.address);
  openDialog(store, { kind: 'vfs', address: d.address, value: String(staged && staged.kind === 'vfs' ? staged.count : d.sriov.numVfs), total: d.sriov.totalVfs });
}

export function editVfValue(store: AppStore, edit: (v: string) => string) {
  const dlg = get(store).dialog;
  if (dlg?.kind !== 'vfs') return;
  const v = edit(dlg.value).replace(/[^0-9]/g, '').replace(/^0+(?=\d)/, '').slice(0, 4);
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
  openDialog(store, { kind: 'assign-options', address: dlg.address, vmid, options, focus: 0, ...(have ? { replaces: have.slot } : {}) });
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
  const add = assignIntents({ kind: 'assign', address: dlg.address, vmid: dlg.vmid, options: dlg.options }, dlg.replaces);
  stage(store, add, dlg.replaces ? `Staged: VM ${dlg.vmid}'s ${dlg.replaces} replaced by ${dlg.address} with these options.` : `Staged: ${dlg.address} to VM ${dlg.vmid}.`);
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
  store.setState({ intents, pendingCursor: Math.min(st.pendingCursor, Math.max(0, intents.length - 1)), flash: `Dropped: ${describeIntent(i)}.` });
}

export function describeIntent(i: Intent): string {
  switch (i.kind) {
    case 'reserve':
      return `reserve ${i.address} for vfio-pci${i.force ? ' (host-critical override)' : ''}`;
    case 'release':
      return `release ${i.address} to its host driver`;
    case 'vfs':
      return `set ${i.count} VFs on ${i.address}`;
    case 'assign':
      return `assign ${i.options.allFunctions ? slotOf(i.address) : i.address} to VM ${i.vmid}${i.options.pcie ? ', pcie' : ''}${i.options.xVga ? ', x-vga' : ''}${i.options.rombar ? '' : ', rombar=0'}`;
    case 'unassign':
      return `remove ${i.slot} from VM ${i.vmid}`;
    default:
      return describeMappingIntent(i);
  }
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
  stage(store, [intent], `Staged: ${describeIntent(intent)}${running ? ' (running: takes effect at its next start)' : ''}. p shows the diff.`);
}

export function togglePane(store: AppStore) {
  const st = get(store);
  store.setState({ pane: st.pane === 'tree' ? 'pending' : 'tree', pendingCursor: 0, pendingScroll: 0, flash: null });
}

export function requestCommit(store: AppStore) {
  const st = get(store);
  if (!st.intents.length) return flash(store, 'Nothing staged: space reserves, v sets VFs, a assigns to a VM.');
  const plan = selectPlan(st);
  if (plan.errors.length) {
    store.setState({ pane: 'pending' });
    return flash(store, `Cannot commit: ${plan.errors.length} blocking error(s) in the plan (shown below). Drop or change those items.`);
  }
  if (!plan.steps.length) return flash(store, 'The host already matches what is staged: nothing to commit.');
  openDialog(store, { kind: 'confirm', choice: 0 });
}

/**
 * Keys that arrive this soon after the result screen appears were typed during the run (or sat in
 * the terminal's buffer while it finished): they must not dismiss the backups and next steps.
 */
export const RESULT_GRACE_MS = 800;

export async function commit(store: AppStore): Promise<void> {
  const st = get(store);
  const plan = selectPlan(st);
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
  if (result.ok) {
    snapshot = await st.host.reread();
    intents = [];
  }
  store.setState({ snapshot, intents, dialog: { kind: 'result', result, readyAt: Date.now() + RESULT_GRACE_MS }, pane: 'tree' });
  // The cursor row may be gone after a re-read; keep it valid.
  const rows = selectRows(get(store));
  if (!rows.some((r) => r.id === get(store).cursorId)) store.setState({ cursorId: rows[0]?.id ?? null });
}

/** The interrupted-apply dialog's "Roll it back": the host port undoes it, then the host is read again. */
export async function rollbackInterrupted(store: AppStore): Promise<void> {
  const st = get(store);
  if (!st.host.rollback) return openDialog(store, null);
  openDialog(store, { kind: 'progress', steps: [{ text: 'put back what the interrupted apply changed', status: 'running' }] });
  const result = await st.host.rollback();
  const snapshot = await st.host.reread();
  store.setState({ snapshot, dialog: { kind: 'result', result, readyAt: Date.now() + RESULT_GRACE_MS }, pane: 'tree' });
}

export function requestQuit(store: AppStore) {
  if (get(store).intents.length) openDialog(store, { kind: 'quit', choice: 0 });
  else store.setState({ exiting: true });
}
