import { ensureBuild } from '../build'

/** Builds dist/build/mp-weixin when it is missing or stale (never under `npm test`, which builds first). */
export default function setup(): void {
  ensureBuild('mp-weixin')
}
