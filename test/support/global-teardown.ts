import { testGlobals } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const server = testGlobals().__kibbleMongoServer;
  testGlobals().__kibbleMongoServer = undefined;
  await server?.stop();
}
