// Loads one of Todo.Aws/Functions with fakes in place of the AWS SDK v3 clients it requires, for the function tests
// here: each fake module is an object of command classes and a client class whose send() plays the service.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A command class of the SDK: what a fake client's send() receives, with the name the SDK gives it. */
export const command = name => ({ [name]: class { constructor(input) { this.input = input; } } })[name];

/** The function's exports, with `@aws-sdk/<name>` resolving to fakes[name]; call dispose() when done. */
export function loadFunction(file, fakes) {
  const directory = mkdtempSync(path.join(tmpdir(), 'todo-function-'));
  globalThis.awsFakes = fakes;
  for (const name of Object.keys(fakes)) {
    mkdirSync(path.join(directory, 'node_modules', '@aws-sdk', name), { recursive: true });
    writeFileSync(path.join(directory, 'node_modules', '@aws-sdk', name, 'index.js'), `module.exports = globalThis.awsFakes[${JSON.stringify(name)}];`);
  }
  cpSync(file, path.join(directory, 'index.js'));
  const loaded = createRequire(path.join(directory, 'index.js'))('./index.js');
  return { ...loaded, dispose: () => rmSync(directory, { recursive: true, force: true }) };
}
