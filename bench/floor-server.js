// The floor, for context: only the unavoidable work per Teams activity on node:http. Parse the JSON
// activity, post one reply to its serviceUrl over a kept-alive connection, answer 200.
//   node bench/floor-server.js <port>
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const reply = JSON.stringify({ type: 'message', text: 'ok' });

const server = http.createServer((req, res) => {
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
        });
      },
    );
    out.end(reply);
  });
});
server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => process.stdout.write(`ready ${server.address().port}\n`));
