// Preloaded into the TypeScript server by compare.py (NODE_OPTIONS=--import=…):
// that server only builds https:// URLs, and the simulated tenant speaks plain
// HTTP on loopback. Requests to COMPARE_SIM_HOST alone are sent over http.
const host = process.env.COMPARE_SIM_HOST;
const realFetch = globalThis.fetch;

globalThis.fetch = (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  const prefix = `https://${host}/`;
  if (host && url.startsWith(prefix)) {
    const plain = "http://" + url.slice("https://".length);
    input = input instanceof Request ? new Request(plain, input) : plain;
  }
  return realFetch(input, init);
};
