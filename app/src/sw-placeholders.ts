/**
 * The two strings the build's precache plugin (../precache-plugin.ts) replaces in the service
 * worker (sw.ts): the list of built files and the build's version. One definition for both sides.
 */
export const PRECACHE_PLACEHOLDER = '__LAWFIT_PRECACHE_LIST__';
export const VERSION_PLACEHOLDER = '__LAWFIT_BUILD_VERSION__';
