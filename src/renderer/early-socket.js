// Opens the host's socket while the page's scripts are still loading, and keeps what the
// host says on it until the UI takes it over (src/renderer/connection/early-socket.ts).
// The host greets a socket the moment it opens, so the greeting is waiting by the time the
// cockpit first renders, and the first paint already shows the cockpit connected instead of
// a round trip later. A plain script, not a module, written into the page by the build
// (electron.vite.config.ts): it runs as the page is parsed, with no request of its own to
// wait for, ahead of the bundle it is not part of. The host's policy allows it by its hash
// (src/host/api/static-files.ts), and no other inline script.
'use strict';
(function () {
  var scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  var socket;
  try {
    // The page's session key, which the login hand-off stored (src/shared/session-key.ts has
    // these names); without one the UI sends the page to log in, and no socket is opened.
    var key = window.localStorage.getItem('grove.sessionKey');
    if (!key) return;
    socket = new WebSocket(scheme + '//' + location.host + '/ws', ['grove', 'grove-key.' + key]);
  } catch {
    return; // the UI connects on its own
  }
  socket.binaryType = 'arraybuffer';
  var heard = [];
  socket.onmessage = function (ev) { heard.push(ev); };
  socket.onclose = function (ev) { heard.push(ev); };
  window.groveEarlySocket = { socket: socket, heard: heard };
})();
// Then the page's storage, which the cockpit reads and watches during its first render:
// loaded from the browser on first use (the key's read above did that), and the first
// 'storage' listener has the browser set up both storage areas to be watched, 5-6 ms that
// fell inside the first render when the shortcut store added it (ui/other-windows.ts). Done
// here, after the socket is on its way, both pass while the bundle is still arriving; this
// listener does nothing, those added later find the areas ready.
try {
  void window.localStorage.length; // any use loads it whole: no key of the cockpit's named here
  window.addEventListener('storage', function () {});
} catch {
  /* no storage here (a private mode that refuses it): the cockpit starts from its defaults */
}

