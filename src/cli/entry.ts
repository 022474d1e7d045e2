import { runCli } from './main';

// The process entry of `kibble`, the same module whether bin/kibble.js runs it from dist/ or
// from the sources through tsx.
runCli(process.argv.slice(2)).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    process.stderr.write(`kibble: ${error instanceof Error && error.stack !== undefined ? error.stack : String(error)}\n`);
    process.exitCode = 70;
  },
);
