import { Command } from 'commander';
import { COMMAND_MODULES, commandModulesFor } from '../../../src/cli/main';
import { runKibble } from '../../support/cli';

const io = { out: () => undefined, err: () => undefined };

describe('the CLI loads the module of the command it runs, and every module for help', () => {
  it.each(COMMAND_MODULES.map((module) => [module.names.join(', '), module] as const))('the module of %s registers exactly those commands', (_names, module) => {
    const program = new Command();
    module.register()(program, io, () => undefined);
    expect(program.commands.map((command) => command.name())).toEqual(module.names);
  });

  it('names each command once', () => {
    const names = COMMAND_MODULES.flatMap((module) => module.names);
    expect(new Set(names).size).toBe(names.length);
  });

  it('loads one module for a named command, whatever follows it', () => {
    expect(commandModulesFor(['settlement-status', '2026-11', '--json']).map((module) => module.names)).toEqual([['settle', 'settlement-status']]);
    expect(commandModulesFor(['audit', '--help']).map((module) => module.names)).toEqual([['audit']]);
  });

  it('loads every module for help, no command and an unknown one', () => {
    for (const args of [[], ['--help'], ['help', 'audit'], ['audti']]) expect(commandModulesFor(args)).toBe(COMMAND_MODULES);
  });

  it('loads none for the version, which it prints before reading a command', async () => {
    expect(commandModulesFor(['--version'])).toEqual([]);
    expect(commandModulesFor(['-v', 'audit'])).toEqual([]);
    const version = await runKibble('--version');
    expect(version).toEqual({ exitCode: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/), stderr: '' });
  });

  it('lists every command in its help, and suggests the right one for a misspelt name', async () => {
    const help = await runKibble('--help');
    expect(help.exitCode).toBe(0);
    for (const name of COMMAND_MODULES.flatMap((module) => module.names)) expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    const misspelt = await runKibble('audti');
    expect(misspelt.exitCode).not.toBe(0);
    expect(misspelt.stderr).toContain('audit');
  });

  it("runs a command's own help with its module alone", async () => {
    const help = await runKibble('settlement-status', '--help');
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Usage: kibble settlement-status');
  });
});
