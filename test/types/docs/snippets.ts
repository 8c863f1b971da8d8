// The docs' ```ts and ```vue blocks, type-checked as an app's own modules (test/types/docs.test.ts).
//
// Each block becomes one file of a generated program (test-results/doc-snippets/), checked by one
// vue-tsc run: a ts block as a module beside the app's main.ts (its `./App.vue`, `./src/build/…`
// resolve from the project root), a vue block as a page's .vue file. The route names are the ones
// src/build/generate-routes.ts writes for the demo's pages.json, so `name: 'detial'` fails.
// What a block does not write itself is added without moving its lines:
// - the prelude's helpers (./prelude.ts) the block names, imported;
// - a block with no import or export at all is a fragment of a page's <script setup>: it gets the kit's
//   exports it names, imported, and runs inside an async function, which gives it `router` /
//   `route` (useRouter() / useRoute()) when it uses them without declaring them;
// - a vue block without a <script> is a template: it gets one that imports the easycom
//   components it uses (uni_modules/navi-kit/components/<tag>/<tag>.vue), with their props and
//   events checked (vueCompilerOptions checkUnknownProps / checkUnknownEvents).
// Two canary files with a known error each (a wrong route name, a wrong prop) prove the run sees
// the route names and the components' props: without them every block could pass for nothing.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { allPageTables, routeTypes } from '../../../src/build/generate-routes'

/** Where the generated program goes (git ignores test-results/). */
export const SNIPPETS_DIR = 'test-results/doc-snippets'
const KIT = '@/uni_modules/navi-kit'
const PRELUDE = '@/test/types/docs/prelude'
const PRELUDE_FILE = 'test/types/docs/prelude.ts'
const COMPONENTS_DIR = 'uni_modules/navi-kit/components'

/** The docs whose blocks are checked: the two readmes and every page of docs/. */
export function docFiles(root: string): string[] {
  const docs = fs
    .readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`)
  return ['README.md', 'uni_modules/navi-kit/readme.md', ...docs]
}

export interface Snippet {
  /** `README.md:60`: the doc and the line of the block's opening fence. */
  id: string
  file: string
  /** The opening fence's line (1-based); the block's first line is the next one. */
  line: number
  lang: 'ts' | 'vue'
  code: string
}

const LANGS: Record<string, Snippet['lang']> = { ts: 'ts', typescript: 'ts', vue: 'vue' }

/** Every ```ts / ```typescript / ```vue block of the given docs, in order. */
export function extractSnippets(root: string, files = docFiles(root)): Snippet[] {
  const snippets: Snippet[] = []
  for (const file of files) {
    const lines = fs.readFileSync(path.join(root, file), 'utf8').split(/\r?\n/)
    for (let i = 0; i < lines.length; i++) {
      const open = /^( *)(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]!)
      if (!open) continue
      const [, indent, fence, info] = open as unknown as [string, string, string, string]
      let end = i + 1
      while (end < lines.length && !isClosingFence(lines[end]!, fence)) end++
      const lang = LANGS[info.toLowerCase()]
      if (lang) {
        const body = lines.slice(i + 1, end).map((text) => (text.startsWith(indent) ? text.slice(indent.length) : text.trimStart()))
        snippets.push({ id: `${file}:${i + 1}`, file, line: i + 1, lang, code: body.join('\n') })
      }
      i = end
    }
  }
  return snippets
}

function isClosingFence(text: string, fence: string): boolean {
  const close = /^ *(`{3,}|~{3,})\s*$/.exec(text)
  return !!close && close[1]![0] === fence[0] && close[1]!.length >= fence.length
}

/** The names a module exports (`export { a } from`, `export function b`, `export declare const c`…). */
function exportedNames(file: string): Set<string> {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const names = new Set<string>()
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) names.add(element.name.text)
      continue
    }
    const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
    if (!exported) continue
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) if (ts.isIdentifier(declaration.name)) names.add(declaration.name.text)
    } else if ('name' in statement && statement.name && ts.isIdentifier(statement.name as ts.Node)) {
      names.add((statement.name as ts.Identifier).text)
    }
  }
  return names
}

/** Script code's identifiers that it does not declare or import itself, and whether it is a module (imports or exports). */
function scriptNames(code: string): { free: Set<string>; module: boolean } {
  const source = ts.createSourceFile('block.ts', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const used = new Set<string>()
  const declared = new Set<string>()
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) used.add(node.text)
    const name = (node as { name?: ts.Node }).name
    if (
      name &&
      ts.isIdentifier(name) &&
      (ts.isVariableDeclaration(node) ||
        ts.isFunctionDeclaration(node) ||
        ts.isClassDeclaration(node) ||
        ts.isParameter(node) ||
        ts.isBindingElement(node) ||
        ts.isImportSpecifier(node) ||
        ts.isImportClause(node) ||
        ts.isNamespaceImport(node) ||
        ts.isInterfaceDeclaration(node) ||
        ts.isTypeAliasDeclaration(node))
    )
      declared.add(name.text)
    ts.forEachChild(node, visit)
  }
  visit(source)
  return {
    free: new Set([...used].filter((n) => !declared.has(n))),
    module: source.statements.some(
      (s) =>
        ts.isImportDeclaration(s) ||
        ts.isImportEqualsDeclaration(s) ||
        ts.isExportDeclaration(s) ||
        ts.isExportAssignment(s) ||
        (ts.canHaveModifiers(s) && !!ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)),
    ),
  }
}

const importLine = (names: Iterable<string>, from: string): string => {
  const list = [...names].sort()
  return list.length ? `import { ${list.join(', ')} } from '${from}'; ` : ''
}

const pascal = (tag: string): string => tag.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase())

/** Text the check puts into a block's file: `length` characters at `line`:`column` of the block (1-based). */
interface Insertion {
  line: number
  column: number
  length: number
}

interface Generated {
  snippet: Snippet
  file: string
  insertion: Insertion
  lines: number
}

const at = (code: string, index: number): { line: number; column: number } => {
  const before = code.slice(0, index).split('\n')
  return { line: before.length, column: before[before.length - 1]!.length + 1 }
}

/** The generated file's text for one block, and where in it the check's own text went. */
function generate(root: string, snippet: Snippet, kit: Set<string>, prelude: Set<string>): { text: string; insertion: Insertion } {
  const first = (head: string): Insertion => ({ line: 1, column: 1, length: head.length })
  if (snippet.lang === 'ts') {
    const { free, module } = scriptNames(snippet.code)
    const helpers = importLine([...free].filter((n) => prelude.has(n)), PRELUDE)
    if (module) return { text: helpers + snippet.code + '\n', insertion: first(helpers) }
    // A fragment of page code: the kit's names it uses, imported as the page would, and its statements in a function.
    const fromKit = new Set([...free].filter((n) => kit.has(n)))
    let given = ''
    if (free.has('router')) (given += 'const router = useRouter(); '), fromKit.add('useRouter')
    if (free.has('route')) (given += 'const route = useRoute(); '), fromKit.add('useRoute')
    const head = importLine(fromKit, KIT) + helpers + 'export async function snippet(): Promise<void> { ' + given
    return { text: head + snippet.code + '\n}\n', insertion: first(head) }
  }
  const script = /<script\b[^>]*>/.exec(snippet.code)
  const scriptEnd = snippet.code.indexOf('</script>')
  const scriptCode = script && scriptEnd > script.index ? snippet.code.slice(script.index + script[0].length, scriptEnd) : ''
  const markup = script ? snippet.code.slice(0, script.index) + snippet.code.slice(scriptEnd) : snippet.code
  const { free, module } = scriptNames(scriptCode)
  const templateWords = new Set(markup.match(/[A-Za-z_$][\w$]*/g) ?? [])
  const tags = new Set([...markup.matchAll(/<([a-z][a-z0-9]*(?:-[a-z0-9]+)+)\b/g)].map((m) => m[1]!))
  const components = [...tags].filter((tag) => fs.existsSync(path.join(root, COMPONENTS_DIR, tag, `${tag}.vue`)))
  const head =
    components.map((tag) => `import ${pascal(tag)} from '${KIT}/components/${tag}/${tag}.vue'; `).join('') +
    importLine([...prelude].filter((n) => free.has(n) || templateWords.has(n)), PRELUDE) +
    (script && !module ? importLine([...free].filter((n) => kit.has(n)), KIT) : '')
  if (script) {
    if (!/\blang=["']ts["']/.test(script[0])) throw new Error(`${snippet.id}: a vue block's <script> must be lang="ts"`)
    // The imports go on the <script> tag's own line, after the tag: every line of the block stays where it is.
    const index = script.index + script[0].length
    const text = snippet.code.slice(0, index) + head + snippet.code.slice(index) + '\n'
    return { text, insertion: { ...at(snippet.code, index), length: head.length } }
  }
  // Markup alone: a page's template, and a script that imports what it names.
  const bare = !/^\s*<template\b/.test(snippet.code)
  const open = bare ? '<template>' : ''
  const text = `${open}${snippet.code}\n${bare ? '</template>\n' : ''}<script setup lang="ts">\n${head}\n</script>\n`
  return { text, insertion: first(open) }
}

/** Files with one known error each, which the run must report (see the top of this file). */
const CANARIES: Record<string, { text: string; expect: RegExp }> = {
  'canary-route-name.ts': {
    text: `import { useRouter } from '${KIT}'\nexport const go = () => useRouter().push({ name: 'no-such-page' })\n`,
    expect: /TS\d+: Type '"no-such-page"' is not assignable to type '"home" \|/,
  },
  'canary-prop.vue': {
    text: `<template><navi-launch-weapp app-id="wx4e1ba651bbe36d01" no-such-prop="x" /></template>
<script setup lang="ts">
import NaviLaunchWeapp from '${KIT}/components/navi-launch-weapp/navi-launch-weapp.vue'
</script>
`,
    expect: /TS\d+: .*'noSuchProp' does not exist/,
  },
}

/** Writes the program: one file per block, the demo's route names, and its tsconfig. */
export function writeSnippetProgram(root: string, snippets: Snippet[], dir = path.join(root, SNIPPETS_DIR)): Generated[] {
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  const kit = exportedNames(path.join(root, 'uni_modules/navi-kit/index.ts'))
  const prelude = exportedNames(path.join(root, PRELUDE_FILE))
  const generated = snippets.map((snippet) => {
    const { text, insertion } = generate(root, snippet, kit, prelude)
    const file = path.join(dir, `${snippet.file.replace(/[/\\]/g, '__')}_L${snippet.line}.${snippet.lang}`)
    fs.writeFileSync(file, text)
    return { snippet, file, insertion, lines: snippet.code.split('\n').length }
  })
  for (const [name, { text }] of Object.entries(CANARIES)) fs.writeFileSync(path.join(dir, name), text)
  // The demo's route names as the generator writes them now, not the committed copy (which may lag pages.json).
  fs.writeFileSync(path.join(dir, 'navi-routes.d.ts'), routeTypes(allPageTables(root)))
  const up = path.relative(dir, root).split(path.sep).join('/')
  // The readmes tell an app to copy src/build/ to tools/build/ (src/tools/build/ in the CLI layout): those copies
  // are the repo's own helper, re-exported where a block imports it.
  for (const copy of ['tools/build', 'src/tools/build']) {
    fs.mkdirSync(path.join(dir, copy), { recursive: true })
    const helper = path.relative(path.join(dir, copy), path.join(root, 'src/build/vite-plugin')).split(path.sep).join('/')
    fs.writeFileSync(path.join(dir, copy, 'vite-plugin.ts'), `export * from '${helper}'\n`)
  }
  const tsconfig = {
    extends: `${up}/tsconfig.json`,
    compilerOptions: {
      // paths without baseUrl resolve from this file (TypeScript 6 deprecates baseUrl).
      paths: { '@/*': [`${up}/*`] },
      // A block's relative imports (`./App.vue`, `./src/build/vite-plugin`) resolve from the root, where main.ts and
      // vite.config.ts live; so does navi-routes.d.ts's `declare module './uni_modules/navi-kit/types'`.
      rootDirs: [up, '.'],
    },
    include: [`${up}/env.d.ts`, `${up}/src/build/virtual-pages.d.ts`, '*.ts', '*.vue'],
    vueCompilerOptions: { checkUnknownProps: true, checkUnknownEvents: true },
  }
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2) + '\n')
  return generated
}

export interface SnippetCheck {
  /** Each block's errors, by its id, as `README.md:42:7 TS2322: …` followed by the doc's line. */
  errors: Map<string, string[]>
  /** Errors outside every block (the prelude, the generated tsconfig, vue-tsc itself), and canaries that did not fail. */
  other: string[]
  seconds: number
}

interface Diagnostic {
  file?: string
  line: number
  column: number
  code: string
  message: string
}

/** `file(line,col): error TSxxxx: message` lines of `--pretty false` output, continuation lines joined. */
export function parseTscOutput(output: string, cwd: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = []
  for (const text of output.split(/\r?\n/)) {
    const located = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(text)
    const global = /^error (TS\d+): (.*)$/.exec(text)
    if (located) {
      const [, file, line, column, code, message] = located as unknown as string[]
      diagnostics.push({ file: path.resolve(cwd, file!), line: Number(line), column: Number(column), code: code!, message: message! })
    } else if (global) diagnostics.push({ line: 0, column: 0, code: global[1]!, message: global[2]! })
    else if (text.trim() && diagnostics.length) diagnostics[diagnostics.length - 1]!.message += `\n${text}`
  }
  return diagnostics
}

/** Type-checks every block in one vue-tsc run; each error is placed on its doc line. */
export async function checkSnippets(root: string, snippets: Snippet[]): Promise<SnippetCheck> {
  const started = Date.now()
  const generated = writeSnippetProgram(root, snippets)
  const dir = path.join(root, SNIPPETS_DIR)
  const { status, output } = await new Promise<{ status: number | string; output: string }>((resolve) => {
    execFile(
      process.execPath,
      [path.join(root, 'node_modules/vue-tsc/bin/vue-tsc.js'), '--noEmit', '--pretty', 'false', '-p', path.join(dir, 'tsconfig.json')],
      { cwd: root, maxBuffer: 64 * 1024 * 1024 },
      // vue-tsc exits 2 when it finds errors: its output says what they are.
      (error, stdout, stderr) => resolve({ status: error ? (error.code ?? error.message) : 0, output: `${stdout}\n${stderr}` }),
    )
  })
  const byFile = new Map(generated.map((g) => [g.file, g]))
  const docLines = new Map<string, string[]>()
  const docLine = (file: string, line: number): string => {
    if (!docLines.has(file)) docLines.set(file, fs.readFileSync(path.join(root, file), 'utf8').split(/\r?\n/))
    return docLines.get(file)![line - 1] ?? ''
  }
  const errors = new Map<string, string[]>(snippets.map((s) => [s.id, []]))
  const other: string[] = []
  const canaries = new Map(Object.entries(CANARIES).map(([name, canary]) => [path.join(dir, name), { name, ...canary, seen: false }]))
  const diagnostics = parseTscOutput(output, root)
  for (const d of diagnostics) {
    const canary = d.file ? canaries.get(d.file) : undefined
    if (canary && canary.expect.test(`${d.code}: ${d.message}`)) {
      canary.seen = true
      continue
    }
    const g = d.file ? byFile.get(d.file) : undefined
    if (!g) {
      other.push(`${d.file ? `${path.relative(root, d.file)}(${d.line},${d.column})` : 'vue-tsc'}: ${d.code}: ${d.message}`)
      continue
    }
    const { snippet, insertion } = g
    // Past the block's last line, or in the text the check put into it: an import or the wrapper it added.
    const inserted = d.line === insertion.line && d.column >= insertion.column && d.column < insertion.column + insertion.length
    const added = d.line > g.lines || inserted
    const line = added ? snippet.line : snippet.line + d.line
    const after = d.line === insertion.line && d.column >= insertion.column + insertion.length
    const column = added ? 1 : after ? d.column - insertion.length : d.column
    const where = added ? ' (in what the check adds around the block)' : ''
    const checkedAs = path.relative(root, g.file)
    errors
      .get(snippet.id)!
      .push(`${snippet.file}:${line}:${column} ${d.code}: ${d.message}${where}\n  > ${docLine(snippet.file, line).trim()}\n  (checked as ${checkedAs})`)
  }
  for (const canary of canaries.values())
    if (!canary.seen) other.push(`${SNIPPETS_DIR}/${canary.name}: vue-tsc did not report the error it holds (${canary.expect})`)
  if (status !== 0 && diagnostics.length === 0) other.push(`vue-tsc exited ${status} with no error it could place:\n${output.trim()}`)
  return { errors, other, seconds: (Date.now() - started) / 1000 }
}
