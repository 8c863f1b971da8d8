// The docs' ```ts and ```vue blocks (README.md, uni_modules/navi-kit/readme.md, docs/*.md) compile against the
// public API as an app's own modules: one test per block, named by its doc and the line of its opening fence,
// every block type-checked in one vue-tsc run. ./docs/snippets.ts says what is added around a block;
// test-results/doc-snippets/ keeps the files it checked.
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { checkSnippets, extractSnippets, type SnippetCheck } from './docs/snippets'

const root = path.resolve(__dirname, '../..')
const snippets = extractSnippets(root)
let check: SnippetCheck

beforeAll(async () => {
  check = await checkSnippets(root, snippets)
}, 300_000)

describe('docs: code blocks compile against the public API', () => {
  it('the docs have code blocks, and the program around them has no error of its own', () => {
    expect(snippets.length).toBeGreaterThan(0)
    expect(check.other).toEqual([])
  })

  for (const snippet of snippets) {
    it(snippet.id, () => {
      expect(check.errors.get(snippet.id), `the ${snippet.lang} block at ${snippet.id} does not compile`).toEqual([])
    })
  }
})
