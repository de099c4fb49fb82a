// `!`: the pre-flight checks on the node as it is now, each problem with its fix.
import { findingsSummary, type Finding } from '../../model/checks.ts';
import { wrapText } from '../Styled.tsx';
import { ScrollingDialog, type DialogLine } from './ScrollingDialog.tsx';

export function checksLines(findings: Finding[], width: number): DialogLine[] {
  if (!findings.length) return [{ text: 'Nothing found: every VM with PCI devices can start as configured.', colour: 'green' }];
  const lines: DialogLine[] = [];
  const wrap = (text: string, colour?: DialogLine['colour']) => wrapText(text, width).forEach((t) => lines.push({ text: `  ${t}`, colour }));
  for (const f of findings) {
    if (lines.length) lines.push({ text: '' });
    lines.push({ text: `${f.severity === 'error' ? 'ERROR' : 'WARN '}  ${f.where}`, colour: f.severity === 'error' ? 'red' : 'yellow', bold: true });
    wrap(f.message);
    wrap(`fix: ${f.fix}`, 'cyan');
  }
  return lines;
}

export function ChecksDialog({ findings, width, height, scroll }: { findings: Finding[]; width: number; height: number; scroll: number }) {
  return <ScrollingDialog title={`Checks: ${findingsSummary(findings)} (Esc closes)`} lines={checksLines(findings, width - 6)} width={width} height={height} scroll={scroll} />;
}
