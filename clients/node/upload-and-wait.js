#!/usr/bin/env node
// Uploads a file to ftpgw and waits for its `delivered` event through the SockJS event-bus bridge
// (bridges.sockjs.enabled), with npm's @vertx/eventbus-bridge-client.js.
//
//   node upload-and-wait.js <gateway-url> <file> <remote-path> [user password]
//
// Prints the delivered event as JSON and exits 0; 1 when the transfer failed or was cancelled, 2 on timeout.
// With a user, the credentials go into the bridge URL (the SockJS handshake carries them as HTTP Basic) and the
// client listens to its own address, ftpgw.transfers.events.<user>.
'use strict';
const EventBus = require('@vertx/eventbus-bridge-client.js');
const fs = require('fs');
const http = require('http');
const https = require('https');

const [gateway, file, remote, user, password] = process.argv.slice(2);
if (!gateway || !file || !remote) {
  console.error('usage: node upload-and-wait.js <gateway-url> <file> <remote-path> [user password]');
  process.exit(64);
}
const timeoutMs = Number(process.env.FTPGW_TIMEOUT_MS || 120000);
const authorization = user ? 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64') : null;
const address = user ? `ftpgw.transfers.events.${user}` : 'ftpgw.transfers.events';
const FINAL = new Set(['delivered', 'failed', 'cancelled']);

function bridgeUrl() {
  const url = new URL('/eventbus', gateway);
  if (user) {
    url.username = user;
    url.password = password;
  }
  return url.toString();
}

function upload() {
  return new Promise((resolve, reject) => {
    const url = new URL('/files/' + remote, gateway);
    const headers = { 'Prefer': 'respond-async', 'Content-Length': fs.statSync(file).size };
    if (authorization) headers['Authorization'] = authorization;
    const request = (url.protocol === 'https:' ? https : http).request(url, { method: 'PUT', headers }, (response) => {
      let body = '';
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => {
        if (response.statusCode === 201 || response.statusCode === 202) {
          resolve(JSON.parse(body).id);
        } else {
          reject(new Error(`upload answered ${response.statusCode}: ${body}`));
        }
      });
    });
    request.on('error', reject);
    fs.createReadStream(file).pipe(request);
  });
}

const seen = [];
let transfer = null;
const eb = new EventBus(bridgeUrl());
const timer = setTimeout(() => {
  console.error('no final event within the timeout');
  process.exit(2);
}, timeoutMs);

function settle(event) {
  if (transfer === null || event.id !== transfer || !FINAL.has(event.state)) return;
  clearTimeout(timer);
  console.log(JSON.stringify(event));
  eb.close();
  process.exit(event.state === 'delivered' ? 0 : 1);
}

eb.onerror = (error) => console.error('bridge error:', JSON.stringify(error));
eb.onopen = () => {
  // listen first: a small file may be delivered before the upload's answer arrives
  eb.registerHandler(address, {}, (error, message) => {
    if (error) {
      console.error('bridge refused:', JSON.stringify(error));
      process.exit(1);
    }
    seen.push(message.body);
    settle(message.body);
  });
  upload().then((id) => {
    transfer = id;
    console.error(`uploaded ${file} as transfer ${id}; waiting for its delivery`);
    seen.forEach(settle);
    // the registration may have reached the gateway after a small file was delivered: ask once
    eb.send('ftpgw.transfers.get', { id }, {}, (error, reply) => {
      if (!error) settle(reply.body);
    });
  }).catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
};
