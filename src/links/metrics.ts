/**
 * The core's Prometheus counters and gauges, written out by hand in the text
 * exposition format (a few families; no dependency needed).
 */
export class CoreMetrics {
  private readonly upstream = new Map<string, number>()
  private readonly cache = { hit: 0, miss: 0 }
  private readonly tokenFetches = { ok: 0, error: 0 }
  private readonly minted = new Map<string, number>()

  upstreamCall(api: string, outcome: number | string): void {
    const key = `${api}\u0000${outcome}`
    this.upstream.set(key, (this.upstream.get(key) ?? 0) + 1)
  }

  cacheLookup(hit: boolean): void {
    this.cache[hit ? 'hit' : 'miss']++
  }

  tokenFetch(outcome: 'ok' | 'error'): void {
    this.tokenFetches[outcome]++
  }

  answered(kind: string, source: 'upstream' | 'cache' | 'plaintext'): void {
    const key = `${kind}\u0000${source}`
    this.minted.set(key, (this.minted.get(key) ?? 0) + 1)
  }

  exposition(gauges: { quotaUsed: number; quotaLimit: number; permanentUsed: number; queueDepth: number }): string {
    const lines: string[] = []
    const family = (name: string, type: 'counter' | 'gauge', help: string): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    }
    family('navi_upstream_calls_total', 'counter', 'Calls to the WeChat API by api and errcode (0 ok; timeout, network: no answer).')
    for (const [key, value] of this.upstream) {
      const [api, errcode] = key.split('\u0000')
      lines.push(`navi_upstream_calls_total{api="${api}",errcode="${errcode}"} ${value}`)
    }
    family('navi_link_cache_total', 'counter', 'Link cache lookups by result.')
    lines.push(`navi_link_cache_total{result="hit"} ${this.cache.hit}`, `navi_link_cache_total{result="miss"} ${this.cache.miss}`)
    family('navi_token_fetches_total', 'counter', 'Credential fetches (access token, jsapi_ticket) by outcome.')
    lines.push(
      `navi_token_fetches_total{outcome="ok"} ${this.tokenFetches.ok}`,
      `navi_token_fetches_total{outcome="error"} ${this.tokenFetches.error}`,
    )
    family('navi_links_answered_total', 'counter', 'Links answered by kind and source (upstream, cache, plaintext fallback).')
    for (const [key, value] of this.minted) {
      const [kind, source] = key.split('\u0000')
      lines.push(`navi_links_answered_total{kind="${kind}",source="${source}"} ${value}`)
    }
    family('navi_quota_used', 'gauge', "URL Schemes + URL Links generated today (Asia/Shanghai day), all instances.")
    lines.push(`navi_quota_used ${gauges.quotaUsed}`)
    family('navi_quota_limit', 'gauge', 'The daily generation quota.')
    lines.push(`navi_quota_limit ${gauges.quotaLimit}`)
    family('navi_permanent_shortlinks', 'gauge', 'Permanent Short Links generated (cap 100,000).')
    lines.push(`navi_permanent_shortlinks ${gauges.permanentUsed}`)
    family('navi_throttle_queue_depth', 'gauge', 'Requests waiting for an upstream slot in this instance.')
    lines.push(`navi_throttle_queue_depth ${gauges.queueDepth}`)
    return lines.join('\n') + '\n'
  }
}
