import express, { type RequestHandler } from 'express';

/** Far above any kibble request (the largest is a thing's URL and title), far below harm. */
export const JSON_BODY_LIMIT = '16kb';

/**
 * JSON bodies only. `strict` refuses top-level primitives ("abc", 1) at the parser; arrays get
 * through it and are refused by the routes' object schemas. Malformed and oversized bodies become
 * errors that errors.ts maps to 400 validation-failed and 413 payload-too-large.
 */
export function jsonBodyParser(): RequestHandler {
  return express.json({ limit: JSON_BODY_LIMIT, strict: true });
}
