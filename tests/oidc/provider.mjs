// A real OpenID provider (the certified `oidc-provider` package) for
// tests/http_oauth.rs, on loopback ports chosen by the system.
//
// Two issuers share one signing key, so a token of the "other" issuer has a
// good signature and a known `kid`: only its `iss` is wrong.
// Clients use the client_credentials grant with a resource indicator
// (RFC 8707) and get JWT access tokens (RFC 9068) for that resource.
// Each client's token carries the roles and user name in CLIENTS below.
//
// `POST /admin/rotate` on the main issuer replaces the signing key with a
// new one (the old one is removed from the JWKS).
//
// Prints one JSON line on stdout: {"issuer": …, "other_issuer": …}.
import http from 'node:http';
import crypto from 'node:crypto';
import Provider from 'oidc-provider';

const SECRET = 'test-client-secret-0123456789';
const CLIENTS = {
  'viewer-app': { roles: ['cw.viewer'], user: 'vera@example.com' },
  'editor-app': { roles: ['cw.editor'], user: 'eddie@example.com' },
  'admin-app': { roles: ['cw.admin', 'cw.viewer'], user: 'ada@example.com' },
  'nobody-app': { roles: ['payroll.reader'], user: 'nora@example.com' },
  // Its tokens live one second (the test's server has no leeway).
  'short-app': { roles: ['cw.viewer'], user: 'sam@example.com', ttl: 1 },
};

function newKey(alg) {
  const kid = crypto.randomUUID();
  const pair = alg === 'ES256'
    ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...pair.privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
}

function provider(issuer, key) {
  const p = new Provider(issuer, {
    clients: Object.keys(CLIENTS).map((client_id) => ({
      client_id,
      client_secret: SECRET,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      id_token_signed_response_alg: key.alg,
    })),
    jwks: { keys: [key] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => oneOf,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource, client) => ({
          audience: resource,
          scope: 'mcp',
          accessTokenFormat: 'jwt',
          accessTokenTTL: CLIENTS[client.clientId].ttl ?? 300,
          jwt: { sign: { alg: key.alg } },
        }),
      },
    },
    extraTokenClaims: (_ctx, token) => {
      const c = CLIENTS[token.clientId];
      return c ? { roles: c.roles, preferred_username: c.user } : undefined;
    },
  });
  return p;
}

async function listen() {
  const server = http.createServer();
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, issuer: `http://127.0.0.1:${server.address().port}` };
}

const main = await listen();
const other = await listen();
let key = newKey('RS256');
let mainProvider = provider(main.issuer, key);
const otherProvider = provider(other.issuer, key);

main.server.on('request', (req, res) => {
  if (req.method === 'POST' && req.url === '/admin/rotate') {
    key = newKey(key.alg === 'RS256' ? 'ES256' : 'RS256');
    mainProvider = provider(main.issuer, key);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kid: key.kid, alg: key.alg }));
    return;
  }
  mainProvider.callback()(req, res);
});
other.server.on('request', (req, res) => otherProvider.callback()(req, res));

process.stdout.write(`${JSON.stringify({ issuer: main.issuer, other_issuer: other.issuer })}\n`);
// Ends with the test: when stdin closes.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
