// --vf PF/N=KEY=VALUE[,KEY=VALUE...]: the settings of VF N of the physical function PF.
// Keys: mac (xx:xx:xx:xx:xx:xx, or `auto` for the locally administered one we offer), vlan,
// qos, trust, spoofchk (on/off), state (auto/enable/disable). Parsed strictly here (syntax,
// unknown or repeated keys); ranges, duplicate MACs and the VF index are the planner's to refuse,
// as in the TUI.
import { normalizeAddress, slotOf } from '../model/address.ts';
import { offeredVfMac } from '../model/plan/vf-settings.ts';
import type { HostSnapshot, Intent, VfLinkState, VfSettings } from '../model/types.ts';
import { LINK_STATES, macProblem, normalizeMac } from '../model/vf-settings.ts';
import { clip, UsageError } from './args.ts';

const FORM =
  'expected PF/N=KEY=VALUE[,KEY=VALUE...] with keys mac, vlan, qos, trust, spoofchk, state (e.g. --vf 04:00.0/0=mac=02:00:00:00:00:01,vlan=10,trust=on)';
const KEYS = ['mac', 'vlan', 'qos', 'trust', 'spoofchk', 'state'] as const;

export function vfIntentFromFlag(v: string, snap: HostSnapshot, staged: Intent[]): Intent {
  const bad = (why: string) => new UsageError(`--vf ${clip(v)}: ${why}`);
  const m = /^([^/=]+)\/(\d+)=(.*)$/.exec(v);
  if (!m) throw bad(FORM);
  let pf = normalizeAddress(m[1]!);
  if (!pf) throw bad(`'${clip(m[1]!)}' is not a PCI address (the physical function, e.g. 04:00.0)`);
  if (!pf.includes('.')) {
    const fns = snap.devices.filter((d) => slotOf(d.address) === pf).map((d) => d.address);
    if (fns.length !== 1)
      throw bad(
        `${pf} is a slot${fns.length ? ` with ${fns.length} functions (${fns.join(', ')})` : ''}: name the physical function with its '.N', e.g. ${pf.replace(/^0000:/, '')}.0`,
      );
    pf = fns[0]!;
  }
  const vf = Number(m[2]);
  const settings: VfSettings = {};
  const seen = new Set<string>();
  let autoMac = false;
  if (!m[3]) throw bad(`no setting after '=': ${FORM}`);
  for (const kv of m[3].split(',')) {
    const eq = kv.indexOf('=');
    const [k, val] = eq < 0 ? [kv, ''] : [kv.slice(0, eq), kv.slice(eq + 1)];
    if (!(KEYS as readonly string[]).includes(k)) throw bad(`unknown setting '${clip(k)}' (${KEYS.join(', ')})`);
    if (seen.has(k)) throw bad(`${k} given twice`);
    seen.add(k);
    if (!val) throw bad(`${k} has no value`);
    switch (k) {
      case 'mac':
        if (val === 'auto') autoMac = true;
        else if (!normalizeMac(val)) throw bad(macProblem(val)!);
        else settings.mac = normalizeMac(val)!;
        break;
      case 'vlan':
      case 'qos':
        if (!/^\d+$/.test(val)) throw bad(`${k} must be a whole number (vlan 0..4095, qos 0..7), got '${clip(val)}'`);
        settings[k] = Number(val);
        break;
      case 'trust':
      case 'spoofchk':
        if (!['on', 'off', '1', '0', 'yes', 'no'].includes(val))
          throw bad(`${k} must be on or off, got '${clip(val)}'`);
        settings[k] = val === 'on' || val === '1' || val === 'yes';
        break;
      case 'state':
        if (!(LINK_STATES as string[]).includes(val))
          throw bad(`state must be ${LINK_STATES.join(', ')}, got '${clip(val)}'`);
        settings.state = val as VfLinkState;
        break;
    }
  }
  if (autoMac) settings.mac = offeredVfMac(snap, pf, vf, staged);
  return { kind: 'vf-settings', address: pf, vf, settings: orderKeys(settings) };
}

/** Keys in one order whatever order they were typed in (so equal intents compare equal). */
const orderKeys = (s: VfSettings): VfSettings =>
  Object.fromEntries(KEYS.filter((k) => s[k] !== undefined).map((k) => [k, s[k]])) as VfSettings;
