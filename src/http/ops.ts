/**
 * Operations endpoints, public like any load balancer probe expects:
 * GET /healthz  → `{ status, sandbox, parts }`, 200 while it can serve, 503 when a part is down;
 * GET /metrics  → Prometheus text: the core's metrics plus HTTP request counts by route and status.
 */
import type { FastifyInstance } from 'fastify'
import type { HealthReport, LinkService } from '../service/types'

export interface OpsOptions {
  service: LinkService
  sandbox: boolean
  counters: HttpCounters
}

export interface HttpCounters {
  /** One answered request; `lane`: answered by the mint lane (lane.ts) rather than fastify. */
  record(route: string, status: number, lane?: boolean): void
  exposition(): string
}

/** Request counts by route pattern and status class, labels bounded (no raw URLs). */
export function createHttpCounters(): HttpCounters {
  // route → status → count: recording a request builds no string (it runs on every answer).
  const counts = new Map<string, Map<number, number>>()
  let laneCount = 0
  return {
    record(route, status, lane = false) {
      let byStatus = counts.get(route)
      if (!byStatus) counts.set(route, (byStatus = new Map()))
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1)
      if (lane) laneCount++
    },
    exposition() {
      const lines = [
        '# HELP navi_http_requests_total HTTP requests answered, by route and status.',
        '# TYPE navi_http_requests_total counter',
      ]
      for (const [route, byStatus] of counts) {
        const label = route.replace(/["\\\n]/g, '_')
        for (const [status, value] of byStatus) lines.push(`navi_http_requests_total{route="${label}",status="${status}"} ${value}`)
      }
      lines.push(
        '# HELP navi_http_lane_requests_total Of those, answered by the mint lane (API-key calls for URL Schemes and URL Links).',
        '# TYPE navi_http_lane_requests_total counter',
        `navi_http_lane_requests_total ${laneCount}`,
      )
      return lines.join('\n') + '\n'
    },
  }
}

export async function opsRoutes(app: FastifyInstance, options: OpsOptions): Promise<void> {
  app.get('/healthz', async (request, reply) => {
    let report: HealthReport
    try {
      report = await options.service.health()
    } catch (error) {
      request.log.error({ err: error }, 'health check failed')
      return reply.code(503).send({ status: 'down', sandbox: options.sandbox, parts: { service: 'down' } })
    }
    const down = Object.values(report.parts).includes('down')
    return reply.code(down ? 503 : 200).send({ ...report, status: down ? 'down' : report.status, sandbox: options.sandbox })
  })

  app.get('/metrics', async (_request, reply) => {
    const core = await options.service.metrics()
    const text = (core.endsWith('\n') || core === '' ? core : core + '\n') + options.counters.exposition()
    return reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(text)
  })
}
