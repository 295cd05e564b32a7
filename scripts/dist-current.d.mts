/** Whether `root`'s dist/ is current: it has the CLI and is newer than src/, tsconfig.json and package.json. */
export function distIsCurrent(root: string): boolean;
