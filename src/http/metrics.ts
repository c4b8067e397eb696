// Prometheus metrics (prom-client), one registry per server instance: requests by route and
// status, the conditional outcomes (304, 412, 428), open event streams, and whatever the store
// measures (write batches, commit time, pool use). Only installed when metrics are asked for,
// and then the hot path pays one route-level onSend hook and a Map lookup per request.
import type { FastifyInstance, onRequestHookHandler, onSendHookHandler } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PoolUse, StoreMeasurements } from '../storage/store.js';

/** Statuses that are the outcome of a precondition: RFC 9110 §15.4.5, §15.5.13; RFC 6585 §3. */
const CONDITIONAL_STATUSES = new Set([304, 412, 428]);

const EVENTS_ROUTE = '/api/pages/:name/events';

export class ServerMetrics implements StoreMeasurements {
  readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'midair_http_requests_total', help: 'Requests answered, by route pattern, method and status', labelNames: ['route', 'method', 'status'], registers: [this.registry] });
  private readonly conditional = new Counter({ name: 'midair_conditional_responses_total', help: 'Answers decided by a precondition: 304 Not Modified, 412 Precondition Failed, 428 Precondition Required', labelNames: ['status'], registers: [this.registry] });
  private readonly streams = new Gauge({ name: 'midair_event_streams_open', help: 'Server-Sent Event streams open now', registers: [this.registry] });
  private readonly batchSize = new Histogram({ name: 'midair_write_batch_size', help: 'Writes committed together in one transaction', buckets: [1, 2, 4, 8, 16, 32, 64], registers: [this.registry] });
  private readonly commitSeconds = new Histogram({ name: 'midair_write_commit_seconds', help: 'Time to commit one write batch', buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [this.registry] });

  /** Pool gauges read at scrape time from `use` (PostgreSQL: connections open, idle, waited for). */
  observePool(use: () => PoolUse): void {
    const registers = [this.registry];
    new Gauge({ name: 'midair_db_pool_connections', help: 'PostgreSQL pool connections open', registers, collect() { this.set(use().total); } });
    new Gauge({ name: 'midair_db_pool_idle', help: 'PostgreSQL pool connections idle', registers, collect() { this.set(use().idle); } });
    new Gauge({ name: 'midair_db_pool_waiting', help: 'Queries waiting for a PostgreSQL pool connection', registers, collect() { this.set(use().waiting); } });
  }

  batchCommitted(writes: number, seconds: number): void {
    this.batchSize.observe(writes);
    this.commitSeconds.observe(seconds);
  }

  /** One route's counting: each method and status's counters looked up once, then a Map lookup. */
  private counterOf(route: string): (method: string, status: number) => void {
    const children = new Map<string, () => void>();
    return (method, status) => {
      const key = method + status;
      let inc = children.get(key);
      if (inc === undefined) {
        const requests = this.requests.labels(route, method, String(status));
        const conditional = CONDITIONAL_STATUSES.has(status) ? this.conditional.labels(String(status)) : undefined;
        inc = () => {
          requests.inc();
          conditional?.inc();
        };
        children.set(key, inc);
      }
      inc();
    };
  }

  /**
   * Counts every answer of every route declared from now on, and event streams while they are
   * open. A route-level onSend hook, with its route in a closure: a global onResponse hook
   * adds a 'finish' listener to every response (what makes Fastify's own request logging cost
   * about 4% of a 304, server.ts), and request.routeOptions builds an object per call. A URL
   * that no route matches is not counted.
   */
  install(app: FastifyInstance): void {
    app.addHook('onRoute', (route) => {
      const count = this.counterOf(route.url);
      const counted: onSendHookHandler = (request, reply, payload, done) => {
        count(request.method, reply.statusCode);
        done(null, payload);
      };
      route.onSend = route.onSend === undefined ? [counted] : [...[route.onSend].flat(), counted];
    });
    app.addHook('onRoute', (route) => {
      if (route.url !== EVENTS_ROUTE || route.method !== 'GET') return;
      const opened: onRequestHookHandler = (request, _reply, done) => {
        this.streams.inc();
        request.raw.once('close', () => this.streams.dec());
        done();
      };
      route.onRequest = route.onRequest === undefined ? [opened] : [...[route.onRequest].flat(), opened];
    });
  }
}
