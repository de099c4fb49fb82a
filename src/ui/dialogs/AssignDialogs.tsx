// Assign a device to a VM: pick the VM (ink-select-input), then the hostpci options.
import SelectInput from 'ink-select-input';
import type { HostSnapshot } from '../../model/types.ts';
import type { Dialog } from '../../store/app-store.ts';
import { ASSIGN_OPTIONS } from '../../store/actions.ts';
import { T, fit, useLook } from '../Styled.tsx';
import { Frame } from './Frame.tsx';

/** The list pointer, ASCII when glyphs are off (ink-select-input's own is always '❯'). */
function Pointer({ isSelected }: { isSelected?: boolean }) {
  const { ascii } = useLook();
  return <T c="cyan">{isSelected ? `${ascii ? '>' : '❯'} ` : '  '}</T>;
}

export function AssignVmDialog({ snap, address, width, height, onPick }: { snap: HostSnapshot; address: string; width: number; height: number; onPick: (vmid: number) => void }) {
  const items = snap.vms.map((v) => ({
    key: String(v.vmid),
    value: v.vmid,
    label: fit(`${v.vmid} ${v.name ?? '(no name)'}`, 22) + fit(` ${v.running ? 'running' : 'stopped'}`, 9) + fit(` ${v.machine ?? 'i440fx'}`, 15) + ` ${v.bios ?? 'seabios'}`,
  }));
  return (
    <Frame title={`Assign ${address} to which VM? (Enter picks, Esc cancels)`} width={width}>
      <T dim>{fit('   VMID name              state    machine        bios', width - 4)}</T>
      <SelectInput items={items} limit={Math.max(3, height - 6)} onSelect={(it) => onPick(it.value)} indicatorComponent={Pointer} />
    </Frame>
  );
}

export function AssignOptionsDialog({ d, snap, width }: { d: Extract<Dialog, { kind: 'assign-options' }>; snap: HostSnapshot; width: number }) {
  const vm = snap.vms.find((v) => v.vmid === d.vmid)!;
  const dev = snap.devices.find((x) => x.address === d.address)!;
  const warnings: string[] = [];
  if (vm.running) warnings.push('VM is running: takes effect at its next start');
  if (!/q35/.test(vm.machine ?? '')) warnings.push(`machine ${vm.machine ?? 'i440fx'}${d.options.pcie ? ': will be switched to q35' : ''}`);
  if (!vm.bios || vm.bios === 'seabios') warnings.push('SeaBIOS: OVMF recommended');
  for (const u of dev.usedBy.filter((u) => u.vmid !== vm.vmid)) warnings.push(`already used by VM ${u.vmid}${u.running ? ' (running)' : ''}`);
  return (
    <Frame title={`${d.address} -> VM ${vm.vmid} ${vm.name ?? ''}`} width={width}>
      {ASSIGN_OPTIONS.map((o, i) => (
        <T key={o.key} inverse={i === d.focus}>{`${i + 1} [${d.options[o.key] ? 'x' : ' '}] ${o.label}`}</T>
      ))}
      {warnings.map((w) => (
        <T key={w} c="yellow" wrap="wrap">{`! ${w}`}</T>
      ))}
      <T dim>space/1-4 toggle, Enter to stage, Esc back to the VM list</T>
    </Frame>
  );
}
