// The VF editor's settings page (v, then Tab) on the node configured by hand: fields from the
// recorded ip -j output, the offered MAC for a VF without one, refusals shown before Enter.
import { afterEach, describe, expect, it } from 'vitest';
import { selectPlan } from '../../src/store/app-store.ts';
import { detailsLines } from '../../src/ui/details-lines.ts';
import { fixtureSnapshot } from '../helpers/snapshots.ts';
import { goTo, renderFixture, type Harness } from '../helpers/app.tsx';
import { KEY } from '../helpers/keys.ts';
import { removeTree } from '../helpers/tree.ts';

const SNAP = (name: string) => `../../snapshots/${name}.txt`;
let h: Harness | null = null;
afterEach(() => {
  h?.unmount();
  if (h) removeTree(h.root);
  h = null;
});

describe('VF settings in the VF editor', () => {
  it('v, Tab: VF 0 of port 0 has no MAC and is offered a free locally administered one; edits stage only what changes', async () => {
    h = await renderFixture('by-hand');
    await goTo(h, '0000:03:00.0');
    await h.press('v', KEY.TAB);
    let f = await h.waitFor((x) => x.includes('VF settings: 0000:03:00.0 VF 0'));
    expect(f).toContain('02:03:00:00:00:00  (offered: locally administered, free)');
    expect(f).toContain('Now: no mac set, no vlan, trust off, spoofchk on, link auto');
    // VLAN 10, trust on
    await h.press(KEY.DOWN, '1', '0', KEY.DOWN, KEY.DOWN, KEY.SPACE);
    f = await h.waitFor((x) => x.includes('Stages: mac 02:03:00:00:00:00, vlan 10, trust on'));
    await expect(f).toMatchFileSnapshot(SNAP('vf-settings-80x24'));
    await h.press(KEY.ENTER);
    expect(h.store.getState().intents).toEqual([
      {
        kind: 'vf-settings',
        address: '0000:03:00.0',
        vf: 0,
        settings: { mac: '02:03:00:00:00:00', vlan: 10, qos: 0, trust: true },
      },
    ]);
    // the plan has the live step, and the tree marks the PF
    expect(
      selectPlan(h.store.getState()).steps.some(
        (s) =>
          s.kind === 'command' &&
          s.argv.join(' ') === 'ip link set enp3s0f0 vf 0 mac 02:03:00:00:00:00 vlan 10 qos 0 trust on',
      ),
    ).toBe(true);
    await h.waitFor((x) => x.includes('+vf0'));
  });

  it('← → walk the VFs; a MAC the node already has is shown as refused and Enter does not stage it', async () => {
    h = await renderFixture('by-hand');
    await goTo(h, '0000:03:00.1');
    await h.press('v', KEY.TAB);
    let f = await h.waitFor((x) => x.includes('VF settings: 0000:03:00.1 VF 0'));
    expect(f).toContain('52:54:00:3a:10:01');
    await h.press(KEY.UP, KEY.RIGHT);
    f = await h.waitFor((x) => x.includes('VF settings: 0000:03:00.1 VF 1'));
    expect(f).toContain('c6:4f:1e:82:9d:07');
    // the MAC field: erase it all and type the management NIC's MAC
    await h.press(KEY.DOWN, ...Array(17).fill(KEY.BACKSPACE), ...'68:05:ca:1d:22:7e'.split(''));
    f = await h.waitFor((x) => x.includes('Cannot stage'));
    expect(f).toMatch(/MAC 68:05:ca:1d:22:7e is already used by interface eno1/);
    await h.press(KEY.ENTER);
    expect(h.store.getState().intents).toEqual([]);
    expect(h.store.getState().dialog?.kind).toBe('vf-settings');
    // VLAN beyond 4095 is refused the same way
    await h.press(...Array(17).fill(KEY.BACKSPACE), KEY.DOWN, '5', '0', '0', '0');
    await h.waitFor((x) => x.includes('Cannot stage: VLAN 5000 out of range: 0..4095'));
    // Esc goes back to the count
    await h.press(KEY.ESC);
    await h.waitFor((x) => x.includes('Count (0..7)'));
  });

  it('a PF with no VFs says to stage a count first', async () => {
    h = await renderFixture('guide');
    await goTo(h, '0000:04:00.1');
    await h.press('v', KEY.TAB);
    await h.waitFor((x) => x.includes('has no VFs yet: type a count first, then Tab.'));
  });

  it('Tab uses the count typed but not staged, says so, and Enter stages it with the settings; else it names the count', async () => {
    h = await renderFixture('guide');
    await goTo(h, '0000:04:00.1');
    await h.press('v', KEY.BACKSPACE, '2');
    await h.waitFor((x) => x.includes('Tab: settings of these 2 VFs'));
    await h.press(KEY.TAB);
    let f = await h.waitFor((x) => x.includes('VF settings: 0000:04:00.1 VF 0'));
    expect(f).toContain('< 0 >  of 2 (the count typed: Enter stages it too)');
    expect(f).toContain('Now: not there yet (the new count creates it');
    expect(h.store.getState().intents).toEqual([]); // nothing staged by Tab
    // VF 1 exists only in the typed count too: → reaches it; Esc goes back with the typed count kept.
    await h.press(KEY.UP, KEY.RIGHT);
    await h.waitFor((x) => x.includes('VF settings: 0000:04:00.1 VF 1') && x.includes('of 2 (the count typed'));
    await h.press(KEY.ESC);
    await h.waitFor((x) => x.includes('Count (0..32):  [ 2 ]'));
    await h.press(KEY.TAB);
    await h.waitFor((x) => x.includes('VF settings: 0000:04:00.1 VF 0'));
    // trust on, Enter: the count and the settings are staged together, and the plan accepts them.
    await h.press(KEY.DOWN, KEY.DOWN, KEY.DOWN, KEY.SPACE, KEY.ENTER);
    await h.waitFor((x) => !x.includes('VF settings:'));
    const st = h.store.getState();
    expect(st.intents).toEqual([
      { kind: 'vfs', address: '0000:04:00.1', count: 2 },
      {
        kind: 'vf-settings',
        address: '0000:04:00.1',
        vf: 0,
        settings: { mac: '02:04:01:00:00:00', vlan: 0, qos: 0, trust: true },
      },
    ]);
    expect(st.flash).toMatch(
      /^Staged: set 2 VFs on 0000:04:00.1; set VF 0 of 0000:04:00.1: mac 02:04:01:00:00:00, no vlan, trust on/,
    );
    expect(selectPlan(st).errors).toEqual([]);
    h.unmount();
    removeTree(h.root);

    // The X710 port with 4 live VFs (recorded ip -d -j link show): the live count, the VF's settings now.
    h = await renderFixture('guide');
    await goTo(h, '0000:04:00.0');
    await h.press('v', KEY.TAB);
    f = await h.waitFor((x) => x.includes('VF settings: 0000:04:00.0 VF 0'));
    expect(f).toContain('< 0 >  of 4 (the live count)');
    expect(f).toContain('Now: mac bc:24:11:00:01:10, vlan 10, trust off, spoofchk on, link auto');
  });
});

describe('the details pane', () => {
  it("a PF lists each VF's settings as its driver reports them; a VF shows its own", async () => {
    const snap = await fixtureSnapshot('by-hand');
    const text = (address: string) =>
      detailsLines(snap, {
        kind: 'device',
        id: address,
        address,
        depth: 1,
        isolation: 'isolated',
        expandable: false,
        expanded: false,
        marks: [],
      }).map((l) => l.text);
    expect(text('0000:03:00.1')).toEqual(
      expect.arrayContaining([
        'VF settings (enp3s0f1; v edits them):',
        '  VF 0: mac 52:54:00:3a:10:01, no vlan, trust off, spoofchk on, link auto',
        '  VF 1: mac c6:4f:1e:82:9d:07, no vlan, trust off, spoofchk on, link auto',
      ]),
    );
    expect(text('0000:03:10.5')).toContain('VF 1: mac c6:4f:1e:82:9d:07, no vlan, trust off, spoofchk on, link auto');
    expect(text('0000:03:10.0')).toContain('VF 0: no mac set, no vlan, trust off, spoofchk on, link auto');
    // The guide's X710 (recorded ip -d -j link show): its VFs' settings; the same PF not read shows no such lines.
    const guide = await fixtureSnapshot('guide');
    const pfLines = (sn: typeof guide) =>
      detailsLines(sn, {
        kind: 'device',
        id: 'x',
        address: '0000:04:00.0',
        depth: 1,
        isolation: 'isolated',
        expandable: false,
        expanded: false,
        marks: [],
      }).map((l) => l.text);
    expect(pfLines(guide)).toEqual(
      expect.arrayContaining([
        'VF settings (enp4s0f0; v edits them):',
        '  VF 0: mac bc:24:11:00:01:10, vlan 10, trust off, spoofchk on, link auto',
      ]),
    );
    expect(pfLines({ ...guide, vfInfo: {} }).some((l) => l.startsWith('VF settings'))).toBe(false);
  });
});
