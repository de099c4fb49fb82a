import { describe, expect, it } from 'vitest';
import { createPciNames } from '../../src/model/pci-ids.ts';
import { REAL_PCI_IDS_EXCERPT } from './pci-ids-excerpt.ts';

describe('pci.ids with real vendor blocks (comments inside blocks)', () => {
  const names = createPciNames(REAL_PCI_IDS_EXCERPT);

  it('finds devices that come after comment lines inside their vendor block', () => {
    // Intel: '# and registers common to both SPs' etc. sit between the vendor line and these.
    expect(names.device('8086', '10d3')).toBe('82574L Gigabit Network Connection');
    expect(names.device('8086', '2918')).toBe('82801IB (ICH9) LPC Interface Controller');
    expect(names.device('8086', '2922')).toBe('82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller [AHCI mode]');
    expect(names.device('8086', '2930')).toBe('82801I (ICH9 Family) SMBus Controller');
    expect(names.device('8086', '0503')).toBe('E8870 Scalability Port 1');
    // LSI: '# Fujitsu D2607 ...' inside 0072's subsystems, '# Supermicro ...' inside 0097's.
    expect(names.device('1000', '0097')).toBe('SAS3008 PCI-Express Fusion-MPT SAS-3');
    expect(names.device('1000', '0094')).toBe('SAS3108 PCI-Express Fusion-MPT SAS-3');
    // A comment right after the vendor line, before its only device.
    expect(names.device('0010', '8139')).toBe('AT-2500TX V3 Ethernet');
    expect(names.vendor('8086')).toBe('Intel Corporation');
    expect(names.vendor('1000')).toBe('Broadcom / LSI');
    expect(names.vendor('ffff')).toBe('Illegal Vendor ID');
  });

  it('never reads a device line of another vendor, a subsystem line or a class line as a device', () => {
    // 1001 (Kolter) lists 0010; Intel does not: the next vendor's line ends Intel's block.
    expect(names.device('1001', '0010')).toBe('PCI 1616 Measurement card with 32 digital I/O lines');
    expect(names.device('8086', '0010')).toBeNull();
    // '\t\t1028 0236  PowerEdge R610 ...' is a subsystem of 2918, not a device 1028.
    expect(names.device('8086', '1028')).toBeNull();
    // The last vendor block (ffff) ends at the class section: 'C 02' / '\t00' are no devices.
    expect(names.device('ffff', '00')).toBeNull();
    expect(names.device('ffff', '0000')).toBeNull();
    expect(names.vendor('0002')).toBeNull();
    expect(names.device('1234', '5678')).toBeNull();
  });

  it('names subsystems, past comment lines between them', () => {
    expect(names.subsystem('1000', '0097', '1000', '30e0')).toBe('SAS9300-8i');
    expect(names.subsystem('1000', '0097', '15d9', '0808')).toBe('AOC-S3008L-L8e');
    expect(names.subsystem('1000', '0072', '1734', '1177')).toBe('HBA Ctrl SAS 6G 0/1 [D2607]');
    expect(names.subsystem('8086', '10d3', '15d9', '0605')).toBe('X8SIL');
    // 2918's subsystems are not 10d3's.
    expect(names.subsystem('8086', '10d3', '1028', '0236')).toBeNull();
    expect(names.subsystem('8086', '2918', '1028', '0236')).toBe(
      'PowerEdge R610 82801IB (ICH9) LPC Interface Controller',
    );
  });

  it('takes class names from the class section, built-in names for what it lacks', () => {
    expect(names.className('0106')).toBe('SATA controller');
    expect(names.className('0109')).toBe('Universal Flash Storage controller');
    expect(names.className('0208')).toBe('Fabric controller');
    expect(names.className('0300')).toBe('VGA compatible controller');
    expect(names.className('0c03')).toBe('USB controller'); // not in the excerpt: built in
    expect(names.className('7777')).toBeNull();
  });

  it('reads CRLF files and ids in any case', () => {
    const crlf = createPciNames(REAL_PCI_IDS_EXCERPT.replace(/\n/g, '\r\n'));
    expect(crlf.device('8086', '10D3')).toBe('82574L Gigabit Network Connection');
    expect(crlf.vendor('8086')).toBe('Intel Corporation');
  });
});
