import { z } from 'zod';
import { KibbleError } from '../../errors';
import { defineRoute, type Route } from '../route';

/**
 * Prometheus metrics of this instance (see ../metrics.ts), for the operator's scraper only: they
 * include the wallet balance. A scrape config sends the token with
 * `authorization: { credentials: <OPERATOR_TOKEN> }` (type Bearer is the default).
 */

/** Prometheus text exposition format 0.0.4 (what prom-client's Registry produces). */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export const metricsRoutes: Route[] = [
  defineRoute({
    method: 'get',
    path: '/metrics',
    summary: "This instance's Prometheus metrics: HTTP latency, clicks, deposits, scanner, settlements, wallet, process",
    description:
      'Prometheus text format. Settlement states and the wallet balance are read from the database at scrape time; the scanner figures come from the passes of this instance (the one holding the scanner lease).',
    tags: ['operations'],
    auth: 'operator',
    responses: { 200: { description: 'the metrics (Prometheus text format 0.0.4)', schema: z.string(), contentType: PROMETHEUS_CONTENT_TYPE } },
    handler: async ({ deps }) => {
      if (deps.metrics === undefined) throw new KibbleError('internal', 'metrics are not wired into this app');
      return { status: 200, contentType: PROMETHEUS_CONTENT_TYPE, body: await deps.metrics.registry.metrics() };
    },
  }),
];
