// The VF editor: the count (bounded by sriov_totalvfs, showing the VFs that will appear), and
// with Tab the settings of each VF (store/vf-settings.ts).
import { predictVfAddresses } from '../../model/address.ts';
import { vfsGoing } from '../../model/plan/sriov.ts';
import type { HostSnapshot, Intent, PciDevice } from '../../model/types.ts';
import { describeVfInfo, describeVfSettings } from '../../model/vf-settings.ts';
import type { Dialog } from '../../store/app-store.ts';
import { VF_FIELDS, vfDialogProblem, vfDialogSettings } from '../../store/vf-settings.ts';
import { T } from '../Styled.tsx';
import { Frame } from './Frame.tsx';

export function VfDialog({
  d,
  pf,
  snapshot,
  width,
}: {
  d: Extract<Dialog, { kind: 'vfs' }>;
  pf: PciDevice;
  snapshot: HostSnapshot;
  width: number;
}) {
  const n = Number(d.value || '0');
  const over = n > d.total;
  const addrs = predictVfAddresses(pf, Math.min(n, d.total));
  const list =
    n === 0
      ? 'none (SR-IOV off)'
      : addrs
        ? `${addrs.slice(0, 4).join(' ')}${addrs.length > 4 ? ` ... ${addrs.at(-1)}` : ''}`
        : `VF 0..${n - 1} (addresses chosen by the device)`;
  return (
    <Frame title={`Virtual functions: ${pf.address} ${pf.name}`} width={width}>
      <T>{`Count (0..${d.total}):  [ ${d.value || '0'} ]   now ${pf.sriov?.numVfs ?? 0} live`}</T>
      {over ? (
        <T c="red">{`Too many: this device has at most ${d.total} VFs.`}</T>
      ) : (
        <T wrap="wrap">{`Will appear: ${list}`}</T>
      )}
      {pf.sriov && pf.sriov.numVfs > 0 && n !== pf.sriov.numVfs && n > 0 && (
        <T c="yellow" wrap="wrap">
          Changing a live count goes through 0: every VF disappears for a moment.
        </T>
      )}
      {!over &&
        vfsGoing(snapshot, pf, n)
          .filter((g) => g.running.length)
          .map((g) => (
            <T
              key={g.address}
              c="red"
              wrap="wrap"
            >{`${g.address} is in use by running VM ${g.running.join(', ')}: shut it down first (the commit refuses).`}</T>
          ))}
      <T dim>digits or +/- to change, Enter to stage, Esc to cancel</T>
      <T dim>
        {n > 0 && !over
          ? `Tab: settings of these ${n} VFs (MAC, VLAN, trust, spoof check, link)`
          : 'Tab: the settings of each VF (MAC, VLAN, trust, spoof check, link)'}
      </T>
    </Frame>
  );
}

/** The settings page: one VF's fields, the focused one marked; what stops staging, in red. */
export function VfSettingsDialog({
  d,
  snapshot,
  intents,
  width,
}: {
  d: Extract<Dialog, { kind: 'vf-settings' }>;
  snapshot: HostSnapshot;
  intents: Intent[];
  width: number;
}) {
  const now = snapshot.vfInfo?.[d.address]?.vfs.find((v) => v.vf === d.vf);
  const pfDev = snapshot.devices.find((x) => x.address === d.address);
  const counted = intents.some((i) => i.kind === 'vfs' && i.address === d.address) ? 'staged' : 'live';
  const onOff = (b: boolean | null) => (b === null ? '(driver default)' : b ? 'on' : 'off');
  const values: Record<(typeof VF_FIELDS)[number], string> = {
    vf: `< ${d.vf} >  of ${d.count} ${d.typedCount !== undefined ? '(the count typed: Enter stages it too)' : `(the ${counted} count)`}`,
    mac: `${d.mac || '(leave as is)'}${d.offered ? '  (offered: locally administered, free)' : ''}`,
    vlan: `${d.vlan || '0'}${Number(d.vlan || '0') === 0 ? '  (none)' : ''}`,
    qos: d.qos || '0',
    trust: onOff(d.trust),
    spoofchk: onOff(d.spoofchk),
    state: d.state ?? '(driver default)',
  };
  const label: Record<(typeof VF_FIELDS)[number], string> = {
    vf: 'VF',
    mac: 'MAC',
    vlan: 'VLAN',
    qos: 'QoS',
    trust: 'Trust',
    spoofchk: 'Spoof check',
    state: 'Link state',
  };
  const problem = vfDialogProblem(snapshot, intents, d);
  const change = vfDialogSettings(snapshot, d);
  const vfAddr = pfDev?.virtfns[d.vf];
  return (
    <Frame title={`VF settings: ${d.address} VF ${d.vf}${vfAddr ? ` (${vfAddr})` : ''}`} width={width}>
      {VF_FIELDS.map((f, i) => (
        <T
          key={f}
          inverse={i === d.focus}
          bold={i === d.focus}
        >{`${i === d.focus ? '>' : ' '} ${label[f].padEnd(12)}${values[f]}`}</T>
      ))}
      <T dim wrap="wrap">
        {now
          ? `Now: ${describeVfInfo(now)}`
          : d.vf >= (pfDev?.sriov?.numVfs ?? 0)
            ? 'Now: not there yet (the new count creates it; the settings are set right after)'
            : 'Now: not read (ip -d -j link show)'}
      </T>
      {problem ? (
        <T c="red" wrap="wrap">{`Cannot stage: ${problem}`}</T>
      ) : (
        <T wrap="wrap">
          {Object.keys(change).length ? `Stages: ${describeVfSettings(change)}` : 'Nothing differs from now.'}
        </T>
      )}
      <T dim>Up/Down field, Left/Right VF or switch, type, Enter stage, Esc back</T>
    </Frame>
  );
}
