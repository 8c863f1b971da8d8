// The module the navi-kit Vite plugin (src/build/vite-plugin.ts) serves.
declare module 'virtual:navi-kit/pages' {
  import type { PagesJson } from '@/uni_modules/navi-kit'
  const pages: PagesJson
  export default pages
}
