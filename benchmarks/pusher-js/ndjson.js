// pusher-js counterpart of `pusherwire listen --format ndjson`: one compact JSON line per event on stdout.
'use strict';
const { parseArgs, connect } = require('./common');

const args = parseArgs(process.argv.slice(2));
const { channel } = connect(args);
channel.bind_global((eventName, data) => {
  if (eventName.startsWith('pusher:')) return;
  // pusher-js has parsed the data already (JSON.parse); JSON.stringify writes it compactly.
  process.stdout.write(JSON.stringify({ kind: 'event', channel: channel.name, event: eventName, data }) + '\n');
});
