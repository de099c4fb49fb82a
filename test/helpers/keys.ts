// Named keys as a terminal sends them.
export const KEY = {
  ENTER: '\r',
  ESC: '\x1b',
  UP: '\x1b[A',
  DOWN: '\x1b[B',
  RIGHT: '\x1b[C',
  LEFT: '\x1b[D',
  TAB: '\t',
  SPACE: ' ',
  BACKSPACE: '\x7f',
  PGDN: '\x1b[6~',
  PGUP: '\x1b[5~',
  CTRL_C: '\x03',
  CTRL_D: '\x04',
  CTRL_Z: '\x1a',
} as const;
