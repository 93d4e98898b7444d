// pusher-js counterpart of PusherWire.Consumer: counts events in a bind_global callback, reports "done N", waits for stdin.
'use strict';
const { parseArgs, connect, sinceBaseUs } = require('./common');

const args = parseArgs(process.argv.slice(2));
const count = Number(args.count);
const warmup = Number(args.warmup || 0); // left out of the latencies
const base = args.base !== undefined ? BigInt(args.base) : null;
const latencies = base === null ? null : new Array(count);
let received = 0;
const trace = latencies !== null && process.env.CONSUMER_TRACE ? new Array(count) : null;

const { pusher, channel } = connect(args);
channel.bind_global((eventName, data) => {
  if (eventName.startsWith('pusher:')) return;
  const measured = received - warmup;
  // Timed during the warm-up too, so the measured events do not pay for the first calls of the timing code.
  if (latencies !== null) {
    const latency = sinceBaseUs(base) - Number(data.seq.slice(1));
    if (measured >= 0 && measured < count) {
      latencies[measured] = latency;
      if (trace !== null) trace[measured] = `${Number(data.seq.slice(1))} ${latency}`;
    }
  }
  if (++received === warmup + count) {
    const lines = [`done ${received}`];
    if (trace !== null) {
      require('fs').writeFileSync(`${process.env.CONSUMER_TRACE}/js-${process.pid}.txt`, trace.join('\n') + '\n');
    }
    if (latencies !== null) {
      latencies.sort((x, y) => x - y);
      const p = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
      lines.push(`latency ${p(0.5)} ${p(0.9)} ${p(0.99)} ${p(0.999)} ${latencies[latencies.length - 1]}`);
    }
    process.stdout.write(lines.join('\n') + '\n');
    process.stdin.resume();
    process.stdin.on('end', () => { pusher.disconnect(); process.exit(0); });
  }
});
