import { testGlobals } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const server = testGlobals().__kibbleTestDatabase;
  testGlobals().__kibbleTestDatabase = undefined;
  await server?.stop();
}
