import { testGlobals } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const server = testGlobals().__kibbleTestDatabase;
  testGlobals().__kibbleTestDatabase = undefined;
  const catcher = testGlobals().__kibbleTestMailCatcher;
  testGlobals().__kibbleTestMailCatcher = undefined;
  await Promise.all([server?.stop(), catcher?.stop()]);
}
