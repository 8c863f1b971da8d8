/**
 * The router's limits and waits. A module that imports nothing: esbuild (and so an app's bundle) writes such a
 * module's number constants in where they are used, but keeps those of a module with imports as variables.
 */

/** WeChat's page stack limit, applied on every mini-program platform unless `maxStack` says otherwise. */
export const MINI_PROGRAM_MAX_STACK = 10
export const DEFAULT_QUERY_LIMIT = 1024
/** A guard chain that redirects this many times is taken for a loop. */
export const MAX_REDIRECTS = 10
/** How long back() waits for uni-h5 to pop the page, should no popstate come. */
export const LEAVE_MS = 1000
/**
 * How long a navigation on H5 waits for its page to show, its code perhaps still loading; on the App, for the
 * navigation before it to be answered.
 */
export const ARRIVE_MS = 3000
