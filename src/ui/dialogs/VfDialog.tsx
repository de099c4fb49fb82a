// The VF count editor: bounded by sriov_totalvfs, showing the VFs that will appear.
import { predictVfAddresses } from '../../model/address.ts';
import { vfsGoing } from '../../model/plan/sriov.ts';
import type { HostSnapshot, PciDevice } from '../../model/types.ts';
import type { Dialog } from '../../store/app-store.ts';
import { T } from '../Styled.tsx';
import { Frame } from './Frame.tsx';

export function VfDialog({ d, pf, snapshot, width }: { d: Extract<Dialog, { kind: 'vfs' }>; pf: PciDevice; snapshot: HostSnapshot; width: number }) {
  const n = Number(d.value || '0');
  const over = n > d.total;
  const addrs = predictVfAddresses(pf, Math.min(n, d.total));
  const list = n === 0 ? 'none (SR-IOV off)' : addrs ? `${addrs.slice(0, 4).join(' ')}${addrs.length > 4 ? ` ... ${addrs.at(-1)}` : ''}` : `VF 0..${n - 1} (addresses chosen by the device)`;
  return (
    <Frame title={`Virtual functions: ${pf.address} ${pf.name}`} width={width}>
      <T>{`Count (0..${d.total}):  [ ${d.value || '0'} ]   now ${pf.sriov?.numVfs ?? 0} live`}</T>
      {over ? <T c="red">{`Too many: this device has at most ${d.total} VFs.`}</T> : <T wrap="wrap">{`Will appear: ${list}`}</T>}
      {pf.sriov && pf.sriov.numVfs > 0 && n !== pf.sriov.numVfs && n > 0 && <T c="yellow" wrap="wrap">Changing a live count goes through 0: every VF disappears for a moment.</T>}
      {!over &&
        vfsGoing(snapshot, pf, n)
          .filter((g) => g.running.length)
          .map((g) => <T key={g.address} c="red" wrap="wrap">{`${g.address} is in use by running VM ${g.running.join(', ')}: shut it down first (the commit refuses).`}</T>)}
      <T dim>digits or +/- to change, Enter to stage, Esc to cancel</T>
    </Frame>
  );
}
