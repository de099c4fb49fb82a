// A node "configured by hand" (issue 10): the passthrough set-up a new user already has before
// running this program, written the way admins write it from wikis and forum posts. It is
// test/fixtures/by-hand. What each part models:
//
// - CPU and IOMMU: an AMD Ryzen board with the IOMMU on by default. The kernel command line has
//   no amd_iommu= flag at all (none is needed; `amd_iommu=on` is not even a kernel option), yet
//   the firmware's IVRS table, the IOMMU unit ivhd0 in sys/class/iommu (on the PCI function
//   00:00.2, its devices/ linking every grouped function) and populated IOMMU groups are there,
//   and dmesg reports AMD-Vi with interrupt remapping.
// - vfio-pci by id: /etc/modprobe.d/vfio.conf written by the admin reserves the LSI SAS3008 HBA
//   (`options vfio-pci ids=1000:0097`, with `softdep mpt3sas pre: vfio-pci`); the HBA at
//   01:00.0 is bound to vfio-pci and passed to VM 201 (TrueNAS, running). A zfs.conf sorts
//   after vfio.conf, so modprobe's file order matters for any list built from these files.
// - SR-IOV persisted by hand, two different ways, on a dual-port Intel I350 (igb, VFs 8086:1520
//   at offset 128 stride 4, as the real card lays them out):
//   * PF 03:00.0 (enp3s0f0): 4 VFs from /etc/udev/rules.d/70-sriov.rules, on the PF's net
//     device add event; its VFs are on vfio-pci for guests.
//   * PF 03:00.1 (enp3s0f1): 2 VFs from a `post-up echo 2 > .../sriov_numvfs` line in
//     /etc/network/interfaces; both VFs stay with the host on igbvf: enp3s16f1 is the port of
//     bridge vmbr1 (10.10.0.2/24, a storage network) and enp3s16f5 carries 10.20.0.2/24 itself.
//     Taking those VFs away (any count change passes through 0) takes both host networks down.
//     A second post-up line gives VF 0 a fixed MAC (`ip link set enp3s0f1 vf 0 mac ...`), which
//     `ip -d -j link show enp3s0f1` (recorded in .fixture/commands.json) reports.
// - VMs: 200 (OVMF with efidisk, q35) already has the GPU `hostpci0: 0000:07:00,pcie=1,x-vga=1`
//   (an RTX 3060 with its audio function at 07:00.1, not reserved, still on the host drivers
//   while the VM is off); 201 TrueNAS with the HBA; 202 an i440fx SeaBIOS Windows VM with no
//   card.
// - A second Intel NIC, the 82574L (8086:10d3) carrying the management bridge vmbr0, whose name
//   the real pci.ids has only after a `#` comment line inside the 8086 block.
// - usr/share/misc/pci.ids: an excerpt in the real file's format (header, vendor blocks with
//   tab-indented devices and double-tab subsystems, `#` comment lines inside vendor blocks, and
//   the `C` class section), written by hand for the devices above.
import type { HostSpec } from '../host/host-tree.ts';

export const byHandPciIds = `#
#\tList of PCI ID's
#
#\tVersion: 2024.11.29
#\tDate:    2024-11-29 03:15:02
#
#\tMaintained by Albert Pool, Martin Mares, and other volunteers from
#\tthe PCI ID Project at https://pci-ids.ucw.cz/.
#
#\tNew data are always welcome, especially if they are accurate. If you have
#\tanything to contribute, please follow the instructions at the web site.
#
#\tThis file can be distributed under either the GNU General Public License
#\t(version 2 or higher) or the 3-clause BSD License.
#

# Vendors, devices and subsystems. Please keep sorted.

# Syntax:
# vendor  vendor_name
#\tdevice  device_name\t\t\t\t<-- single tab
#\t\tsubvendor subdevice  subsystem_name\t<-- two tabs

0001  SafeNet (wrong ID)
1000  Broadcom / LSI
\t0001  53c810
\t\t1000 1000  LSI53C810AE PCI to SCSI I/O Processor
\t0096  SAS3004 PCI-Express Fusion-MPT SAS-3
# Found on the SAS9300-8i and SAS9311-8i HBAs, often flashed to IT mode
\t0097  SAS3008 PCI-Express Fusion-MPT SAS-3
\t\t1000 3090  SAS9311-8i
\t\t1000 30e0  SAS9300-8i
\t\t1028 1f45  12GB/s HBA internal
\t\t1028 1f46  12Gbps HBA
1022  Advanced Micro Devices, Inc. [AMD]
\t1480  Starship/Matisse Root Complex
\t\t1462 7c37  X570-A PRO motherboard
\t1481  Starship/Matisse IOMMU
\t1482  Starship/Matisse PCIe Dummy Host Bridge
\t1483  Starship/Matisse GPP Bridge
# 500 series chipset (Promontory 21)
\t43ee  500 Series Chipset USB 3.1 XHCI Controller
10de  NVIDIA Corporation
\t228e  GA106 High Definition Audio Controller
\t2504  GA106 [GeForce RTX 3060 Lite Hash Rate]
144d  Samsung Electronics Co Ltd
\ta80a  NVMe SSD Controller PM9A1/PM9A3/980PRO
\t\t144d a801  SSD 980 PRO
8086  Intel Corporation
\t10c9  82576 Gigabit Network Connection
\t\t8086 a03c  Gigabit ET Dual Port Server Adapter
# This is the adapter sold as the Gigabit CT Desktop Adapter
\t10d3  82574L Gigabit Network Connection
\t\t103c 3250  NC112T PCI Express Single Port Gigabit Server Adapter
\t\t8086 a01f  Gigabit CT Desktop Adapter
\t1520  I350 Ethernet Controller Virtual Function
\t1521  I350 Gigabit Network Connection
\t\t8086 0001  Ethernet Server Adapter I350-T4
\t\t8086 0002  Ethernet Server Adapter I350-T2
# Also used on onboard I350 ports of many server boards
\t1523  I350 Gigabit Fiber Network Connection
8087  Intel Corporation

# List of known device classes, subclasses and programming interfaces

# Syntax:
# C class\tclass_name
#\tsubclass\tsubclass_name  \t\t<-- single tab
#\t\tprog-if  prog-if_name  \t<-- two tabs

C 00  Unclassified device
\t00  Non-VGA unclassified device
C 01  Mass storage controller
\t00  SCSI storage controller
\t06  SATA controller
\t\t01  AHCI 1.0
\t07  Serial Attached SCSI controller
\t\t01  Serial Storage Bus
\t08  Non-Volatile memory controller
\t\t01  NVMHCI
\t\t02  NVM Express
C 02  Network controller
\t00  Ethernet controller
\t80  Network controller
C 03  Display controller
\t00  VGA compatible controller
\t\t00  VGA controller
\t\t01  8514 controller
\t02  3D controller
C 04  Multimedia controller
\t03  Audio device
C 06  Bridge
\t00  Host bridge
\t04  PCI bridge
\t\t00  Normal decode
\t\t01  Subtractive decode
C 08  Generic system peripheral
\t06  IOMMU
C 0c  Serial bus controller
\t03  USB controller
\t\t30  XHCI
`;

const interfaces = `auto lo
iface lo inet loopback

iface eno1 inet manual

auto vmbr0
iface vmbr0 inet static
\taddress 192.168.1.20/24
\tgateway 192.168.1.1
\tbridge-ports eno1
\tbridge-stp off
\tbridge-fd 0

iface enp3s0f0 inet manual

# VFs for the storage network, set by hand (see wiki)
auto enp3s0f1
iface enp3s0f1 inet manual
\tpost-up echo 2 > /sys/class/net/enp3s0f1/device/sriov_numvfs
\tpost-up ip link set enp3s0f1 vf 0 mac 52:54:00:3a:10:01

iface enp3s16f1 inet manual

auto vmbr1
iface vmbr1 inet static
\taddress 10.10.0.2/24
\tbridge-ports enp3s16f1
\tbridge-stp off
\tbridge-fd 0

auto enp3s16f5
iface enp3s16f5 inet static
\taddress 10.20.0.2/24
`;

// MACs as the cards have them: the I350's two ports and the 82574L carry Intel addresses; VF 0
// of port 1 has the MAC the admin's post-up line gives it, VF 1 the random one igbvf made up.
const MAC = {
  port0: 'a0:36:9f:8e:41:c0',
  port1: 'a0:36:9f:8e:41:c1',
  eno1: '68:05:ca:1d:22:7e',
  port1vf0: '52:54:00:3a:10:01',
  port1vf1: 'c6:4f:1e:82:9d:07',
};

/**
 * `ip -d -j link show <pf-if>` as iproute2 6.1 prints it for an igb port (one line of JSON):
 * vfinfo_list with each VF's MAC (zero: none set; the VFs on vfio-pci have none), an empty
 * vlan_list entry (VLAN 0 and QoS 0 are not printed), the rate, spoofchk, link_state (the
 * kernel's default, auto) and trust; igb does not report query_rss.
 */
function igbLinkJson(ifindex: number, ifname: string, mac: string, vfMacs: string[]): string {
  const vfs = vfMacs.map((m, vf) => ({
    vf,
    link_type: 'ether',
    address: m,
    broadcast: 'ff:ff:ff:ff:ff:ff',
    vlan_list: [{}],
    rate: { max_tx: 0, min_tx: 0 },
    spoofchk: true,
    link_state: 'auto',
    trust: false,
  }));
  const link = {
    ifindex,
    ifname,
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    mtu: 1500,
    qdisc: 'mq',
    operstate: 'UP',
    linkmode: 'DEFAULT',
    group: 'default',
    txqlen: 1000,
    link_type: 'ether',
    address: mac,
    broadcast: 'ff:ff:ff:ff:ff:ff',
    promiscuity: 0,
    allmulti: 0,
    min_mtu: 68,
    max_mtu: 9216,
    inet6_addr_gen_mode: 'eui64',
    num_tx_queues: 8,
    num_rx_queues: 8,
    gso_max_size: 65536,
    gso_max_segs: 65535,
    tso_max_size: 65536,
    tso_max_segs: 65535,
    gro_max_size: 65536,
    gso_ipv4_max_size: 65536,
    gro_ipv4_max_size: 65536,
    parentbus: 'pci',
    parentdev: ifname === 'enp3s0f0' ? '0000:03:00.0' : '0000:03:00.1',
    vfinfo_list: vfs,
  };
  return `${JSON.stringify([link])}\n`;
}

export const byHandHost: HostSpec = {
  hostname: 'pve-hand',
  cpu: 'amd',
  cmdline: 'BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=/dev/mapper/pve-root ro quiet',
  iommuUnit: { name: 'ivhd0', pciAddr: '0000:00:00.2' },
  devices: [
    {
      addr: '0000:00:00.0',
      vendor: '1022',
      device: '1480',
      cls: '060000',
      sub: ['1462', '7c37'],
      driver: null,
      group: 0,
    },
    {
      addr: '0000:00:00.2',
      vendor: '1022',
      device: '1481',
      cls: '080600',
      sub: ['1462', '7c37'],
      driver: null,
      group: 1,
    },
    // The HBA, reserved by the admin's vfio.conf and passed to TrueNAS.
    { addr: '0000:00:01.1', vendor: '1022', device: '1483', cls: '060400', driver: 'pcieport', group: 2 },
    {
      addr: '0000:01:00.0',
      vendor: '1000',
      device: '0097',
      cls: '010700',
      sub: ['1000', '30e0'],
      rev: '02',
      driver: 'vfio-pci',
      group: 2,
      parent: '0000:00:01.1',
      reset: 'flr bus',
      link: ['8.0 GT/s PCIe', '8'],
    },
    // Boot NVMe: the LVM physical volume of the root file system.
    { addr: '0000:00:01.2', vendor: '1022', device: '1483', cls: '060400', driver: 'pcieport', group: 3 },
    {
      addr: '0000:02:00.0',
      vendor: '144d',
      device: 'a80a',
      cls: '010802',
      sub: ['144d', 'a801'],
      driver: 'nvme',
      group: 3,
      parent: '0000:00:01.2',
      reset: 'flr',
      link: ['16.0 GT/s PCIe', '4'],
      disks: ['nvme0n1'],
    },
    // Dual-port I350 with SR-IOV, VF counts persisted by hand (udev on port 0, post-up on port 1).
    { addr: '0000:00:01.3', vendor: '1022', device: '1483', cls: '060400', driver: 'pcieport', group: 4 },
    {
      addr: '0000:03:00.0',
      vendor: '8086',
      device: '1521',
      cls: '020000',
      sub: ['8086', '0002'],
      rev: '01',
      driver: 'igb',
      group: 4,
      parent: '0000:00:01.3',
      reset: 'flr bus',
      link: ['5.0 GT/s PCIe', '4'],
      net: ['enp3s0f0'],
      macs: [MAC.port0],
      sriov: { total: 7, num: 4, vfDevice: '1520', vfDriver: 'vfio-pci', offset: 128, stride: 4, firstGroup: 30 },
    },
    {
      addr: '0000:03:00.1',
      vendor: '8086',
      device: '1521',
      cls: '020000',
      sub: ['8086', '0002'],
      rev: '01',
      driver: 'igb',
      group: 4,
      parent: '0000:00:01.3',
      reset: 'flr',
      link: ['5.0 GT/s PCIe', '4'],
      net: ['enp3s0f1'],
      macs: [MAC.port1],
      sriov: {
        total: 7,
        num: 2,
        vfDevice: '1520',
        vfDriver: 'igbvf',
        offset: 128,
        stride: 4,
        firstGroup: 40,
        vfNet: ['enp3s16f1', 'enp3s16f5'],
        vfMacs: [MAC.port1vf0, MAC.port1vf1],
      },
    },
    // Management NIC (82574L) behind the chipset: carries vmbr0.
    { addr: '0000:00:01.4', vendor: '1022', device: '1483', cls: '060400', driver: 'pcieport', group: 5 },
    {
      addr: '0000:04:00.0',
      vendor: '8086',
      device: '10d3',
      cls: '020000',
      sub: ['8086', 'a01f'],
      driver: 'e1000e',
      group: 5,
      parent: '0000:00:01.4',
      reset: 'flr',
      link: ['2.5 GT/s PCIe', '1'],
      net: ['eno1'],
      macs: [MAC.eno1],
    },
    { addr: '0000:00:08.1', vendor: '1022', device: '1483', cls: '060400', driver: 'pcieport', group: 6 },
    {
      addr: '0000:05:00.0',
      vendor: '1022',
      device: '43ee',
      cls: '0c0330',
      driver: 'xhci_hcd',
      group: 6,
      parent: '0000:00:08.1',
    },
    // The GPU VM 200 already has (all functions, x-vga): not reserved, on host drivers while off;
    // not the boot VGA (the node is run headless over its serial console and SSH).
    { addr: '0000:00:03.1', vendor: '1022', device: '1483', cls: '060400', driver: 'pcieport', group: 7 },
    {
      addr: '0000:07:00.0',
      vendor: '10de',
      device: '2504',
      cls: '030000',
      sub: ['1458', '4074'],
      rev: 'a1',
      driver: 'nouveau',
      group: 7,
      parent: '0000:00:03.1',
      reset: 'bus',
      link: ['16.0 GT/s PCIe', '16'],
    },
    {
      addr: '0000:07:00.1',
      vendor: '10de',
      device: '228e',
      cls: '040300',
      sub: ['1458', '4074'],
      rev: 'a1',
      driver: 'snd_hda_intel',
      group: 7,
      parent: '0000:00:03.1',
      reset: 'bus',
    },
  ],
  files: {
    // The IVRS ACPI table starts with its signature; a few bytes of header are enough here.
    'sys/firmware/acpi/tables/IVRS': 'IVRS\x30\x00\x00\x00\x02\x5cALASKAA M I ',
    'etc/default/grub':
      '# If you change this file, run \'update-grub\' afterwards to update\n# /boot/grub/grub.cfg.\n\nGRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_DISTRIBUTOR="Proxmox VE"\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\n',
    'etc/modules':
      '# /etc/modules: kernel modules to load at boot time.\n#\n# This file contains the names of kernel modules that should be loaded\n# at boot time, one per line. Lines beginning with "#" are ignored.\nvfio\nvfio_iommu_type1\nvfio_pci\n',
    'etc/modprobe.d/vfio.conf':
      '# LSI HBA for TrueNAS (VM 201), from the wiki\noptions vfio-pci ids=1000:0097\nsoftdep mpt3sas pre: vfio-pci\n',
    'etc/modprobe.d/pve-blacklist.conf':
      '# This file contains a list of modules which are not supported by Proxmox VE\n\n# nvidiafb see bugreport https://bugzilla.proxmox.com/show_bug.cgi?id=701\nblacklist nvidiafb\n',
    'etc/modprobe.d/zfs.conf': 'options zfs zfs_arc_max=8589934592\n',
    // Written by hand: 4 VFs on the I350's first port once its net device appears.
    'etc/udev/rules.d/70-sriov.rules':
      '# I350 port 0: 4 VFs for the firewall and router VMs\nACTION=="add", SUBSYSTEM=="net", KERNELS=="0000:03:00.0", DRIVERS=="igb", ATTR{device/sriov_numvfs}="4"\n',
    'etc/network/interfaces': interfaces,
    'proc/mounts':
      '/dev/mapper/pve-root / ext4 rw,relatime,errors=remount-ro 0 0\n/dev/nvme0n1p2 /boot/efi vfat rw,relatime 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n/dev/fuse /etc/pve fuse rw,nosuid,nodev,relatime 0 0\n',
    'proc/swaps':
      'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/dm-0                               partition\t8388604\t\t0\t\t-2\n',
  },
  vms: {
    200: 'bios: ovmf\nboot: order=scsi0\ncores: 8\nefidisk0: local-lvm:vm-200-disk-1,efitype=4m,pre-enrolled-keys=1,size=4M\nhostpci0: 0000:07:00,pcie=1,x-vga=1\nmachine: pc-q35-8.1\nmemory: 16384\nname: gaming\nnet0: virtio=BC:24:11:20:00:00,bridge=vmbr0\nostype: win11\nscsi0: local-lvm:vm-200-disk-0,size=200G\nvga: none\n',
    201: 'bios: ovmf\nboot: order=scsi0\ncores: 4\nefidisk0: local-lvm:vm-201-disk-1,efitype=4m,size=4M\nhostpci0: 0000:01:00.0,pcie=1\nmachine: q35\nmemory: 32768\nname: truenas\nnet0: virtio=BC:24:11:20:01:00,bridge=vmbr0\nonboot: 1\nostype: l26\nscsi0: local-lvm:vm-201-disk-0,size=32G\n',
    202: 'boot: order=ide0\ncores: 2\nide0: local-lvm:vm-202-disk-0,size=64G\nmemory: 4096\nname: legacy-win10\nnet0: e1000=BC:24:11:20:02:00,bridge=vmbr0\nostype: win10\n',
  },
  running: [201],
  commands: {
    'zpool status -P': { stdout: 'no pools available\n' },
    'pvs --noheadings -o pv_name,vg_name': { stdout: '  /dev/nvme0n1p3 pve\n' },
    'ip -d -j link show enp3s0f0': {
      stdout: igbLinkJson(3, 'enp3s0f0', MAC.port0, [
        '00:00:00:00:00:00',
        '00:00:00:00:00:00',
        '00:00:00:00:00:00',
        '00:00:00:00:00:00',
      ]),
    },
    'ip -d -j link show enp3s0f1': { stdout: igbLinkJson(4, 'enp3s0f1', MAC.port1, [MAC.port1vf0, MAC.port1vf1]) },
    dmesg: {
      stdout:
        '[    0.523812] pci 0000:00:00.2: AMD-Vi: IOMMU performance counters supported\n' +
        '[    0.525431] pci 0000:00:00.2: AMD-Vi: Found IOMMU cap 0x40\n' +
        '[    0.525437] AMD-Vi: Extended features (0x58f77ef22294a5a, 0x0): PPR NX GT IA PC GA_vAPIC\n' +
        '[    0.525445] AMD-Vi: Interrupt remapping enabled\n' +
        '[    0.711502] perf/amd_iommu: Detected AMD IOMMU #0 (2 banks, 4 counters/bank).\n',
    },
  },
  pciIds: byHandPciIds,
};
