import type { Route } from '../route';
import { accountRoutes } from './accounts';
import { adminSettlementRoutes } from './admin-settlements';
import { buttonRoutes } from './button';
import { clickRoutes } from './clicks';
import { devRoutes } from './dev';
import { healthRoutes } from './health';
import { meRoutes } from './me';
import { fiatRoutes } from './fiat';
import { metricsRoutes } from './metrics';
import { openApiRoute } from './openapi';
import { sessionRoutes } from './sessions';
import { statsRoutes } from './stats';
import { subscriptionRoutes } from './subscriptions';
import { thingRoutes } from './things';
import { statementRoutes } from './statements';
import { proofRoutes } from './proofs';
import { reservesRoutes } from './reserves';
import { paydaysRoutes } from './paydays';
import { mailRoutes } from './mail';
import { webhookRoutes } from './webhooks';

/**
 * Every route of the app, in mounting order. A new route module adds its array here; the app
 * mounts exactly this list and /api/v1/openapi.json documents exactly this list.
 */
export const ALL_ROUTES: readonly Route[] = [
  ...healthRoutes,
  ...accountRoutes,
  ...sessionRoutes,
  ...meRoutes,
  ...thingRoutes,
  ...clickRoutes,
  ...subscriptionRoutes,
  ...statsRoutes,
  ...buttonRoutes,
  ...adminSettlementRoutes,
  ...metricsRoutes,
  ...statementRoutes,
  ...devRoutes,
  ...proofRoutes,
  ...reservesRoutes,
  ...paydaysRoutes,
  ...mailRoutes,
  ...webhookRoutes,
  ...fiatRoutes,
  openApiRoute(() => ALL_ROUTES),
];
