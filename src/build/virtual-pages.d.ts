// The module the navi-kit Vite plugin (src/build/vite-plugin.ts) serves.
// The type is reached relative to this folder (two levels below the folder holding uni_modules/), as the rest of the
// helper reaches the plugin, so it holds with or without an '@/' path in tsconfig; an import() type, because an
// import declaration inside `declare module` may not name a relative path.
declare module 'virtual:navi-kit/pages' {
  const pages: import('../../uni_modules/navi-kit').PagesJson
  export default pages
}
