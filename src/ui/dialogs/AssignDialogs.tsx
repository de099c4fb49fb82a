// Assign a device to a VM: pick the VM (ink-select-input), then the hostpci options.
import SelectInput from 'ink-select-input';
import { slotOf } from '../../model/address.ts';
import { assignFindings } from '../../model/staging.ts';
import type { AssignOptions, HostSnapshot, Intent } from '../../model/types.ts';
import { isQ35 } from '../../model/vmconf.ts';
import type { Dialog } from '../../store/app-store.ts';
import { ASSIGN_OPTIONS } from '../../store/actions.ts';
import { mappingsHolding } from '../../store/mappings.ts';
import { T, fit, useLook } from '../Styled.tsx';
import { Frame } from './Frame.tsx';

/** The list pointer, ASCII when glyphs are off (ink-select-input's own is always '❯'). */
function Pointer({ isSelected }: { isSelected?: boolean }) {
  const { ascii } = useLook();
  return <T c="cyan">{isSelected ? `${ascii ? '>' : '❯'} ` : '  '}</T>;
}

export function AssignVmDialog({
  snap,
  address,
  width,
  height,
  onPick,
}: {
  snap: HostSnapshot;
  address: string;
  width: number;
  height: number;
  onPick: (vmid: number) => void;
}) {
  const items = snap.vms.map((v) => ({
    key: String(v.vmid),
    value: v.vmid,
    label:
      fit(`${v.vmid} ${v.name ?? '(no name)'}`, 22) +
      fit(` ${v.running ? 'running' : 'stopped'}`, 9) +
      fit(` ${v.machine ?? 'i440fx'}`, 15) +
      ` ${v.bios ?? 'seabios'}`,
  }));
  return (
    <Frame title={`Assign ${address} to which VM? (Enter picks, Esc cancels)`} width={width}>
      <T dim>{fit('   VMID name              state    machine        bios', width - 4)}</T>
      <SelectInput
        items={items}
        limit={Math.max(3, height - 6)}
        onSelect={(it) => onPick(it.value)}
        indicatorComponent={Pointer}
      />
    </Frame>
  );
}

export function AssignOptionsDialog({
  d,
  snap,
  intents,
  width,
}: {
  d: Extract<Dialog, { kind: 'assign-options' }>;
  snap: HostSnapshot;
  intents: Intent[];
  width: number;
}) {
  const vm = snap.vms.find((v) => v.vmid === d.vmid)!;
  // What each option does here, as facts; what is risky about it the planner says below.
  const note: Partial<Record<keyof AssignOptions, string>> = {
    allFunctions: d.options.allFunctions ? `passes ${slotOf(d.address)} (every function)` : `only ${d.address}`,
    pcie: `VM is ${isQ35(vm) ? 'q35' : (vm.machine ?? 'i440fx')}`,
    xVga: 'the card becomes the VM display',
  };
  const mappings = mappingsHolding(snap, intents, d.address);
  const existing = d.replaces ? vm.hostpci.find((h) => `hostpci${h.index}` === d.replaces) : undefined;
  const findings = assignFindings(
    snap,
    intents,
    { kind: 'assign', address: d.address, vmid: d.vmid, options: d.options },
    d.replaces,
  );
  return (
    <Frame title={`${d.address} -> VM ${vm.vmid} ${vm.name ?? ''}`} width={width}>
      {ASSIGN_OPTIONS.map((o, i) => (
        <T key={o.key} inverse={i === d.focus}>
          {fit(`${i + 1} [${d.options[o.key] ? 'x' : ' '}] ${o.label}`, 26) + (note[o.key] ? ` ${note[o.key]}` : '')}
        </T>
      ))}
      {mappings.length > 0 && (
        <T c={d.viaMapping ? 'cyan' : undefined}>
          {fit(
            `m ${d.viaMapping ? `through mapping '${d.viaMapping}' (hostpciN: mapping=${d.viaMapping})` : `by address; m: through mapping ${mappings.map((n) => `'${n}'`).join(', ')}`}`,
            width - 4,
          )}
        </T>
      )}
      {existing && (
        <T
          c="cyan"
          wrap="wrap"
        >{`VM ${vm.vmid} already has it as ${d.replaces}: ${existing.raw}. Enter replaces that line with these options (never a second one).`}</T>
      )}
      {findings.map((f) => (
        <T
          key={`${f.where}${f.message}`}
          c={f.severity === 'error' ? 'red' : 'yellow'}
          wrap="wrap"
        >{`${f.severity}: ${f.where}: ${f.message}`}</T>
      ))}
      <T
        dim
        wrap="wrap"
      >{`space/1-4 toggle, j/k move,${mappings.length ? ' m mapping,' : ''} Enter stages, Esc back to the VM list`}</T>
    </Frame>
  );
}
