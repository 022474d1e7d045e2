// Reads the regtest chain itself, block by block, with nothing from kibble's database: what every
// transaction paid to which address, and which outputs are unspent. The settlement tests compare
// kibble's ledger and plan against this.
// The code lives in scripts/regtest/chain-audit.ts so that `npm run demo` checks the chain with it too.
export * from '../../scripts/regtest/chain-audit';
