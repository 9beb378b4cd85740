// Loaded by `npm run test:unit` only: the unit group's promise is "no child process, no socket", and
// this holds every test to it. A test that starts a process or opens a socket fails with a message
// saying where it belongs, instead of silently making the unit run slow.
"use strict";
const childProcess = require("node:child_process");
const net = require("node:net");

function refuse(what) {
  return function refused() {
    throw new Error(
      `${what} in a unit test: the unit group (npm run test:unit) starts no process and opens no socket. ` +
        "Name the file *.int.test.ts, or *.slow.test.ts if it is slow by nature.",
    );
  };
}

for (const name of ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"]) {
  childProcess[name] = refuse(`child_process.${name}`);
}
net.Server.prototype.listen = refuse("listening on a socket");
net.Socket.prototype.connect = refuse("connecting a socket");
