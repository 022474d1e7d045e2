import type { PageRoute } from './page';

/** Filled in by the web pages work (issue 6). */
export const thingPages: PageRoute[] = [];
