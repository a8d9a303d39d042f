// The official MCP conformance scenarios (@modelcontextprotocol/conformance,
// pinned in package.json) that apply to this server, run against
// `connectwise-mcp --demo serve --http` on a free loopback port.
//
//   npm ci && node run.mjs [path/to/connectwise-mcp]   (default: ../../target/debug/connectwise-mcp)
//
// The suite's other server scenarios test a reference server: they call
// tools, prompts and resources by names of their own (`test_simple_text`,
// `test_simple_prompt`, `test://static-text`, `test://template/{id}/data`…)
// that a ConnectWise server does not have, or features it does not offer
// (resource subscriptions, sampling). Which and why: README, "Conformance".

import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The scenarios that apply, each with what it checks here. */
const SCENARIOS = [
  ['server-initialize', 'the initialize handshake'],
  ['ping', 'ping answers {}'],
  ['logging-set-level', 'logging/setLevel answers {}'],
  ['completion-complete', 'completion/complete answers a values array (an unknown prompt: none)'],
  ['tools-list', 'every tool has a name, description and input schema'],
  ['resources-list', 'every resource has a uri and name'],
  ['prompts-list', 'every prompt has a name'],
  ['dns-rebinding-protection', 'a foreign Host/Origin is refused, loopback accepted'],
  ['server-sse-multiple-streams', 'concurrent POST streams in one session'],
];

const binary = resolve(process.argv[2] ?? resolve(here, '../../target/debug/connectwise-mcp'));

/** A port nothing listens on now. */
function freePort() {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.on('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

/** The server's environment: this process's, without any CW_ or MCP_ setting. */
function cleanEnv() {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('CW_') && !k.startsWith('MCP_')),
  );
}

async function waitUntilHealthy(base, server) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode})`);
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the server did not answer /health within 60 s');
}

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(binary, ['--demo', 'serve', '--http', '--bind', `127.0.0.1:${port}`], {
  env: cleanEnv(),
  stdio: ['ignore', 'ignore', 'inherit'],
});
let failed = [];
try {
  await waitUntilHealthy(base, server);
  const cli = resolve(here, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
  for (const [scenario, what] of SCENARIOS) {
    const run = spawnSync(process.execPath, [cli, 'server', '--url', `${base}/mcp`, '--scenario', scenario], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    const ok = run.status === 0;
    console.log(`${ok ? 'PASS' : 'FAIL'} ${scenario}: ${what}`);
    if (!ok) {
      failed.push(scenario);
      console.log(run.stdout, run.stderr);
    }
  }
} catch (e) {
  failed = ['(setup)'];
  console.error(String(e));
} finally {
  server.kill('SIGTERM');
}
console.log(`${SCENARIOS.length - failed.length}/${SCENARIOS.length} conformance scenarios passed`);
process.exit(failed.length === 0 ? 0 : 1);
