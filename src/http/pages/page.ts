import type { Request, Response } from 'express';
import type { Translator } from '../../i18n/translator';
import type { AppDeps } from '../deps';
import type { TrustedHtml } from '../html';
import type { RateLimitBucket } from '../rate-limit';

/**
 * A web page route. Pages are server-rendered HTML with a little JavaScript (static/kibble.js);
 * every POST is a form that carries the CSRF token (the router checks it before the handler runs).
 */
export interface PageContext {
  req: Request;
  res: Response;
  deps: AppDeps;
  now: Date;
  /** The signed-in donor/creator, from the session cookie. */
  accountId: string | undefined;
  /** Signed in to the operator pages (OPERATOR_TOKEN presented once, a revocable operator session cookie since). */
  operator: boolean;
  /** For every form of the page: `<input type="hidden" name="_csrf" value="...">`. */
  csrfToken: string;
  /** The reader's language (http/locale.ts): `i18n.t('<ns>:<key>')`, `i18n.formatAmount(units)`... */
  i18n: Translator;
  /** The submitted form fields (POST), each a string; empty for GET. */
  form: Readonly<Record<string, string>>;
}

/** A page, a redirect (303), a file the browser saves, or JSON for the pages' own script (kibble.js), never cached. */
export type PageResult = { status?: number; page: TrustedHtml } | { redirect: string } | { download: PageDownload } | { status?: number; json: unknown };

/** A file the browser saves (a statement's CSV, a month's proof), sent as an attachment. */
export interface PageDownload {
  contentType: string;
  filename: string;
  body: string;
}

export interface PageRoute {
  method: 'get' | 'post';
  /** Express path, e.g. '/t/:thingId'. */
  path: string;
  /** The bucket of the API route doing the same thing, whose counts this form shares (rate-limit.ts). */
  rateLimit?: RateLimitBucket;
  handler(ctx: PageContext): Promise<PageResult> | PageResult;
}

/** Where to send someone who must sign in first, coming back to `returnTo` afterwards. */
export function signInFirst(returnTo: string): PageResult {
  return { redirect: `/signin?next=${encodeURIComponent(safeReturnPath(returnTo))}` };
}

/** Only local paths: a `next` parameter must never send a user to another site. */
export function safeReturnPath(path: string | undefined, fallback = '/donor'): string {
  return path !== undefined && /^\/(?!\/)[\x21-\x7e]*$/.test(path) && !path.includes('\\') ? path : fallback;
}
