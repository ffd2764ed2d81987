/**
 * Paths of files dropped on the Electron window. The sandboxed page cannot read a File's
 * path itself; the preload exposes `window.latheFiles.pathsOf` (Electron's
 * `webUtils.getPathForFile`), and the main process then reads the files where they are.
 * A browser has no such thing: it uploads the bytes instead (upload.ts).
 */
declare global {
  interface Window {
    /** Set by the Electron preload; absent in a plain browser (and in a preload that predates it). */
    latheFiles?: {
      pathsOf(files: File[]): string[];
    };
  }
}

/** The files' paths, or null where this window cannot name them. Files without a path (dragged from a web page) are left out. */
export function pathsOfDroppedFiles(files: readonly File[]): string[] | null {
  const pathsOf = window.latheFiles?.pathsOf;
  if (pathsOf === undefined) return null;
  return pathsOf([...files]).filter((path) => path !== '');
}
