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
  record(route: string, status: number): void
  exposition(): string
}

/** Request counts by route pattern and status class, labels bounded (no raw URLs). */
export function createHttpCounters(): HttpCounters {
  const counts = new Map<string, number>()
  return {
    record(route, status) {
      const key = `${route}\u0000${status}`
      counts.set(key, (counts.get(key) ?? 0) + 1)
    },
    exposition() {
      const lines = [
        '# HELP navi_http_requests_total HTTP requests answered, by route and status.',
        '# TYPE navi_http_requests_total counter',
      ]
      for (const [key, value] of counts) {
        const [route, status] = key.split('\u0000')
        lines.push(`navi_http_requests_total{route="${route.replace(/["\\\n]/g, '_')}",status="${status}"} ${value}`)
      }
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
