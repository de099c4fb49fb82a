// The shared vocabulary of every layer: what the host reader produces (HostSnapshot), what the
// operator stages (Intent) and what the planner turns those into (Plan). Pure data, no I/O.

/** Full PCI address, always `dddd:bb:ss.f` in lower case, e.g. `0000:03:00.0`. */
export type PciAddress = string;

/** Something the reader or planner noticed that the operator should see. */
export interface Notice {
  /** Where it was found: a path relative to the root (`etc/pve/qemu-server/101.conf:7`) or an address. */
  where: string;
  message: string;
}

export type Isolation = 'isolated' | 'shared' | 'host-critical' | 'no-iommu';

export interface SriovInfo {
  totalVfs: number;
  numVfs: number;
  /** sriov_offset / sriov_stride: where the VFs appear, in routing-id steps (null: not exposed). */
  offset: number | null;
  stride: number | null;
  /** sriov_vf_device: the VFs' device id (null: not exposed). */
  vfDeviceId: string | null;
}

/** One reference from a VM config to a device (by address or through a pci.cfg mapping). */
export interface VmRef {
  vmid: number;
  /** `hostpci0` .. `hostpci15` */
  slot: string;
  running: boolean;
  /** Set when the VM refers to the device through `mapping=<id>`. */
  mapping: string | null;
}

export interface PciDevice {
  address: PciAddress;
  /** 4 hex digits, lower case. */
  vendorId: string;
  deviceId: string;
  /** Class and subclass, 4 hex digits lower case (`0200` Ethernet, `0604` PCI bridge). */
  classId: string;
  /** Programming interface byte, 2 hex digits, or null when unknown. */
  progIf: string | null;
  subsystemVendorId: string | null;
  subsystemDeviceId: string | null;
  revision: string | null;
  vendorName: string | null;
  deviceName: string | null;
  className: string | null;
  /** Human label: device name when known, else `Class [vvvv:dddd]`. */
  name: string;
  /** Bound driver, null when unbound. */
  driver: string | null;
  driverOverride: string | null;
  iommuGroup: number | null;
  /** Bridges (0604) and host bridges (0600) may share a group without blocking vfio. */
  isBridge: boolean;
  sriov: SriovInfo | null;
  /** For a virtual function: its physical function's address. */
  physfn: PciAddress | null;
  /** For a physical function: its virtual functions' addresses, in virtfnN order. */
  virtfns: PciAddress[];
  bootVga: boolean | null;
  numaNode: number | null;
  /** Contents of `reset_method` split on spaces (e.g. ['flr', 'bus']), null when absent. */
  resetMethods: string[] | null;
  link: { speed: string | null; width: string | null } | null;
  /** Network interfaces on this function (from sys/class/net/<if>/device). */
  netInterfaces: string[];
  /** What the host uses this function for, one human sentence each ("holds / on sda2", ...). */
  hostUses: string[];
  /** VM configs that reference this function (directly, by all-functions slot, or by mapping). */
  usedBy: VmRef[];
}

export interface IommuGroup {
  id: number;
  /** Member addresses, sorted. */
  devices: PciAddress[];
  isolation: Isolation;
  /** Human-readable reasons for the verdict. */
  reasons: string[];
}

export interface HostpciEntry {
  /** 0..15 */
  index: number;
  /** The raw value after `hostpciN: `. */
  raw: string;
  /** Addresses as written (`0000:03:00`, `03:00.0`, ...); empty when `mapping=` is used. */
  hosts: string[];
  mapping: string | null;
  /** Every other `key=value` option, in order, values as written. */
  options: Record<string, string>;
}

export interface VmConfig {
  vmid: number;
  /** Path relative to the root, e.g. `etc/pve/qemu-server/101.conf`. */
  path: string;
  name: string | null;
  running: boolean;
  /** `machine:` value as written (e.g. `q35`, `pc-q35-8.1`), null means the i440fx default. */
  machine: string | null;
  /** `bios:` value, null means the SeaBIOS default. */
  bios: string | null;
  hasEfidisk: boolean;
  onboot: boolean;
  hostpci: HostpciEntry[];
  notices: Notice[];
}

export interface PciMapping {
  id: string;
  description: string | null;
  maps: Array<{
    node: string | null;
    path: string[];
    id: string | null;
    iommugroup: number | null;
    subsystemId: string | null;
  }>;
}

/** A PCI function on another cluster node, from `pvesh get /nodes/<node>/hardware/pci`. */
export interface RemotePciDevice {
  address: PciAddress;
  vendorId: string;
  deviceId: string;
  subsystemVendorId: string | null;
  subsystemDeviceId: string | null;
  iommuGroup: number | null;
  classId: string;
  name: string;
}

export interface ClusterInfo {
  name: string | null;
  /** Every node of the cluster, this one included, sorted by name. */
  nodes: Array<{ name: string; online: boolean; local: boolean }>;
  /** Other nodes' PCI functions; null for a node whose list could not be read (offline, error). */
  devices: Record<string, RemotePciDevice[] | null>;
  /** Why a node's list could not be read, one line each. */
  notices: Notice[];
  /**
   * The other nodes' VMs that use a resource mapping (`/etc/pve/nodes/NODE/qemu-server/*.conf`,
   * replicated by pmxcfs, so readable while the node is down): a mapping they name is not deleted.
   */
  mappingUsers?: Array<{ node: string; vmid: number; name: string | null; slot: string; mapping: string }>;
}

export type BootloaderKind = 'systemd-boot' | 'grub' | 'unknown';

/** What a trial boot needs to know about the boot loader (see src/model/plan/trial.ts). */
export interface BootFacts {
  /** The mount that holds /boot/grub (proc/mounts): GRUB cannot write its grubenv on LVM, MD RAID, ZFS, btrfs. */
  grubMount: { source: string; fstype: string; mountPoint: string } | null;
  /** The LoaderInfo EFI variable ("systemd-boot 252.33"): the boot loader of this boot; null: none set it. */
  efiLoader: string | null;
  /** The LoaderEntryDefault / LoaderEntryOneShot EFI variables (bootctl set-default / set-oneshot); null: unset. */
  entryDefault: string | null;
  entryOneShot: string | null;
  /** Installed kernel versions (boot/vmlinuz-<version>), newest first. */
  kernels: string[];
}

export interface HostSnapshot {
  /** Absolute directory the snapshot was read from (`/` on a real node). */
  root: string;
  nodeName: string;
  /** True when the root looks like a Proxmox node (etc/pve present). */
  isProxmox: boolean;
  cpuVendor: 'intel' | 'amd' | null;
  iommu: {
    /** The kernel has an IOMMU on: sys/class/iommu lists a unit, or iommu_groups is populated. */
    enabled: boolean;
    /**
     * The ACPI table the firmware publishes (sys/firmware/acpi/tables): DMAR for Intel VT-d, IVRS
     * for AMD-Vi; null when neither is there (switched off in the firmware setup, or no IOMMU).
     */
    firmware: 'DMAR' | 'IVRS' | null;
    /** IOMMU units the kernel drives (sys/class/iommu: dmar0.., ivhd0..). */
    units: string[];
    /** Kernel command line as booted (proc/cmdline). */
    cmdline: string;
    interruptRemapping: boolean | null;
    acsOverride: string | null;
  };
  bootloader: {
    kind: BootloaderKind;
    /** `etc/kernel/cmdline` or `etc/default/grub`, relative to root; null when unknown. */
    path: string | null;
    /** Read for the trial boot; absent in snapshots made by hand (tests). */
    facts?: BootFacts;
  };
  vfio: {
    /** sys/module/vfio_pci present. */
    moduleLoaded: boolean;
    /** Modules listed in etc/modules-load.d/*.conf and etc/modules. */
    modulesAtBoot: string[];
    /** vendor:device ids from `options vfio-pci ids=` lines. */
    ids: string[];
    softdeps: Array<{ module: string; pre: string[] }>;
    blacklist: string[];
  };
  /** All PCI functions, sorted by address. */
  devices: PciDevice[];
  /** Groups sorted by id; empty when IOMMU is off. */
  groups: IommuGroup[];
  vms: VmConfig[];
  mappings: PciMapping[];
  /** The Proxmox cluster this node is part of (null or absent: a single node). */
  cluster?: ClusterInfo | null;
  /**
   * Raw text of every configuration file the planner may need to edit, keyed by path relative
   * to the root (no leading slash). Absent key: the file does not exist.
   */
  files: Record<string, string>;
  notices: Notice[];
  /**
   * Per SR-IOV PF with a network interface: the VFs' settings as its driver reports them
   * (`ip -d -j link show <pf-if>`, vfinfo_list); absent when not read (no `ip`, no interface).
   */
  vfInfo?: Record<PciAddress, { ifname: string; vfs: VfInfo[] }>;
  /** Every network interface's MAC (sys/class/net/<if>/address), lower case. */
  netMacs?: Record<string, string>;
  /**
   * An apply that was killed part-way on this host (its in-progress marker is still there), or
   * one running right now in another process; absent or null when there is none.
   */
  interruptedApply?: {
    /** One sentence for the operator: what, when, at which step, what to do. */
    message: string;
    running: boolean;
    time: string;
    summary: string;
    /** The apply's steps in words, and the last one that began (-1: none). */
    steps: string[];
    lastStep: number;
  } | null;
}

// ---- Per-VF settings (ip link set <pf-if> vf N ...) ------------------------------------------

export type VfLinkState = 'auto' | 'enable' | 'disable';

/** What the operator sets on one VF; an absent field is left as it is. */
export interface VfSettings {
  /** Lower case `xx:xx:xx:xx:xx:xx`, unicast. */
  mac?: string;
  /** 0..4095; 0 turns VLAN tagging off. */
  vlan?: number;
  /** 802.1p priority of the VLAN tag, 0..7. */
  qos?: number;
  trust?: boolean;
  spoofchk?: boolean;
  state?: VfLinkState;
}

/** One VF as the PF driver reports it; null: the driver does not report that setting. */
export interface VfInfo {
  vf: number;
  mac: string;
  vlan: number;
  qos: number;
  trust: boolean | null;
  spoofchk: boolean | null;
  state: VfLinkState | null;
}

// ---- What the operator stages ------------------------------------------------------------

export interface AssignOptions {
  /** Pass every function of the slot (`0000:03:00` without `.f`). */
  allFunctions: boolean;
  pcie: boolean;
  xVga: boolean;
  /** ROM BAR visible to the guest (qemu default on; false writes `rombar=0`). */
  rombar: boolean;
}

export type Intent =
  | { kind: 'reserve'; address: PciAddress; /** operator confirmed losing host-critical devices */ force?: boolean }
  | { kind: 'release'; address: PciAddress }
  | { kind: 'vfs'; address: PciAddress; count: number }
  | { kind: 'assign'; address: PciAddress; vmid: number; options: AssignOptions }
  | { kind: 'unassign'; vmid: number; slot: string }
  /** Settings of VF `vf` (its index under the PF) of the PF at `address`. */
  | { kind: 'vf-settings'; address: PciAddress; vf: number; settings: VfSettings }
  // Resource mappings (/cluster/mapping/pci, written through pvesh): create the mapping or add
  // devices to it (a pool); delete it; pass it to a VM as `hostpciN: mapping=NAME`.
  | { kind: 'mapping'; name: string; devices: MappingDevice[]; description?: string }
  | { kind: 'unmap'; name: string }
  | { kind: 'assign-mapping'; name: string; vmid: number; options: AssignOptions };

/** A device to put in a mapping: on this node (node null) or on another cluster node. */
export interface MappingDevice {
  node: string | null;
  address: PciAddress;
}

// ---- What the planner produces ------------------------------------------------------------

export interface FileEdit {
  /** Relative to the root, no leading slash. */
  path: string;
  /** null: the file does not exist yet. */
  before: string | null;
  /** null: the file is removed. */
  after: string | null;
  /** Why the file changes, one line. */
  reason: string;
  /**
   * `direct`: the apply layer writes it atomically. `command`: a command in the plan writes it
   * (e.g. `qm set` for VM configs); shown as a diff but never written by us directly.
   */
  writer: 'direct' | 'command';
  /** File mode for a new file (e.g. 0o755 for a boot script); existing files keep theirs. */
  mode?: number;
}

export type PlanStep =
  /** Atomic write (temp, fsync, rename) of plan.edits[editIndex], after a backup. */
  | { kind: 'write'; editIndex: number }
  /** A live sysfs attribute write (not a file we back up; undone by writing `previous`). */
  | { kind: 'sysfs'; path: string; value: string; previous: string | null; reason: string }
  /** argv never passes through a shell. editIndex: the file edit the command performs, if any. */
  | {
      kind: 'command';
      argv: string[];
      reason: string;
      editIndex?: number;
      /**
       * What undoes the command's effect outside the files it has (entries it wrote on an ESP):
       * `undoFirst` runs before an undo restores the files (while the command's own files still
       * exist), `undoLast` after (when the files it needs come back with them).
       */
      undoFirst?: string[];
      undoLast?: string[];
    };

export interface Plan {
  edits: FileEdit[];
  /** Ordered; the apply layer runs them exactly in this order. */
  steps: PlanStep[];
  rebootRequired: boolean;
  /** Why a reboot is needed (one line each); empty when none. */
  rebootReasons: string[];
  warnings: Notice[];
  /** Blocking problems: a plan with errors is never applied. */
  errors: Notice[];
  /**
   * Set when the plan touches vfio-pci reservations: the one ids= list the module gets at boot
   * (modprobe.d in file order, then the kernel command line; the last ids= wins), as it is and
   * as the plan leaves it, and where it lives.
   */
  vfioIds?: { before: string[]; after: string[]; where: string };
}
