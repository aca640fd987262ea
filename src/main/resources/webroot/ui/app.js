// The gateway's web page: uploads through tus (Uppy), a browser over /files/, live transfers over the SockJS
// event-bus bridge, and a login form in `users` mode. Every request goes to the same API any client uses.
'use strict';

(() => {
  const EVENTS_ADDRESS = 'ftpgw.transfers.events';
  const LIVE_ROWS = 50;
  const $ = (id) => document.getElementById(id);

  const state = { mode: 'none', user: null, csrf: null, dir: '', uppy: null, bus: null, finished: new Map() };

  // ---------- talking to the gateway ----------

  /** A gateway error as one readable line: its JSON {error, message}, or the status when there is none. */
  class GatewayError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  function headers(extra) {
    const h = Object.assign({ 'X-Requested-With': 'ftpgw-page' }, extra || {});
    if (state.csrf) h['X-CSRF-Token'] = state.csrf;
    return h;
  }

  async function api(method, url, options = {}) {
    const response = await fetch(url, {
      method,
      headers: headers(options.headers),
      body: options.body,
      credentials: 'same-origin',
    });
    if (response.status === 401 && !options.quiet401) {
      showLogin('Your session has ended: log in again.');
    }
    if (!response.ok) {
      let code = 'HTTP_' + response.status;
      let message = response.statusText || 'the gateway answered ' + response.status;
      try {
        const body = await response.json();
        code = body.error || code;
        message = body.message || message;
      } catch (ignored) { /* not JSON */ }
      throw new GatewayError(response.status, code, message);
    }
    return response;
  }

  function showError(error) {
    const box = $('error');
    if (!error) {
      box.hidden = true;
      box.textContent = '';
      return;
    }
    box.textContent = error instanceof GatewayError ? explain(error) : String(error.message || error);
    box.hidden = false;
  }

  /** The gateway's message, led by what it means for someone at the page. */
  function explain(error) {
    const lead = {
      SPOOL_FULL: 'The gateway is full for now: ',
      TOO_LARGE: 'Too large: ',
      FTP_UNREACHABLE: 'The FTP server cannot be reached: ',
      FTP_REFUSED: 'The FTP server refused: ',
      FTP_BUSY: 'The FTP server is busy: ',
      TOO_MANY_UPLOADS: 'Too many uploads at once: ',
      LOGIN_BLOCKED: 'Too many failed logins: ',
    }[error.code] || '';
    return lead + error.message + ' (' + error.code + ')';
  }

  // ---------- login ----------

  async function start() {
    try {
      const response = await api('GET', '/session', { quiet401: true });
      const session = await response.json();
      loggedIn(session);
    } catch (e) {
      if (e.status === 401) showLogin();
      else showError(e);
    }
  }

  function showLogin(message) {
    state.csrf = null;
    state.user = null;
    closeLive();
    $('app-view').hidden = true;
    $('who').hidden = true;
    $('login-view').hidden = false;
    showError(message ? new Error(message) : null);
    $('login-user').focus();
  }

  function loggedIn(session) {
    state.mode = session.mode;
    state.user = session.user;
    state.csrf = session.csrf;
    $('login-view').hidden = true;
    $('app-view').hidden = false;
    $('who').hidden = !session.user;
    $('who-name').textContent = session.user || '';
    showError(null);
    if (!state.uppy) setUpUploads();
    listFolder(state.dir);
    startLiveTable();
  }

  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const response = await api('POST', '/login', {
        quiet401: true,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ user: $('login-user').value, password: $('login-password').value }),
      });
      $('login-password').value = '';
      loggedIn(await response.json());
    } catch (e) {
      showError(e);
      $('login-password').select();
    }
  });

  $('logout').addEventListener('click', async () => {
    try {
      await api('POST', '/logout');
    } catch (ignored) { /* gone already */ }
    if (state.uppy) state.uppy.cancelAll();
    showLogin('Logged out.');
  });

  // ---------- uploads ----------

  function targetFolder(file) {
    const base = $('target-folder').value.trim().replace(/^\/+|\/+$/g, '');
    const relative = (file.meta && file.meta.relativePath) || '';
    const sub = relative.includes('/') ? relative.slice(0, relative.lastIndexOf('/')) : '';
    return [base, sub].filter(Boolean).join('/');
  }

  function setUpUploads() {
    const { Uppy, Dashboard, Tus, GoldenRetriever } = window.Uppy;
    const uppy = new Uppy({ autoProceed: false, allowMultipleUploadBatches: true });
    uppy.use(Dashboard, {
      inline: true,
      target: '#uploader',
      width: '100%',
      height: 340,
      fileManagerSelectionType: 'both',
      showProgressDetails: true,
      proudlyDisplayPoweredByUppy: false,
      note: 'Resumable: pause, close the tab or lose the network, and the upload goes on from where it stopped.',
    });
    uppy.use(Tus, {
      endpoint: '/tus/',
      chunkSize: 16 * 1024 * 1024,
      retryDelays: [0, 1000, 2000, 4000, 8000, 15000, 30000],
      removeFingerprintOnSuccess: true,
      allowedMetaFields: ['name', 'type', 'folder'],
      headers: () => headers(),
      onShouldRetry: (err, retryAttempt, options, next) => {
        const status = err && err.originalResponse ? err.originalResponse.getStatus() : 0;
        if (status === 401) {
          showLogin('Your session has ended: log in again, then resume the upload.');
          return false;
        }
        return next(err);
      },
    });
    // files, their progress and their tus URLs survive a closed tab; on return the uploads resume from the offset
    uppy.use(GoldenRetriever, { serviceWorker: false });
    uppy.on('file-added', (file) => uppy.setFileMeta(file.id, { folder: targetFolder(file) }));
    uppy.on('upload-success', (file, response) => {
      const path = [file.meta.folder, file.meta.name].filter(Boolean).join('/');
      finished(file.meta.name, path, response && response.uploadURL);
    });
    uppy.on('upload-error', (file, error) => showError(uploadError(error)));
    uppy.on('complete', () => listFolder(state.dir));
    state.uppy = uppy;
    window.ftpgwUppy = uppy; // for scripts and tests that read the uploads' progress
  }

  function uploadError(error) {
    const response = error && error.originalResponse;
    if (response) {
      try {
        const body = JSON.parse(response.getBody());
        return new GatewayError(response.getStatus(), body.error, body.message);
      } catch (ignored) { /* not JSON */ }
    }
    return error;
  }

  /**
   * A finished upload's row. A tus upload becomes the transfer with the same id, so its SHA-256 and final path come
   * with that transfer's `delivered` event, or from /transfers/{id} when the page missed it.
   */
  function finished(name, path, uploadUrl) {
    const id = uploadUrl ? uploadUrl.split('/').filter(Boolean).pop() : path;
    const tbody = $('finished').tBodies[0];
    let row = state.finished.get(id);
    if (!row) {
      row = tbody.insertRow(0);
      row.dataset.id = id;
      row.insertCell().textContent = name;
      row.insertCell().textContent = path;
      const hash = row.insertCell();
      hash.className = 'hash';
      hash.textContent = 'publishing…';
      state.finished.set(id, row);
    }
    lookUpTransfer(id);
  }

  async function lookUpTransfer(id, tries = 0) {
    const row = state.finished.get(id);
    if (!row || row.dataset.state === 'delivered') return;
    try {
      const response = await api('GET', '/transfers/' + encodeURIComponent(id));
      showFinished(await response.json());
      if (row.dataset.state === 'delivered' || row.dataset.state === 'failed') return;
    } catch (ignored) { /* the event may still come */ }
    if (tries < 60) setTimeout(() => lookUpTransfer(id, tries + 1), 2000);
  }

  function showFinished(t) {
    const row = state.finished.get(t.id);
    if (!row || row.dataset.state === 'delivered') return;
    row.dataset.state = t.state;
    if (t.path) row.cells[1].textContent = t.path;
    if (t.state === 'delivered') row.cells[2].textContent = t.sha256;
    else if (t.state === 'failed' || t.state === 'cancelled') row.cells[2].textContent = t.state + ': ' + (t.error || t.lastError || '');
  }

  // ---------- file browser ----------

  function encodePath(path) {
    return path.split('/').filter(Boolean).map(encodeURIComponent).join('/');
  }

  function folderUrl(dir) {
    const encoded = encodePath(dir);
    return '/files/' + (encoded ? encoded + '/' : '');
  }

  async function listFolder(dir) {
    try {
      const response = await api('GET', folderUrl(dir), { headers: { Accept: 'application/json' } });
      const listing = await response.json();
      state.dir = dir;
      showBreadcrumbs(dir);
      showEntries(listing.entries || []);
    } catch (e) {
      if (e.status === 404 && dir) {
        listFolder('');
        return;
      }
      showError(e);
    }
  }

  function showBreadcrumbs(dir) {
    const nav = $('breadcrumbs');
    nav.replaceChildren();
    const parts = dir.split('/').filter(Boolean);
    const crumbs = [['Top', '']].concat(parts.map((p, i) => [p, parts.slice(0, i + 1).join('/')]));
    crumbs.forEach(([label, target], i) => {
      if (i > 0) nav.append(' / ');
      if (i === crumbs.length - 1) {
        const here = document.createElement('span');
        here.textContent = label;
        here.setAttribute('aria-current', 'page');
        nav.append(here);
      } else {
        const link = document.createElement('a');
        link.href = '#';
        link.textContent = label;
        link.addEventListener('click', (e) => { e.preventDefault(); listFolder(target); });
        nav.append(link);
      }
    });
  }

  function isFolder(entry) {
    return entry.type === 'folder' || entry.type === 'directory';
  }

  function showEntries(entries) {
    const tbody = $('files').tBodies[0];
    tbody.replaceChildren();
    const sorted = entries.slice().sort((a, b) =>
      (isFolder(a) === isFolder(b) ? 0 : isFolder(a) ? -1 : 1) || a.name.localeCompare(b.name));
    if (sorted.length === 0) {
      const row = tbody.insertRow();
      const cell = row.insertCell();
      cell.colSpan = 4;
      cell.className = 'muted';
      cell.textContent = 'This folder is empty.';
    }
    for (const entry of sorted) {
      const path = [state.dir, entry.name].filter(Boolean).join('/');
      const folder = isFolder(entry);
      const row = tbody.insertRow();
      row.dataset.name = entry.name;
      const name = row.insertCell();
      const link = document.createElement('a');
      link.textContent = entry.name + (folder ? '/' : '');
      if (folder) {
        link.href = '#';
        link.addEventListener('click', (e) => { e.preventDefault(); listFolder(path); });
      } else {
        link.href = '/files/' + encodePath(path);
        link.setAttribute('download', entry.name);
      }
      name.append(link);
      const size = row.insertCell();
      size.className = 'num';
      size.textContent = folder ? '' : bytes(entry.size);
      row.insertCell().textContent = entry.modified ? new Date(entry.modified).toLocaleString() : '';
      const actions = row.insertCell();
      actions.className = 'actions';
      actions.append(
        button('Rename', 'Rename ' + entry.name, () => rename(entry, path)),
        button('Delete', 'Delete ' + entry.name, () => remove(entry, path)));
    }
  }

  function button(label, ariaLabel, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'plain';
    b.textContent = label;
    b.setAttribute('aria-label', ariaLabel);
    b.addEventListener('click', onClick);
    return b;
  }

  async function remove(entry, path) {
    const what = isFolder(entry) ? 'the empty folder ' : '';
    if (!window.confirm('Delete ' + what + path + '?')) return;
    try {
      await api('DELETE', '/files/' + encodePath(path) + (isFolder(entry) ? '/' : ''));
      showError(null);
    } catch (e) {
      showError(e);
    }
    listFolder(state.dir);
  }

  async function rename(entry, path) {
    const name = window.prompt('New name for ' + entry.name, entry.name);
    if (!name || name === entry.name) return;
    const target = [state.dir, name].filter(Boolean).join('/');
    const slash = isFolder(entry) ? '/' : '';
    try {
      await api('MOVE', '/files/' + encodePath(path) + slash, {
        headers: { Destination: location.origin + '/files/' + encodePath(target) + slash, Overwrite: 'F' },
      });
      showError(null);
    } catch (e) {
      showError(e);
    }
    listFolder(state.dir);
  }

  $('mkdir-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = $('mkdir-name').value.trim();
    if (!name) return;
    try {
      await api('MKCOL', folderUrl([state.dir, name].filter(Boolean).join('/')));
      $('mkdir-name').value = '';
      showError(null);
    } catch (e) {
      showError(e);
    }
    listFolder(state.dir);
  });
  $('refresh').addEventListener('click', () => listFolder(state.dir));

  // ---------- live transfers ----------

  async function startLiveTable() {
    try {
      const response = await api('GET', '/transfers?limit=' + LIVE_ROWS);
      const list = await response.json();
      (list.items || []).slice().reverse().forEach(showTransfer);
    } catch (e) {
      showError(e);
    }
    connectLive();
  }

  /**
   * Live events: through the SockJS event-bus bridge when the gateway has it on (`bridges.sockjs.enabled`), else
   * through its Server-Sent Events at /events. Either way the page's own user's events only.
   */
  async function connectLive() {
    let bridged = false;
    try {
      bridged = (await fetch('/eventbus/info', { headers: headers(), credentials: 'same-origin' })).ok;
    } catch (ignored) { /* no bridge */ }
    if (bridged) connectBus(1000);
    else connectEventStream();
  }

  function eventsAddress() {
    return state.user ? EVENTS_ADDRESS + '.' + state.user : EVENTS_ADDRESS;
  }

  /** The event-bus bridge's frames over SockJS: register once open, ping to stay open, reconnect when closed. */
  function connectBus(backoff) {
    closeLive();
    const socket = new window.SockJS('/eventbus');
    let pinger = null;
    state.bus = socket;
    socket.onopen = () => {
      $('live-status').textContent = '(live)';
      socket.send(JSON.stringify({ type: 'register', address: eventsAddress(), headers: {} }));
      pinger = setInterval(() => socket.send(JSON.stringify({ type: 'ping' })), 5000);
      backoff = 1000;
    };
    socket.onmessage = (message) => {
      const frame = JSON.parse(message.data);
      if (frame.type === 'rec' && frame.body) showTransfer(frame.body);
      if (frame.type === 'err') $('live-status').textContent = '(' + (frame.message || 'refused') + ')';
    };
    socket.onclose = () => {
      clearInterval(pinger);
      if (state.bus !== socket || $('app-view').hidden) return;
      $('live-status').textContent = '(reconnecting…)';
      setTimeout(() => connectBus(Math.min(backoff * 2, 30000)), backoff);
    };
  }

  /** Server-Sent Events: the browser reconnects by itself and resumes with Last-Event-ID. */
  function connectEventStream() {
    closeLive();
    const stream = new EventSource('/events');
    state.bus = stream;
    stream.onopen = () => { $('live-status').textContent = '(live)'; };
    stream.addEventListener('transfer', (message) => showTransfer(JSON.parse(message.data)));
    stream.onerror = () => { $('live-status').textContent = '(reconnecting…)'; };
  }

  function closeLive() {
    if (state.bus) state.bus.close();
    state.bus = null;
  }

  function showTransfer(t) {
    if (!t || !t.id) return;
    const tbody = $('transfers').tBodies[0];
    let row = tbody.querySelector('tr[data-id="' + CSS.escape(t.id) + '"]');
    if (!row) {
      row = tbody.insertRow(0);
      row.dataset.id = t.id;
      for (let i = 0; i < 5; i++) row.insertCell();
      row.cells[2].className = 'num';
      row.cells[3].className = 'hash';
      while (tbody.rows.length > LIVE_ROWS) tbody.deleteRow(tbody.rows.length - 1);
    }
    row.dataset.state = t.state;
    row.cells[0].textContent = t.path || '';
    row.cells[1].textContent = t.state + (t.error || t.lastError ? ': ' + (t.error || t.lastError) : '');
    row.cells[1].className = 'state-' + t.state;
    const total = t.totalBytes && t.totalBytes !== t.bytes ? ' / ' + bytes(t.totalBytes) : '';
    row.cells[2].textContent = bytes(t.bytes || 0) + total;
    row.cells[3].textContent = t.sha256 || '';
    row.cells[4].textContent = new Date(t.at || t.updatedAt || Date.now()).toLocaleTimeString();
    showFinished(t);
  }

  function bytes(n) {
    if (n < 1024) return n + ' B';
    const units = ['KiB', 'MiB', 'GiB', 'TiB'];
    let value = n;
    let unit = -1;
    do { value /= 1024; unit++; } while (value >= 1024 && unit < units.length - 1);
    return value.toFixed(value < 10 ? 1 : 0) + ' ' + units[unit];
  }

  window.addEventListener('DOMContentLoaded', start);
})();
