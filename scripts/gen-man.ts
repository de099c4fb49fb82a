// Writes man/pve-passthrough.1 and docs/manual.md from the program's own tables.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { manualMarkdown, manualRoff } from '../src/manual.ts';

const root = join(import.meta.dirname, '..');
mkdirSync(join(root, 'man'), { recursive: true });
writeFileSync(join(root, 'man/pve-passthrough.1'), manualRoff());
writeFileSync(join(root, 'docs/manual.md'), manualMarkdown());
console.log('wrote man/pve-passthrough.1 and docs/manual.md');
