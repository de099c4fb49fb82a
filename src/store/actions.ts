// Store actions: every key the operator presses ends in one of these, one file per concern.
// Synchronous except commit, which awaits the host port's apply and re-reads the host afterwards.
export * from './navigation.ts';
export * from './dialogs.ts';
export * from './staging.ts';
export * from './vfs.ts';
export * from './assign-dialog.ts';
export * from './commit.ts';
