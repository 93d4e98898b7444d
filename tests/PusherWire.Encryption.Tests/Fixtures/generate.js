// Writes interop.json: known answers from the reference implementations, for PusherWire.Encryption.Tests.
// - tweetnacl (the version pusher-js 8.6.0 depends on and bundles): secretbox with fixed keys and nonces.
// - the `pusher` Node server SDK 5.3.4: channelSharedSecret (via authorizeChannel's shared_secret) and the encrypted
//   payloads its trigger() sends (captured by replacing its HTTP post; nothing goes to the network).
// - pusher-js 8.6.0 itself: each envelope is fed to a real EncryptedChannel, and what it emits is recorded.
"use strict";
const fs = require("fs");
const nacl = require("tweetnacl");
const naclUtil = require("tweetnacl-util");
const PusherServer = require("pusher");
const PusherJs = require("pusher-js");

const b64 = (bytes) => Buffer.from(bytes).toString("base64");
const seq = (n, start) => Uint8Array.from({ length: n }, (_, i) => (start + i * 7) & 0xff);
const out = {
  generatedBy: {
    node: process.version,
    tweetnacl: require("tweetnacl/package.json").version,
    pusher: require("pusher/package.json").version,
    "pusher-js": require("pusher-js/package.json").version,
  },
  secretbox: [],
  sharedSecrets: [],
  triggers: [],
};

// 1. tweetnacl secretbox, deterministic (fixed key and nonce): the exact ciphertext bytes.
const plaintexts = ["", "{}", '{"id":1,"text":"hello"}', '"caf\u00e9 \u2603 \ud83d\ude00"', "x".repeat(1024), "y".repeat(10000)];
plaintexts.forEach((p, i) => {
  const key = seq(32, i * 3 + 1), nonce = seq(24, i * 5 + 2);
  const box = nacl.secretbox(naclUtil.decodeUTF8(p), nonce, key);
  out.secretbox.push({ key: b64(key), nonce: b64(nonce), plaintext: p, ciphertext: b64(box) });
});

// 2. The server SDK: shared secrets and encrypted trigger payloads.
const masterKey = seq(32, 11);
const server = new PusherServer({ appId: "1", key: "app-key", secret: "app-secret", cluster: "mt1", encryptionMasterKeyBase64: b64(masterKey) });
out.masterKeyBase64 = b64(masterKey);
const channels = ["private-encrypted-orders", "private-encrypted-a", "private-encrypted-user.42;x=y@z,w"];
for (const channel of channels) {
  const auth = server.authorizeChannel("123.456", channel);
  out.sharedSecrets.push({ channel, socketId: "123.456", auth: auth.auth, sharedSecret: auth.shared_secret });
}
let captured = null;
server.post = (options) => { captured = options.body; return Promise.resolve(); };
const payloads = [{ id: 1, text: "hello" }, "just a string", { nested: { list: [1, 2, 3], unicode: "\u00e9\u2603" } }, { big: "z".repeat(1000) }];
for (const channel of channels.slice(0, 2)) {
  for (const data of payloads) {
    server.trigger(channel, "my-event", data);
    out.triggers.push({ channel, event: captured.name, data: captured.data, plaintext: JSON.stringify(data) });
  }
}

// 3. pusher-js 8.6.0 decrypts every trigger payload (no connection: a dead loopback port, never the network).
const client = new PusherJs("app-key", { cluster: "mt1", wsHost: "127.0.0.1", wsPort: 9, forceTLS: false, enabledTransports: ["ws"] });
client.disconnect();
for (const t of out.triggers) {
  const channel = client.subscribe(t.channel);
  channel.key = Buffer.from(out.sharedSecrets.find((s) => s.channel === t.channel).sharedSecret, "base64");
  let emitted = null;
  channel.bind("my-event", (d) => { emitted = d; });
  channel.handleEvent({ event: "my-event", data: JSON.parse(t.data) });
  channel.unbind("my-event");
  if (JSON.stringify(emitted) !== t.plaintext) throw new Error("pusher-js did not decrypt " + t.data);
  t.pusherJsDecrypted = true;
}
client.disconnect();

fs.writeFileSync(process.argv[2] || "interop.json", JSON.stringify(out, null, 2) + "\n");
console.log(`wrote ${out.secretbox.length} secretbox vectors, ${out.sharedSecrets.length} shared secrets, ${out.triggers.length} trigger payloads`);
process.exit(0);
