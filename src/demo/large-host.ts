// A large server, generated deterministically: dual-socket, many dual-port NICs with SR-IOV
// VFs, NVMe drives, GPUs, and many VMs referencing some of them. Sized by function count so
// tests use ~400 functions and benchmarks ~2,000.
import { guidePciIds } from './guide-host.ts';
import type { DeviceSpec, HostSpec } from '../host/host-tree.ts';

export function largeHost(opts: { functions: number; vms: number }): HostSpec {
  const devices: DeviceSpec[] = [
    { addr: '0000:00:00.0', vendor: '8086', device: '3e30', cls: '060000', driver: null, group: 0 },
    { addr: '0000:00:1f.6', vendor: '8086', device: '15bb', cls: '020000', driver: 'e1000e', group: 1, net: ['eno1'] },
  ];
  let count = devices.length;
  let group = 2;
  let bus = 1;
  let vfGroup = 100_000;
  for (let i = 0; count < opts.functions; i++) {
    const domain = Math.floor(bus / 250)
      .toString(16)
      .padStart(4, '0');
    const b = ((bus % 250) + 1).toString(16).padStart(2, '0');
    bus++;
    const port = `${domain}:00:${((i % 30) + 1).toString(16).padStart(2, '0')}.0`;
    if (!devices.some((d) => d.addr === port)) {
      devices.push({ addr: port, vendor: '8086', device: '1901', cls: '060400', driver: 'pcieport', group });
      count++;
    }
    const kind = i % 5;
    const numa = i % 2;
    if (kind < 3) {
      // Dual-port ConnectX-5 with 8 VFs live on port 0.
      for (const fn of [0, 1]) {
        devices.push({
          addr: `${domain}:${b}:00.${fn}`,
          vendor: '15b3',
          device: '1017',
          cls: '020000',
          sub: ['15b3', '0007'],
          driver: 'mlx5_core',
          group,
          parent: port,
          numa,
          reset: 'flr',
          link: ['8.0 GT/s PCIe', '8'],
          net: [`enp${bus}s0f${fn}np${fn}`],
          sriov: {
            total: 16,
            num: fn === 0 ? 8 : 0,
            vfDevice: '1018',
            vfDriver: fn === 0 ? 'mlx5_core' : null,
            offset: fn === 0 ? 2 : 9,
            firstGroup: vfGroup,
          },
        });
        vfGroup += 16;
        count += fn === 0 ? 9 : 1;
      }
    } else if (kind === 3) {
      devices.push({
        addr: `${domain}:${b}:00.0`,
        vendor: '144d',
        device: 'a80a',
        cls: '010802',
        sub: ['144d', 'a801'],
        driver: 'nvme',
        group,
        parent: port,
        numa,
        reset: 'flr',
        link: ['16.0 GT/s PCIe', '4'],
      });
      count++;
    } else {
      devices.push({
        addr: `${domain}:${b}:00.0`,
        vendor: '10de',
        device: '1b80',
        cls: '030000',
        sub: ['1458', '3702'],
        driver: 'vfio-pci',
        group,
        parent: port,
        numa,
        reset: 'bus',
      });
      devices.push({
        addr: `${domain}:${b}:00.1`,
        vendor: '10de',
        device: '10f0',
        cls: '040300',
        sub: ['1458', '3702'],
        driver: 'vfio-pci',
        group,
        parent: port,
        numa,
      });
      count += 2;
    }
    group++;
  }
  const gpus = devices.filter((d) => d.vendor === '10de' && d.addr.endsWith('.0'));
  const vms: Record<number, string> = {};
  const running: number[] = [];
  for (let i = 0; i < opts.vms; i++) {
    const vmid = 1000 + i;
    const gpu = gpus[i % Math.max(1, gpus.length)];
    const pci = gpu && i < gpus.length ? `hostpci0: ${gpu.addr.slice(0, -2)},pcie=1,x-vga=1\n` : '';
    vms[vmid] =
      `bios: ovmf\ncores: 4\nefidisk0: local-zfs:vm-${vmid}-disk-1,efitype=4m,size=1M\n${pci}machine: q35\nmemory: 8192\nname: vm${vmid}\nnet0: virtio=BC:24:11:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}:00,bridge=vmbr0\nostype: l26\nscsi0: local-zfs:vm-${vmid}-disk-0,size=32G\n`;
    if (i % 3 === 0) running.push(vmid);
  }
  return {
    hostname: 'big',
    cpu: 'intel',
    cmdline:
      'BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=ZFS=rpool/ROOT/pve-1 ro boot=zfs quiet intel_iommu=on iommu=pt',
    devices,
    // VT-d on: the firmware's DMAR table and the kernel's unit (the reader lists sys/class/iommu only).
    iommuUnit: { name: 'dmar0' },
    files: {
      'sys/firmware/acpi/tables/DMAR': 'DMAR\x50\x00\x00\x00\x01\x3fDELL  ',
      'etc/kernel/cmdline': 'root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet intel_iommu=on iommu=pt\n',
      'etc/kernel/proxmox-boot-uuids': 'AAAA-BBBB\n',
      'etc/modules-load.d/vfio.conf': 'vfio\nvfio_iommu_type1\nvfio_pci\n',
      'etc/modprobe.d/vfio.conf':
        'options vfio-pci ids=10de:1b80,10de:10f0\nsoftdep nouveau pre: vfio-pci\nsoftdep snd_hda_intel pre: vfio-pci\n',
      'etc/network/interfaces':
        'auto vmbr0\niface vmbr0 inet static\n\taddress 10.1.0.2/16\n\tgateway 10.1.0.1\n\tbridge-ports eno1\n',
      'proc/mounts': 'rpool/ROOT/pve-1 / zfs rw 0 0\n',
    },
    vms,
    running,
    commands: {
      'zpool status -P': { stdout: '' },
      'pvs --noheadings -o pv_name,vg_name': { stdout: '' },
      dmesg: { stdout: 'DMAR-IR: Enabled IRQ remapping in x2apic mode\n' },
    },
    pciIds: guidePciIds,
  };
}
