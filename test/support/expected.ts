/**
 * What the demo pages send, written out here on purpose rather than imported
 * from the demo: the tests state independently what must arrive.
 */

/** pages/push "#push-typed": every character a URL treats specially, with JSON types. */
export const TYPED_QUERY = { id: 42, ok: true, tags: ['a'], note: '42', text: 'a b&c=d?e#f%g+h 中文😀' }

/** pages/push "#push-large": far over the default queryLimit of 1024. */
export const LARGE_QUERY = { big: '数据'.repeat(600), size: 1200 }

/** Page routes of the demo, as uni names them (no leading slash). */
export const ROUTES = {
  home: 'pages/home/home',
  mine: 'pages/mine/mine',
  push: 'pages/push/push',
  detail: 'pages/detail/detail',
  guards: 'pages/guards/guards',
  login: 'pages/login/login',
  secret: 'pages/secret/secret',
  double: 'pages/double/double',
  stack: 'pages/stack/stack',
  raw: 'pages/raw/raw',
  component: 'pages/component/component',
  report: 'pkg/pages/report/report',
} as const
