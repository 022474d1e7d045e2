import express, { type RequestHandler } from 'express';

/** Far above any kibble request (the largest is a thing's URL and title), far below harm. */
export const BODY_LIMIT = '16kb';
/** The largest page form has a handful of fields; more is a client's mistake or an attack. */
export const FORM_FIELD_LIMIT = 50;

/**
 * JSON bodies only. `strict` refuses top-level primitives ("abc", 1) at the parser; arrays get
 * through it and are refused by the routes' object schemas. Malformed and oversized bodies become
 * errors that errors.ts maps to 400 validation-failed and 413 payload-too-large.
 */
export function jsonBodyParser(): RequestHandler {
  return express.json({ limit: BODY_LIMIT, strict: true });
}

/** The pages' forms, with the same limits and the same error mapping (errors.ts) as JSON bodies. */
export function formBodyParser(): RequestHandler {
  return express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: FORM_FIELD_LIMIT });
}
