// A browser story told as ordered steps: each step is one jest test, and a step after a failed
// one is not run (it would only fail for the earlier step's reason). A step also fails when the
// pages or the server reported problems while it ran; a failed step says what was reported,
// where its screenshots are, and whatever else the story knows (a server's output, for example).
import type { E2eBrowser } from './browser';

export interface StoryOptions {
  browser: Pick<E2eBrowser, 'screenshotAll'>;
  /** The problems reported since the last call (each is then forgotten): pages, server log, ... */
  reported: () => string[];
  timeoutMs: number;
  /** More to say when a step fails (appended to its error), for example the server's last output. */
  failureContext?: () => string;
}

export type Step = (name: string, run: () => void | Promise<void>) => void;

/** The `step(name, run)` of one story: call once per describe block, so each story stops on its own. */
export function storySteps(options: StoryOptions): Step {
  let failedStep: string | undefined;
  return (name, run) => {
    it(
      name,
      async () => {
        if (failedStep !== undefined) throw new Error(`not run: the earlier step "${failedStep}" failed`);
        try {
          await run();
          const problems = options.reported();
          if (problems.length > 0) throw new Error(`the pages reported problems:\n${problems.join('\n')}`);
        } catch (error) {
          failedStep = name;
          if (error instanceof Error) error.message += await failureDetails(options, error.message);
          throw error;
        }
      },
      options.timeoutMs,
    );
  };
}

async function failureDetails(options: StoryOptions, message: string): Promise<string> {
  let details = '';
  const problems = options.reported();
  if (problems.length > 0 && !message.startsWith('the pages reported')) details += `\n\nAlso reported:\n${problems.join('\n')}`;
  const shots = await options.browser.screenshotAll('failed');
  if (shots.length > 0) details += `\n\nScreenshots: ${shots.join(', ')}`;
  const context = options.failureContext?.();
  if (context !== undefined && context !== '') details += `\n\n${context}`;
  return details;
}
