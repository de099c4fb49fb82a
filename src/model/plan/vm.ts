// Device-to-VM assignments through `qm set` (the supported writer, which takes the VM lock):
// one command per VM with every change for it, the first free hostpci slot, q35 when
// PCI-Express is asked for, and the exact config diff the command produces.
import { idMatches, slotOf } from '../address.ts';
import { describeAssignment, findAssignment } from '../assigned.ts';
import type { AssignOptions, HostpciEntry, HostSnapshot, Intent, PciDevice, VmConfig } from '../types.ts';
import { MAX_HOSTPCI, hostpciEntries, isQ35, parseHostpci, parseVmConf } from '../vmconf.ts';
import type { PlanBuilder } from './builder.ts';
import { resolveMapping } from '../mapping-nodes.ts';
import { plannedMappings } from './mapping.ts';
import { applyQmSet, qmSetArgv, type QmSetArgs } from './qm-set.ts';

export function hostpciValue(d: PciDevice, o: AssignOptions): string {
  const parts = [o.allFunctions ? slotOf(d.address) : d.address];
  if (o.pcie) parts.push('pcie=1');
  if (o.xVga) parts.push('x-vga=1');
  if (!o.rombar) parts.push('rombar=0');
  return parts.join(',');
}

export function planVmChanges(snap: HostSnapshot, intents: Intent[], b: PlanBuilder): void {
  const perVm = new Map<number, { args: QmSetArgs; used: Set<number>; reasons: string[]; entries: HostpciEntry[] }>();
  const work = (vm: VmConfig) => {
    let w = perVm.get(vm.vmid);
    if (!w) {
      const doc = parseVmConf(b.read(vm.path) ?? '').doc;
      const entries = [...hostpciEntries(doc), ...hostpciEntries(doc, 'PENDING')];
      w = { args: { set: [], delete: [] }, used: new Set(entries.map((h) => h.index)), reasons: [], entries };
      perVm.set(vm.vmid, w);
    }
    return w;
  };
  // Lines this plan removes, whatever the order of the intents: a device may move into their place.
  const removing = (vmid: number, slot: string) =>
    intents.some((i) => i.kind === 'unassign' && i.vmid === vmid && i.slot === slot);

  for (const i of intents) {
    if (i.kind === 'assign-mapping') {
      assignMapping(snap, i, b, work);
      continue;
    }
    if (i.kind !== 'assign' && i.kind !== 'unassign') continue;
    const vm = snap.vms.find((v) => v.vmid === i.vmid);
    if (!vm) {
      b.error(`VM ${i.vmid}`, 'no such VM on this node');
      continue;
    }
    if (i.kind === 'unassign') {
      const m = /^hostpci(\d+)$/.exec(i.slot);
      if (!m || !vm.hostpci.some((h) => h.index === Number(m[1]))) {
        b.error(`VM ${vm.vmid}`, `${i.slot} is not set`);
        continue;
      }
      const w = work(vm);
      w.args.delete.push(i.slot);
      w.reasons.push(`remove ${i.slot}`);
      continue;
    }
    const d = snap.devices.find((x) => x.address === i.address);
    if (!d) {
      b.error(i.address, 'no such PCI device on this host');
      continue;
    }
    const value = hostpciValue(d, i.options);
    const same = vm.hostpci.find((h) => h.hosts.some((id) => idMatches(id, d.address)) && h.raw === value);
    if (same && !removing(vm.vmid, `hostpci${same.index}`)) continue; // already true
    const w = work(vm);
    // The VM (as this plan leaves it so far) must not have the device already: QEMU refuses a
    // device twice, and the VM would not start.
    const kept = w.entries.filter((h) => !removing(vm.vmid, `hostpci${h.index}`));
    const have = findAssignment(vm.vmid, kept, d.address, {
      allFunctions: i.options.allFunctions,
      mappings: snap.mappings,
      node: snap.nodeName,
    });
    if (have) {
      b.error(
        `VM ${vm.vmid}`,
        `cannot add ${i.options.allFunctions ? slotOf(d.address) : d.address} again: ${describeAssignment(have)}. A device can be in a VM only once (the VM would not start): change ${have.slot}'s options instead, or remove ${have.slot} first`,
      );
      continue;
    }
    let slot = 0;
    while (w.used.has(slot) && slot < MAX_HOSTPCI) slot++;
    if (slot >= MAX_HOSTPCI) {
      b.error(`VM ${vm.vmid}`, `all ${MAX_HOSTPCI} hostpci slots are in use`);
      continue;
    }
    w.used.add(slot);
    w.entries.push(parseHostpci(slot, value));
    w.args.set.push([`hostpci${slot}`, value]);
    w.reasons.push(`pass ${d.address} as hostpci${slot}`);
    warnAssign(snap, vm, d, i.options, b);
    if (i.options.pcie && !isQ35(vm) && !w.args.set.some(([k]) => k === 'machine')) {
      w.args.set.push(['machine', 'q35']);
      b.warn(
        `VM ${vm.vmid}`,
        `machine type changes from ${vm.machine ?? 'i440fx (default)'} to q35 for PCI-Express: the guest sees new hardware (Windows may need drivers re-detected)`,
      );
    }
  }

  for (const [vmid, w] of perVm) {
    if (!w.args.set.length && !w.args.delete.length) continue;
    const vm = snap.vms.find((v) => v.vmid === vmid)!;
    const after = applyQmSet(b.read(vm.path) ?? '', w.args, vm.running);
    b.commandEdit(
      qmSetArgv(vmid, w.args),
      vm.path,
      after,
      `VM ${vmid}${vm.name ? ` (${vm.name})` : ''}: ${w.reasons.join(', ')}`,
    );
    if (vm.running)
      b.warn(`VM ${vmid}`, 'VM is running: the change is queued in [PENDING] and takes effect at its next start');
  }
}

/** `hostpciN: mapping=NAME,...`: the mapping must exist once this plan's pvesh calls ran. */
function assignMapping(
  snap: HostSnapshot,
  i: Extract<Intent, { kind: 'assign-mapping' }>,
  b: PlanBuilder,
  work: (vm: VmConfig) => { args: QmSetArgs; used: Set<number>; reasons: string[]; entries: HostpciEntry[] },
) {
  const vm = snap.vms.find((v) => v.vmid === i.vmid);
  if (!vm) return b.error(`VM ${i.vmid}`, 'no such VM on this node');
  const m = plannedMappings(b).find((x) => x.id === i.name);
  if (!m)
    return b.error(
      `VM ${vm.vmid}`,
      `no mapping '${i.name}' (create it with --mapping ${i.name}=ADDR, or in Datacenter > Resource Mappings)`,
    );
  const value = [
    `mapping=${i.name}`,
    ...(i.options.pcie ? ['pcie=1'] : []),
    ...(i.options.xVga ? ['x-vga=1'] : []),
    ...(i.options.rombar ? [] : ['rombar=0']),
  ].join(',');
  const w = work(vm);
  const same = w.entries.find((h) => h.mapping === i.name);
  if (same?.raw === value) return; // already true
  if (same)
    return b.error(
      `VM ${vm.vmid}`,
      `hostpci${same.index} already uses mapping '${i.name}' (${same.raw}): change or remove that line instead`,
    );
  let slot = 0;
  while (w.used.has(slot) && slot < MAX_HOSTPCI) slot++;
  if (slot >= MAX_HOSTPCI) return b.error(`VM ${vm.vmid}`, `all ${MAX_HOSTPCI} hostpci slots are in use`);
  w.used.add(slot);
  w.entries.push(parseHostpci(slot, value));
  w.args.set.push([`hostpci${slot}`, value]);
  w.reasons.push(`pass mapping '${i.name}' as hostpci${slot}`);
  const here = resolveMapping(snap, m).find((r) => r.node === snap.nodeName);
  if (!here || here.state === 'none')
    b.warn(
      `VM ${vm.vmid}`,
      `mapping '${i.name}' has no device on this node (${snap.nodeName}): the VM cannot start here until one is added`,
    );
  else if (here.state === 'broken')
    b.warn(
      `VM ${vm.vmid}`,
      `mapping '${i.name}' does not resolve on ${snap.nodeName} (${here.problems.join('; ')}): Proxmox refuses to start the VM`,
    );
  // A pool hands the VM the first free member at start: warn about one no other VM uses, if any.
  const members = (here?.devices ?? []).map((a) => snap.devices.find((x) => x.address === a)).filter((x) => !!x);
  const d = members.find((x) => !x.usedBy.some((u) => u.vmid !== vm.vmid)) ?? members[0];
  if (d) warnAssign(snap, vm, d, { ...i.options, allFunctions: false }, b);
  if (i.options.pcie && !isQ35(vm) && !w.args.set.some(([k]) => k === 'machine')) {
    w.args.set.push(['machine', 'q35']);
    b.warn(
      `VM ${vm.vmid}`,
      `machine type changes from ${vm.machine ?? 'i440fx (default)'} to q35 for PCI-Express: the guest sees new hardware (Windows may need drivers re-detected)`,
    );
  }
}

function warnAssign(snap: HostSnapshot, vm: VmConfig, d: PciDevice, o: AssignOptions, b: PlanBuilder) {
  const where = `VM ${vm.vmid}`;
  for (const u of d.usedBy.filter((u) => u.vmid !== vm.vmid)) {
    b.warn(
      d.address,
      `already used by VM ${u.vmid} (${u.slot}${u.running ? ', running' : ''}): only one of them can start`,
    );
  }
  if (d.isBridge) b.error(d.address, 'a bridge cannot be passed through');
  if (!isQ35(vm) && !o.pcie)
    b.warn(where, `machine is ${vm.machine ?? 'i440fx (default)'}: PCI-Express passthrough needs q35`);
  // A GPU under SeaBIOS needs a legacy VGA ROM and often shows nothing; a NIC, VF or HBA does not care.
  if ((!vm.bios || vm.bios === 'seabios') && d.classId.startsWith('03'))
    b.warn(
      where,
      'SeaBIOS: a GPU is best passed to an OVMF (UEFI) VM; under SeaBIOS it needs a legacy VGA ROM and often shows nothing',
    );
  if (vm.bios === 'ovmf' && !vm.hasEfidisk)
    b.warn(where, 'OVMF without an efidisk0: UEFI settings are not kept across restarts');
  if (o.xVga && !d.classId.startsWith('03'))
    b.warn(d.address, 'x-vga (primary GPU) set on a device that is not a display controller');
  if (d.sriov && d.sriov.numVfs > 0)
    b.warn(d.address, `passing the physical function removes its ${d.sriov.numVfs} VFs from the host`);
  const g = snap.groups.find((x) => x.id === d.iommuGroup);
  if (g?.isolation === 'host-critical') {
    const lost = snap.devices.filter((x) => g.devices.includes(x.address) && x.hostUses.length);
    b.error(
      d.address,
      `IOMMU group ${g.id} is host-critical: starting VM ${vm.vmid} would take ${lost.map((x) => `${x.address} (${x.hostUses.join('; ')})`).join(', ')} from the host`,
    );
  } else if (g?.isolation === 'shared') {
    const others = g.devices.filter(
      (a) => slotOf(a) !== slotOf(d.physfn ?? d.address) && !snap.devices.find((x) => x.address === a)?.isBridge,
    );
    b.warn(
      d.address,
      `IOMMU group ${g.id} is shared: starting VM ${vm.vmid} also takes ${others.join(', ')} from the host`,
    );
  }
  if (!snap.iommu.enabled) b.warn(d.address, 'IOMMU is off: the VM cannot start with this device until it is on');
}
