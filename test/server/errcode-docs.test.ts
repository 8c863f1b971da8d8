import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ERRCODES } from '../../src/wechat/errcodes'

/**
 * Operators read the errcode table in docs/link-service.md, not the source:
 * both language sections must list every errcode the service maps, with the
 * `error.code` and HTTP status it really answers.
 */
const doc = readFileSync(path.resolve(__dirname, '../../docs/link-service.md'), 'utf8')
const [chinese, english] = doc.split(/^## English$/m)

function tableRows(section: string): Map<number, { code: string; status: number }> {
  const rows = new Map<number, { code: string; status: number }>()
  for (const match of section.matchAll(/^\| (-?\d+) \| `([a-z-]+)` \| (\d{3}) \|/gm)) {
    rows.set(Number(match[1]), { code: match[2], status: Number(match[3]) })
  }
  return rows
}

describe('docs/link-service.md errcode table', () => {
  const expected = new Map(Object.entries(ERRCODES).map(([errcode, info]) => [Number(errcode), { code: info.code, status: info.status }]))

  it.each([
    ['中文', chinese],
    ['English', english],
  ])('the %s section lists every mapped errcode with its code and status', (_language, section) => {
    expect(section).toBeDefined()
    expect(tableRows(section)).toEqual(expected)
  })

  it('covers every errcode the issue names', () => {
    const named = [-1, 40001, 40002, 40013, 40014, 40165, 40212, 42001, 44990, 44993, 45009, 85079, 85400, 85401, 85402, 85403, 85406, 85407, 85408, 40066, 40225, 43104, 40125, 40164]
    expect([...tableRows(english).keys()].sort()).toEqual([...named].sort())
  })
})
