// The VF editor's second page: the settings of one VF (MAC, VLAN, QoS, trust, spoof check, link
// state), opened with Tab from the count. The fields start from what the PF's driver reports,
// with any staged settings over them; a VF without a MAC is offered the locally administered
// one the planner offers. Enter stages only what differs from the live values.
import { offeredVfMac, vfSettingsProblem } from '../model/plan/vf-settings.ts';
import type { HostSnapshot, Intent, VfLinkState, VfSettings } from '../model/types.ts';
import { LINK_STATES, macsInUse, normalizeMac, settingsOfInfo, vfCountAfter, ZERO_MAC } from '../model/vf-settings.ts';
import { describeIntent, intentKey, withIntents } from '../model/staging.ts';
import { flash, openDialog } from './dialogs.ts';
import type { AppStore, Dialog } from './app-store.ts';

export type VfSettingsDialog = Extract<Dialog, { kind: 'vf-settings' }>;

/** The fields, top to bottom (focus indexes). */
export const VF_FIELDS = ['vf', 'mac', 'vlan', 'qos', 'trust', 'spoofchk', 'state'] as const;

const live = (snap: HostSnapshot, pf: string, vf: number) => snap.vfInfo?.[pf]?.vfs.find((v) => v.vf === vf) ?? null;

/** The staged intents with the dialog's typed count in them (the page is about that count). */
export function withTypedCount(intents: Intent[], d: { address: string; typedCount?: number }): Intent[] {
  return d.typedCount === undefined
    ? intents
    : withIntents(intents, [{ kind: 'vfs', address: d.address, count: d.typedCount }]);
}

/** The dialog for VF `vf` of `pf`: live values, staged ones over them, the offered MAC if none. */
function fieldsFor(
  snap: HostSnapshot,
  intents: Intent[],
  pf: string,
  vf: number,
  count: number,
  focus: number,
  typedCount?: number,
): VfSettingsDialog {
  const now = live(snap, pf, vf);
  const staged =
    intents.find(
      (i): i is Extract<Intent, { kind: 'vf-settings' }> => i.kind === 'vf-settings' && i.address === pf && i.vf === vf,
    )?.settings ?? {};
  const s: VfSettings = { ...(now ? settingsOfInfo(now) : {}), ...staged };
  const hasMac = s.mac !== undefined && s.mac !== ZERO_MAC;
  return {
    kind: 'vf-settings',
    address: pf,
    vf,
    count,
    ...(typedCount === undefined ? {} : { typedCount }),
    focus,
    mac: hasMac ? s.mac! : offeredVfMac(snap, pf, vf, withTypedCount(intents, { address: pf, typedCount })),
    offered: !hasMac,
    vlan: String(s.vlan ?? 0),
    qos: String(s.qos ?? 0),
    trust: s.trust ?? null,
    spoofchk: s.spoofchk ?? null,
    state: s.state ?? null,
  };
}

/**
 * Tab in the count editor: the first VF's settings, of the count typed there when it differs
 * from the staged or live one (not staged yet: Enter on the settings stages it with them), else
 * of the staged or live count.
 */
export function openVfSettings(store: AppStore) {
  const st = store.getState();
  const d = st.dialog;
  if (d?.kind !== 'vfs') return;
  const pf = st.snapshot.devices.find((x) => x.address === d.address);
  if (!pf) return;
  const current = vfCountAfter(pf, st.intents);
  const typed = d.value === '' ? current : Number(d.value);
  if (typed > d.total) return flash(store, `At most ${d.total} VFs on this device: correct the count first.`);
  if (!typed)
    return flash(
      store,
      current
        ? `The count typed is 0: no VFs to set (Enter stages 0, Backspace and a number keep some).`
        : `${pf.address} has no VFs yet: type a count first, then Tab.`,
    );
  if (!pf.netInterfaces.length)
    return flash(
      store,
      `${pf.address} has no network interface (driver ${pf.driver ?? 'none'}): VF settings go through it.`,
    );
  openDialog(store, fieldsFor(st.snapshot, st.intents, pf.address, 0, typed, 1, typed !== current ? typed : undefined));
}

export function moveVfField(store: AppStore, delta: number) {
  const d = store.getState().dialog;
  if (d?.kind !== 'vf-settings') return;
  store.setState({ dialog: { ...d, focus: (d.focus + delta + VF_FIELDS.length) % VF_FIELDS.length } });
}

/** ← / → (and space on a switch): the VF, a switch, the link state. */
export function changeVfField(store: AppStore, delta: number) {
  const st = store.getState();
  const d = st.dialog;
  if (d?.kind !== 'vf-settings') return;
  const field = VF_FIELDS[d.focus];
  if (field === 'vf') {
    const vf = (d.vf + delta + d.count) % d.count;
    return store.setState({
      dialog: fieldsFor(st.snapshot, st.intents, d.address, vf, d.count, d.focus, d.typedCount),
    });
  }
  if (field === 'trust' || field === 'spoofchk')
    return store.setState({ dialog: { ...d, [field]: !(d[field] ?? false) } });
  if (field === 'state') {
    const at = d.state ? LINK_STATES.indexOf(d.state) : -1;
    return store.setState({
      dialog: { ...d, state: LINK_STATES[(at + delta + LINK_STATES.length) % LINK_STATES.length] as VfLinkState },
    });
  }
}

/** Typed text: into the MAC (hex and ':'), VLAN or QoS (digits); space flips a switch. */
export function typeVfField(store: AppStore, ch: string) {
  const d = store.getState().dialog;
  if (d?.kind !== 'vf-settings') return;
  const field = VF_FIELDS[d.focus];
  if (ch === ' ' && (field === 'trust' || field === 'spoofchk' || field === 'state' || field === 'vf'))
    return changeVfField(store, 1);
  if (field === 'mac' && /^[0-9a-fA-F:]$/.test(ch)) {
    // The offered MAC is replaced by the first key typed, not appended to.
    const mac = (d.offered ? '' : d.mac) + ch.toLowerCase();
    return store.setState({ dialog: { ...d, mac: mac.slice(0, 17), offered: false } });
  }
  if ((field === 'vlan' || field === 'qos') && /^[0-9]$/.test(ch))
    store.setState({ dialog: { ...d, [field]: `${d[field] === '0' ? '' : d[field]}${ch}`.slice(0, 5) } });
}

export function eraseVfField(store: AppStore) {
  const d = store.getState().dialog;
  if (d?.kind !== 'vf-settings') return;
  const field = VF_FIELDS[d.focus];
  if (field === 'mac') store.setState({ dialog: { ...d, mac: d.offered ? '' : d.mac.slice(0, -1), offered: false } });
  else if (field === 'vlan' || field === 'qos') store.setState({ dialog: { ...d, [field]: d[field].slice(0, -1) } });
}

/** The settings the dialog would stage: what differs from the live values (an empty MAC: none). */
export function vfDialogSettings(snap: HostSnapshot, d: VfSettingsDialog): VfSettings {
  const now = live(snap, d.address, d.vf);
  const base: VfSettings = now ? settingsOfInfo(now) : {};
  const want: VfSettings = {
    ...(d.mac ? { mac: normalizeMac(d.mac) ?? d.mac } : {}),
    vlan: Number(d.vlan || '0'),
    qos: Number(d.qos || '0'),
    ...(d.trust === null ? {} : { trust: d.trust }),
    ...(d.spoofchk === null ? {} : { spoofchk: d.spoofchk }),
    ...(d.state === null ? {} : { state: d.state }),
  };
  const out: VfSettings = {};
  for (const k of Object.keys(want) as Array<keyof VfSettings>)
    if (want[k] !== base[k]) (out as Record<string, unknown>)[k] = want[k];
  // VLAN and QoS go together (ip takes qos only after vlan).
  if (out.vlan !== undefined || out.qos !== undefined) Object.assign(out, { vlan: want.vlan, qos: want.qos });
  return out;
}

/** What stops the dialog's settings (the planner's own checks, plus a MAC in use), or null. */
export function vfDialogProblem(snap: HostSnapshot, intents: Intent[], d: VfSettingsDialog): string | null {
  const settings = vfDialogSettings(snap, d);
  if (!Object.keys(settings).length) return null;
  const i: Intent = { kind: 'vf-settings', address: d.address, vf: d.vf, settings };
  const all = withTypedCount(intents, d);
  const why = vfSettingsProblem(snap, i, all);
  if (why) return why;
  if (settings.qos && !settings.vlan) return 'QoS needs a VLAN (it is the priority bits of the tag)';
  const who = settings.mac ? macsInUse(snap, d.address, d.vf, all).get(settings.mac) : undefined;
  return who ? `MAC ${settings.mac} is already used by ${who}` : null;
}

/** Enter: stage what changes (replacing this VF's staged settings), or say nothing does. */
export function confirmVfSettings(store: AppStore) {
  const st = store.getState();
  const d = st.dialog;
  if (d?.kind !== 'vf-settings') return;
  const why = vfDialogProblem(st.snapshot, st.intents, d);
  if (why) return flash(store, `Not staged: ${why}.`);
  const settings = vfDialogSettings(st.snapshot, d);
  const key = `vf-settings:${d.address}/${d.vf}`;
  // The count typed in the editor is staged with the settings (they are about it).
  const count: Intent[] = d.typedCount === undefined ? [] : [{ kind: 'vfs', address: d.address, count: d.typedCount }];
  const rest = withTypedCount(st.intents, d).filter((i) => intentKey(i) !== key);
  const also = count.map((c) => `${describeIntent(c)}; `).join('');
  openDialog(store, null);
  if (!Object.keys(settings).length)
    return store.setState({
      intents: rest,
      flash: `${also ? `Staged: ${also}` : ''}VF ${d.vf} of ${d.address} keeps its settings: nothing ${also ? 'else ' : ''}staged.`,
    });
  const intent: Intent = { kind: 'vf-settings', address: d.address, vf: d.vf, settings };
  store.setState({ intents: [...rest, intent], flash: `Staged: ${also}${describeIntent(intent)}.` });
}

/** Esc: back to the count. */
export function backToVfCount(store: AppStore) {
  const st = store.getState();
  const d = st.dialog;
  if (d?.kind !== 'vf-settings') return;
  const pf = st.snapshot.devices.find((x) => x.address === d.address);
  openDialog(store, {
    kind: 'vfs',
    address: d.address,
    value: String(d.typedCount ?? (pf ? vfCountAfter(pf, st.intents) : d.count)),
    total: pf?.sriov?.totalVfs ?? d.count,
  });
}
