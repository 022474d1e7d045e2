import { isKibbleError } from '../../errors';
import { ACCOUNT_EVENT_KINDS, type EventKind } from '../../services/events/kinds';
import { createEndpoint, deliveryLog, listEndpoints, removeEndpoint, type DeliveryView, type EndpointView } from '../../services/webhooks/endpoints';
import { html, type TrustedHtml } from '../html';
import { csrfInput, field, layout, notice } from './layout';
import { signInFirst, type PageContext, type PageResult, type PageRoute } from './page';

/**
 * The signed-in account's webhook endpoints (docs/webhooks.md): the list with each one's state (a
 * disabled one says since when and why), adding one (its secret shown once, on the page that
 * answers the form), removing one, and each one's delivery log. The same services as the API.
 */
export const webhookPages: PageRoute[] = [
  {
    method: 'get',
    path: '/webhooks',
    handler: async (ctx) => (ctx.accountId === undefined ? signInFirst('/webhooks') : webhooksPage(ctx, ctx.accountId, { removed: ctx.req.query.removed === '1' })),
  },
  {
    method: 'post',
    path: '/webhooks',
    handler: async (ctx) => {
      if (ctx.accountId === undefined) return signInFirst('/webhooks');
      const url = (ctx.form.url ?? '').trim();
      const kinds = ACCOUNT_EVENT_KINDS.filter((kind) => ctx.form[`kind:${kind}`] === 'on');
      try {
        const created = await createEndpoint(ctx.accountId, { url, kinds }, ctx.now);
        return await webhooksPage(ctx, ctx.accountId, { secret: created.secret }, 201);
      } catch (error) {
        if (!isKibbleError(error) || (error.code !== 'validation-failed' && error.code !== 'conflict')) throw error;
        return webhooksPage(ctx, ctx.accountId, { form: { url, kinds, error: ctx.i18n.t(`errors:${error.code}`) + (ctx.i18n.locale === 'en' ? ` ${error.message}` : '') } }, 400);
      }
    },
  },
  {
    method: 'post',
    path: '/webhooks/:id/remove',
    handler: async (ctx) => {
      if (ctx.accountId === undefined) return signInFirst('/webhooks');
      await removeEndpoint(ctx.accountId, String(ctx.req.params.id));
      return { redirect: '/webhooks?removed=1' };
    },
  },
  {
    method: 'get',
    path: '/webhooks/:id',
    handler: async (ctx) => {
      if (ctx.accountId === undefined) return signInFirst('/webhooks');
      const log = await deliveryLog(ctx.accountId, String(ctx.req.params.id));
      return { page: layout(ctx, ctx.i18n.t('webhooks:log.title'), logTable(ctx, log.endpoint, log.deliveries)) };
    },
  },
];

interface PageState {
  secret?: string;
  removed?: boolean;
  form?: { url: string; kinds: EventKind[]; error: string };
}

async function webhooksPage(ctx: PageContext, accountId: string, state: PageState, status = 200): Promise<PageResult> {
  const { t } = ctx.i18n;
  const endpoints = await listEndpoints(accountId);
  const secret = state.secret === undefined
    ? html``
    : html`${notice(t('webhooks:created'))}<p class="field"><label for="webhook-secret">${t('webhooks:secret.label')}</label>
<input id="webhook-secret" class="mono" readonly value="${state.secret}"> <button type="button" data-copy="webhook-secret" data-copied="${t('webhooks:copied')}">${t('webhooks:copy')}</button></p>`;
  const chosen = new Set<string>(state.form?.kinds ?? []);
  const boxes = ACCOUNT_EVENT_KINDS.map(
    (kind) => html`<div><input type="checkbox" id="kind-${kind}" name="kind:${kind}"${chosen.has(kind) ? html` checked` : html``}> <label for="kind-${kind}">${t(`webhooks:kind.${kind}`)}</label></div>`,
  );
  return {
    status,
    page: layout(
      ctx,
      t('webhooks:title'),
      html`<p>${t('webhooks:intro')}</p>
${secret}${notice(state.removed === true ? t('webhooks:removed') : undefined)}
<section id="endpoints" aria-labelledby="endpoints-heading">
<h2 id="endpoints-heading">${t('webhooks:list.heading')}</h2>
${endpointsTable(ctx, endpoints)}
</section>
<section id="add-endpoint" aria-labelledby="add-heading">
<h2 id="add-heading">${t('webhooks:add.heading')}</h2>
${notice(state.form?.error, 'error')}<form method="post" action="/webhooks" class="stack">${csrfInput(ctx.csrfToken)}
${field({ name: 'url', label: t('webhooks:add.url'), type: 'url', value: state.form?.url ?? '', autocomplete: 'url', required: true })}
<fieldset><legend>${t('webhooks:add.kinds')}</legend>${boxes}</fieldset>
<p><button type="submit">${t('webhooks:add.submit')}</button></p></form>
</section>`,
    ),
  };
}

function endpointStatus(ctx: PageContext, endpoint: EndpointView): string {
  const { t, formatDate } = ctx.i18n;
  if (endpoint.disabledAt !== null) return t('webhooks:status.disabled', { since: formatDate(endpoint.disabledAt, 'dateTime'), reason: disabledReasonText(ctx, endpoint, endpoint.disabledAt) });
  if (endpoint.failingSince !== null) return t('webhooks:status.failing', { since: formatDate(endpoint.failingSince, 'dateTime') });
  return t('webhooks:status.active');
}

/** A disabled endpoint's reason in the reader's words; a sentence stored before reasons were codes, as it is. */
function disabledReasonText(ctx: PageContext, endpoint: EndpointView, disabledAt: Date): string {
  const { t, formatDate } = ctx.i18n;
  if (endpoint.disabledReason !== 'no-delivery') return endpoint.disabledReason ?? '';
  const since = formatDate(endpoint.failingSince ?? disabledAt, 'dateTime');
  return t('webhooks:disabled.noDelivery', { since, error: endpoint.disabledLastError ?? '?' });
}

function endpointsTable(ctx: PageContext, endpoints: readonly EndpointView[]): TrustedHtml {
  const { t } = ctx.i18n;
  if (endpoints.length === 0) return html`<p>${t('webhooks:list.none')}</p>`;
  const rows = endpoints.map(
    (endpoint) => html`<tr><td class="mono">${endpoint.url}</td><td>${endpoint.kinds.join(', ')}</td><td${endpoint.disabledAt !== null ? html` class="error"` : html``}>${endpointStatus(ctx, endpoint)}</td>
<td><a href="/webhooks/${endpoint.id}">${t('webhooks:action.log')}</a>
<form class="inline" method="post" action="/webhooks/${endpoint.id}/remove" data-confirm="${t('webhooks:action.removeConfirm', { url: endpoint.url })}">${csrfInput(ctx.csrfToken)}<button type="submit">${t('webhooks:action.remove')}</button></form></td></tr>`,
  );
  return html`<div class="table-wrap"><table id="webhook-endpoints">
<caption>${t('webhooks:list.caption')}</caption>
<thead><tr><th scope="col">${t('webhooks:list.url')}</th><th scope="col">${t('webhooks:list.kinds')}</th><th scope="col">${t('webhooks:list.status')}</th><th scope="col">${t('webhooks:list.actions')}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

function logTable(ctx: PageContext, endpoint: EndpointView, deliveries: readonly DeliveryView[]): TrustedHtml {
  const { t, formatDate } = ctx.i18n;
  const when = (date: Date | null): string => (date === null ? '' : formatDate(date, 'dateTime'));
  const rows = deliveries.map(
    (row) => html`<tr><td class="mono">${row.eventId}</td><td>${t(`webhooks:state.${row.state as 'pending' | 'delivered' | 'failed'}`)}</td><td class="num">${row.attempts}</td><td>${when(row.lastAttemptAt)}</td><td>${row.lastStatus === null ? (row.lastError ?? '') : String(row.lastStatus)}</td><td>${when(row.nextAttemptAt)}</td></tr>`,
  );
  return html`<p>${endpointStatus(ctx, endpoint)}</p>
<div class="table-wrap"><table id="webhook-deliveries">
<caption>${t('webhooks:log.caption', { url: endpoint.url })}</caption>
<thead><tr><th scope="col">${t('webhooks:log.event')}</th><th scope="col">${t('webhooks:log.state')}</th><th scope="col" class="num">${t('webhooks:log.attempts')}</th><th scope="col">${t('webhooks:log.last')}</th><th scope="col">${t('webhooks:log.result')}</th><th scope="col">${t('webhooks:log.next')}</th></tr></thead>
<tbody>${rows.length === 0 ? html`<tr><td colspan="6">${t('webhooks:log.none')}</td></tr>` : rows}</tbody></table></div>
<p><a href="/webhooks">${t('webhooks:log.back')}</a></p>`;
}
