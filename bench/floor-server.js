// The floor: only the unavoidable work per Teams activity. Parse the JSON activity, post one reply to its
// serviceUrl over a kept-alive connection, answer 200.
//   node bench/floor-server.js <port>            on node:http
//   node bench/floor-server.js <port> restify    the same work as a restify route (the bot's framework)
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const reply = JSON.stringify({ type: 'message', text: 'ok' });

function handle(req, res, done) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const activity = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const url = new URL(`v3/conversations/${encodeURIComponent(activity.conversation.id)}/activities/${encodeURIComponent(activity.id)}`, activity.serviceUrl);
    const out = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) } },
      (r) => {
        r.resume();
        r.on('end', () => {
          res.writeHead(200);
          res.end();
          done();
        });
      },
    );
    out.end(reply);
  });
}

const port = Number(process.argv[2] || 0);
const ready = (p) => process.stdout.write(`ready ${p}\n`);
if (process.argv[3] === 'restify') {
  const restify = require('restify');
  const server = restify.createServer({ handleUncaughtExceptions: false });
  server.post('/api/messages', (req, res, next) => handle(req, res, () => next()));
  server.listen(port, '127.0.0.1', () => ready(server.address().port));
} else {
  const server = http.createServer((req, res) => handle(req, res, () => undefined));
  server.listen(port, '127.0.0.1', () => ready(server.address().port));
}
