// Real pci.ids blocks (pciutils 1:3.9.0-4, Debian 12: /usr/share/misc/pci.ids, version 2023.04.10),
// cut to a few devices each but kept line for line, comment lines inside vendor blocks included,
// plus the start of the class section. Licence of the data: GPL-2.0-or-later or BSD-3-Clause.
export const REAL_PCI_IDS_EXCERPT = String.raw`#
#	List of PCI ID's
#
#	Version: 2023.04.10
#	Date:    2023-04-10 20:08:02
#
#	Maintained by Albert Pool, Martin Mares, and other volunteers from
#	the PCI ID Project at https://pci-ids.ucw.cz/.
#
#	New data are always welcome, especially if they are accurate. If you have
#	anything to contribute, please follow the instructions at the web site.
#
#	This file can be distributed under either the GNU General Public License
#	(version 2 or higher) or the 3-clause BSD License.
#
#	The database is a compilation of factual data, and as such the copyright
#	only covers the aggregation and formatting. The copyright is held by
#	Martin Mares and Albert Pool.
#

# Vendors, devices and subsystems. Please keep sorted.

# Syntax:
# vendor  vendor_name
#	device  device_name				<-- single tab
#		subvendor subdevice  subsystem_name	<-- two tabs

0001  SafeNet (wrong ID)
0010  Allied Telesis, Inc (Wrong ID)
# This is a relabelled RTL-8139
	8139  AT-2500TX V3 Ethernet
1000  Broadcom / LSI
	0001  53c810
		1000 1000  LSI53C810AE PCI to SCSI I/O Processor
	0072  SAS2008 PCI-Express Fusion-MPT SAS-2 [Falcon]
		1000 3020  9211-8i
		1000 3040  9210-8i
		1000 3080  9200-8e [LSI SAS 6Gb/s SAS/SATA PCIe x8 External HBA]
		1000 30b0  9200-8e [LSI SAS 6Gb/s SAS/SATA PCIe x8 External HBA]
		1014 03ca  IBM 6Gb SAS HBA [9212-4i4e]
		1028 1f1c  6Gbps SAS HBA Adapter
		1028 1f1d  PERC H200 Adapter
		1028 1f1e  PERC H200 Integrated
		1028 1f1f  PERC H200 Modular
		1028 1f20  PERC H200 Embedded
		1028 1f22  PERC H200 Internal Tape Adapter
# Fujitsu D2607 SAS2008 HBA controller
		1734 1177  HBA Ctrl SAS 6G 0/1 [D2607]
		1bd4 000d  6G SAS2008IT
	0094  SAS3108 PCI-Express Fusion-MPT SAS-3
	0095  SAS3108 PCI-Express Fusion-MPT SAS-3
	0096  SAS3004 PCI-Express Fusion-MPT SAS-3
	0097  SAS3008 PCI-Express Fusion-MPT SAS-3
		1000 3090  SAS9311-8i
		1000 30a0  SAS9300-8e
		1000 30e0  SAS9300-8i
		1000 3130  SAS 9300-16i
		1028 1f45  HBA330 Adapter
		1028 1f46  12Gbps HBA
		1028 1f53  HBA330 Mini
		1028 1fd2  HBA330 MX
		1028 1fd3  HBA330 MMZ
# Supermicro AOC-S3008L-L8e uses 0808 for their SAS3008 SAS controller
		15d9 0808  AOC-S3008L-L8e
		1bd4 0008  12G SAS3008IMR Onboard
		1bd4 000b  12G SAS3008IR
1001  Kolter Electronic
	0010  PCI 1616 Measurement card with 32 digital I/O lines
807d  Asustek Computer, Inc.
8086  Intel Corporation
	0007  82379AB
	0486  82425EX/ZX [Aries] PCIset with ISA bridge
	04a3  82434LX/NX [Mercury/Neptune] Processor to PCI bridge
	04d0  82437FX [Triton FX]
	0500  E8870 Processor bus control
	0501  E8870 Memory controller
# and registers common to both SPs
	0502  E8870 Scalability Port 0
# and global performance monitoring
	0503  E8870 Scalability Port 1
	0510  E8870IO Hub Interface Port 0 registers (8-bit compatibility port)
	0511  E8870IO Hub Interface Port 1 registers
	0512  E8870IO Hub Interface Port 2 registers
	0513  E8870IO Hub Interface Port 3 registers
	10cb  82567V Gigabit Network Connection
	10cc  82567LM-2 Gigabit Network Connection
	10cd  82567LF-2 Gigabit Network Connection
	10ce  82567V-2 Gigabit Network Connection
	10d3  82574L Gigabit Network Connection
		103c 1785  NC112i 1-port Ethernet Server Adapter
		103c 3250  NC112T PCI Express single Port Gigabit Server Adapter
		1043 8369  Motherboard
		1093 76e9  PCIe-8233 Ethernet Adapter
		10a9 8029  Prism XL Single Port Gigabit Ethernet
		15d9 0605  X8SIL
		15d9 060a  X7SPA-H/X7SPA-HF Motherboard
		1462 7345  MS-7345 Motherboard
		8086 5044  Desktop Board DP35DP
	2917  ICH9M-E LPC Interface Controller
		17aa 20f5  ThinkPad T400
		e4bf cc4d  CCM-BOOGIE
	2918  82801IB (ICH9) LPC Interface Controller
		1028 0236  PowerEdge R610 82801IB (ICH9) LPC Interface Controller
		1462 7360  G33/P35 Neo
		1af4 1100  QEMU Virtual Machine
	2919  ICH9M LPC Interface Controller
	2920  82801IR/IO/IH (ICH9R/DO/DH) 4 port SATA Controller [IDE mode]
		1028 020d  Inspiron 530
		1028 020f  PowerEdge R300 onboard SATA Controller
		1028 0210  PowerEdge T300 onboard SATA Controller
		1028 0211  Optiplex 755
		1028 023c  PowerEdge R200 onboard SATA Controller
		1043 8277  P5K PRO Motherboard: 82801IR [ICH9R]
		1462 7345  MS-7345 Motherboard: Intel 82801IR [ICH9R]
	2921  82801IB (ICH9) 2 port SATA Controller [IDE mode]
		1028 0235  PowerEdge R710 SATA IDE Controller
		1028 0236  PowerEdge R610 SATA IDE Controller
		1028 0237  PowerEdge T610 SATA IDE Controller
		1462 7360  G33/P35 Neo
	2922  82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller [AHCI mode]
		1043 8277  P5K PRO Motherboard: 82801IR [ICH9R]
		1462 7345  MS-7345 Motherboard: Intel 82801IR [ICH9R]
	292c  82801IEM (ICH9M-E) SATA Controller [RAID mode]
	292d  82801IBM/IEM (ICH9M/ICH9M-E) 2 port SATA Controller [IDE mode]
		e4bf cc4d  CCM-BOOGIE
	2930  82801I (ICH9 Family) SMBus Controller
		1028 020d  Inspiron 530
ffff  Illegal Vendor ID


# List of known device classes, subclasses and programming interfaces

# Syntax:
# C class	class_name
#	subclass	subclass_name  		<-- single tab
#		prog-if  prog-if_name  	<-- two tabs

C 00  Unclassified device
	00  Non-VGA unclassified device
	01  VGA compatible unclassified device
	05  Image coprocessor
C 01  Mass storage controller
	00  SCSI storage controller
	01  IDE interface
		00  ISA Compatibility mode-only controller
		05  PCI native mode-only controller
		0a  ISA Compatibility mode controller, supports both channels switched to PCI native mode
		0f  PCI native mode controller, supports both channels switched to ISA compatibility mode
		80  ISA Compatibility mode-only controller, supports bus mastering
		85  PCI native mode-only controller, supports bus mastering
		8a  ISA Compatibility mode controller, supports both channels switched to PCI native mode, supports bus mastering
		8f  PCI native mode controller, supports both channels switched to ISA compatibility mode, supports bus mastering
	02  Floppy disk controller
	03  IPI bus controller
	04  RAID bus controller
	05  ATA controller
		20  ADMA single stepping
		30  ADMA continuous operation
	06  SATA controller
		00  Vendor specific
		01  AHCI 1.0
		02  Serial Storage Bus
	07  Serial Attached SCSI controller
		01  Serial Storage Bus
	08  Non-Volatile memory controller
		01  NVMHCI
		02  NVM Express
	09  Universal Flash Storage controller
		00  Vendor specific
		01  UFSHCI
	80  Mass storage controller
C 02  Network controller
	00  Ethernet controller
	01  Token ring network controller
	02  FDDI network controller
	03  ATM network controller
	04  ISDN controller
	05  WorldFip controller
	06  PICMG controller
	07  Infiniband controller
	08  Fabric controller
	80  Network controller
C 03  Display controller
`;
