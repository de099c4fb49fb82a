// The program's version: injected by the build (esbuild define); read from package.json when
// running from a source checkout.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

declare const __PVE_PASSTHROUGH_VERSION__: string | undefined;

export function version(): string {
  if (typeof __PVE_PASSTHROUGH_VERSION__ === 'string') return __PVE_PASSTHROUGH_VERSION__;
  try {
    return (JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}
