// The app's own helpers the docs' code blocks call, declared only (test/types/docs/snippets.ts imports
// into each block the ones it names). Nothing else belongs here: every other name a block uses must
// come from its own imports, or, for a block with none, from the kit's exports.
import type { LaunchError } from '@/uni_modules/navi-kit'

/** The app's session check (README's guard, readme.md's async guard). */
export declare function loggedIn(): boolean
/** A QR code to scan when no mini program opened (README, readme.md). */
export declare function showQrCode(): void
/** docs/launcher.md's name for the same. */
export declare function showQrCodeFallback(): void
/** An analytics call (readme.md's afterEach). */
export declare function report(path: string, code?: string): void
/** `<navi-launch-weapp @launch @error>` handlers (readme.md, docs/launcher.md). */
export declare function onLaunch(result: { via: string }): void
export declare function onError(error: LaunchError): void
