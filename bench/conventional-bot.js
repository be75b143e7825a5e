// The conventional bot `npm run bench` compares with: botbuilder written the usual way. A restify route with
// restify's body parser, CloudAdapter.process, a TeamsActivityHandler whose onMessage replies with one
// Adaptive Card expanded from one prepared adaptivecards-templating Template: the bot's own diagnosis
// template with card data of the same size (written by the bench), the message's text in its title.
//   node bench/conventional-bot.js <port> <card-data.json>
const fs = require('node:fs');
const path = require('node:path');
const restify = require('restify');
const { CardFactory, CloudAdapter, ConfigurationBotFrameworkAuthentication, TeamsActivityHandler } = require('botbuilder');
const { Template } = require('adaptivecards-templating');

const template = new Template(JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cards', 'diagnosis.json'), 'utf8')));
const sample = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));

class ConventionalBot extends TeamsActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      const card = template.expand({ $root: { ...sample, title: String(context.activity.text ?? '').slice(0, 80) } });
      await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
      await next();
    });
  }
}

const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
adapter.onTurnError = async (context, error) => {
  console.error(error);
  await context.sendActivity('Something went wrong.');
};
const bot = new ConventionalBot();
const server = restify.createServer();
server.use(restify.plugins.bodyParser());
server.post('/api/messages', async (req, res) => {
  await adapter.process(req, res, (context) => bot.run(context));
});
server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => process.stdout.write(`ready ${server.address().port}\n`));
