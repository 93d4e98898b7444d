// Shared by count.js and ndjson.js: arguments, and a pusher-js client subscribed to one private channel over loopback.
'use strict';
const Pusher = require('pusher-js');

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    args[name] = i + 1 < argv.length && !argv[i + 1].startsWith('--') ? argv[++i] : '';
  }
  return args;
}

// Auth through the server's /broadcasting/auth with a form POST, as pusher-js's default ajax authorizer does.
function connect(args) {
  const host = args.host || '127.0.0.1';
  const port = Number(args.port);
  const endpoint = args.auth || `http://${host}:${port}/broadcasting/auth`;
  const pusher = new Pusher(args.key || 'app-key', {
    wsHost: host,
    wsPort: port,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    cluster: 'mt1',
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, callback) => {
        fetch(endpoint, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ socket_id: socketId, channel_name: channelName }).toString(),
        }).then((r) => r.json()).then((d) => callback(null, d), (e) => callback(e, null));
      },
    },
  });
  return { pusher, channel: pusher.subscribe(args.channel) };
}

// Microseconds since the runner's --base (CLOCK_MONOTONIC ns, the clock .NET's Stopwatch reads too).
function sinceBaseUs(base) {
  return Number((process.hrtime.bigint() - base) / 1000n);
}

module.exports = { parseArgs, connect, sinceBaseUs };
