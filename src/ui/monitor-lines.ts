// The Monitor view as lines for a given width: a title, the active alerts, a table header and
// one line per row with its sparkline. Two column sets: the essentials at 80 columns, every
// counter and the VF settings from 140. Pure over the stores, so the keys (page size) and the
// component agree.
import {
  byteRate,
  errorWords,
  si,
  sparkline,
  speedWords,
  useWords,
  vfWords,
  type MonitorRow,
} from '../model/monitor/index.ts';
import type { AppStore } from '../store/app-store.ts';
import { monitorStore, type MonitorSlice } from '../store/monitor.ts';
import type { Colour } from './theme.ts';
import { fit } from './Styled.tsx';

export interface MonitorLine {
  text: string;
  colour?: Colour;
  /** The row's sparkline, drawn after `text` in its own colour. */
  spark?: string;
}

export interface MonitorScreen {
  title: string;
  alerts: MonitorLine[];
  header: string;
  rows: MonitorLine[];
  /** Table rows that fit under the header. */
  page: number;
  /** First row shown (the stored scroll, clamped). */
  scroll: number;
}

interface Column {
  head: string;
  width: number;
  cell: (r: MonitorRow) => string;
}

/** A VF under its PF, by its host interface when it has one (the PCI column and the CLI give its index). */
const name = (r: MonitorRow) =>
  r.target.kind === 'vf' ? `  ${r.target.ifname ?? `vf${r.target.vfIndex}`}` : r.target.id;
const pci = (r: MonitorRow) => r.target.address.replace(/^0000:/, '');

const NARROW: Column[] = [
  { head: 'NAME', width: 12, cell: name },
  { head: 'LINK', width: 10, cell: (r) => r.link },
  { head: 'SPEED', width: 5, cell: (r) => speedWords(r.speedMbps) },
  { head: 'RX/s', width: 8, cell: (r) => byteRate(r.rates?.rxBytes ?? null) },
  { head: 'TX/s', width: 8, cell: (r) => byteRate(r.rates?.txBytes ?? null) },
  { head: 'ERR/s', width: 5, cell: errorWords },
  { head: 'USED BY', width: 12, cell: useWords },
];

const WIDE: Column[] = [
  { head: 'NAME', width: 14, cell: name },
  { head: 'PCI', width: 7, cell: pci },
  { head: 'LINK', width: 11, cell: (r) => r.link },
  { head: 'SPEED', width: 5, cell: (r) => speedWords(r.speedMbps) },
  { head: 'RX/s', width: 9, cell: (r) => byteRate(r.rates?.rxBytes ?? null) },
  { head: 'TX/s', width: 9, cell: (r) => byteRate(r.rates?.txBytes ?? null) },
  { head: 'RXpkt/s', width: 7, cell: (r) => si(r.rates?.rxPackets ?? null) },
  { head: 'TXpkt/s', width: 7, cell: (r) => si(r.rates?.txPackets ?? null) },
  { head: 'ERR/s', width: 5, cell: errorWords },
  { head: 'USED BY', width: 16, cell: useWords },
  { head: 'VF SETTINGS / NOTE', width: 36, cell: (r) => [vfWords(r), r.note].filter(Boolean).join('; ') },
];

export const WIDE_FROM = 140;
const HISTORY_COLUMNS = 60;

/** Lines above the table: the view's title and its header; alerts take up to a quarter of the rest. */
function alertRoom(mainRows: number, alerts: number): number {
  return Math.min(alerts, Math.max(1, Math.floor((mainRows - 2) / 4)));
}

export function monitorScreen(
  size: { columns: number; rows: number },
  ascii: boolean,
  m: MonitorSlice,
  available: boolean,
): MonitorScreen {
  const mainRows = Math.max(1, size.rows - 3); // status line, legend/flash, hint bar
  const cols = size.columns;
  const st = m.state;
  const alerts = st?.alerts ?? [];
  const title = !available
    ? ' Monitor: not available here (no network sampler on this host)'
    : !st
      ? ` Monitor: sampling${m.error ? ` failed: ${m.error}` : ascii ? '...' : '…'}`
      : ` Monitor  ${st.rows.length} network functions, every ${m.intervalS} s, ${alerts.length ? `${alerts.length} alert${alerts.length > 1 ? 's' : ''}` : 'no alerts'}${m.error ? `  (last sample failed: ${m.error})` : ''}`;
  const room = alertRoom(mainRows, alerts.length);
  const shown = alerts.slice(0, room).map((a, i): MonitorLine => {
    const more = i === room - 1 && alerts.length > room ? ` (+${alerts.length - room} more)` : '';
    return { text: fit(` ${ascii ? '!' : '⚠'} ${a.message}${more}`, cols), colour: 'red' };
  });
  const set = cols >= WIDE_FROM ? WIDE : NARROW;
  const fixed = set.reduce((a, c) => a + c.width + 1, 1); // a leading space, one after each column
  const sparkWidth = Math.max(0, Math.min(HISTORY_COLUMNS, cols - fixed));
  const header = fit(` ${set.map((c) => fit(c.head, c.width)).join(' ')} ${sparkWidth >= 6 ? 'RX+TX' : ''}`, cols);
  const rows = (st?.rows ?? []).map((r): MonitorLine => {
    if (r.target.kind === 'passed') {
      // Nothing to count: where the function went, across the counter columns.
      return { text: fit(` ${fit(name(r), set[0]!.width)} ${r.link}`, cols), colour: 'gray' };
    }
    const text = ` ${set.map((c) => fit(c.cell(r), c.width)).join(' ')} `;
    return {
      text: fit(text, Math.min(cols, text.length)),
      colour: r.down ? 'red' : r.link === 'vanished' || r.note ? 'yellow' : undefined,
      spark: sparkWidth ? sparkline(r.history, sparkWidth, ascii) : undefined,
    };
  });
  const page = Math.max(1, mainRows - 2 - shown.length);
  const scroll = Math.max(0, Math.min(m.scroll, rows.length - page));
  return { title: fit(title, cols), alerts: shown, header, rows, page, scroll };
}

/** Table rows one page of the view shows now (for PgUp/PgDn). */
export function monitorPage(app: AppStore): number {
  const st = app.getState();
  return monitorScreen(st.size, st.ascii, monitorStore(app).getState(), Boolean(st.host.monitor)).page;
}
