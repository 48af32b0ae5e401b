// Qiymət kiosk app: attract (the agency tiles, or the smileys themselves on a single-agency kiosk) → smileys →
// optional follow-ups → thank you → reset. The first touch always lands on the rating.
// Every rating gets a UUID here and goes into a queue in localStorage that survives reloads and power loss;
// the queue drains in order with backoff, and the server's idempotency on the id means a rating sent twice
// (say, the answer was lost) is stored once.
'use strict';
(function () {
  var APP_VERSION = '1.1.0';
  var K = {
    token: 'qiymet.token', config: 'qiymet.config', strings: 'qiymet.strings',
    queue: 'qiymet.queue', draft: 'qiymet.draft', stats: 'qiymet.stats', offset: 'qiymet.clockOffset'
  };
  var LANGS = ['az', 'en', 'ru'];
  var SVG = 'http://www.w3.org/2000/svg';
  var MOUTHS = ['M14 36 Q24 25 34 36', 'M15 35 Q24 30 33 35', 'M15 33 L33 33', 'M15 31 Q24 37 33 31', 'M13 29 Q24 43 35 29'];

  var state = {
    lang: 'az', screen: 'loading', config: null, strings: {}, agency: null, chosen: false,
    followups: {}, online: true, unauthorized: false, large: false, level: 4
  };
  var timers = { idle: null, reset: null, drain: null, heartbeat: null, refresh: null };
  var drain = { running: false, backoff: 0 };
  var tileCue = null; // the scroll cue of the agency tiles on screen, if any
  // Server time − tablet time (ms), kept across restarts: a tablet that boots while the server is down still
  // stamps its ratings in the server's time.
  var clockOffset = Number(localStorage.getItem('qiymet.clockOffset')) || 0;

  var screenEl = document.getElementById('screen');
  var staffEl = document.getElementById('staff');
  var centerEl = document.getElementById('center');
  var langsEl = document.getElementById('langs');
  var largeEl = document.getElementById('large');

  // ---------- storage ----------
  function load(key, fallback) {
    try {
      var v = localStorage.getItem(key);
      return v === null ? fallback : JSON.parse(v);
    } catch (e) { return fallback; }
  }
  function save(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full: nothing better to do */ }
  }
  function token() { return localStorage.getItem(K.token) || ''; }
  function queue() { return load(K.queue, []); }
  function stats() { return load(K.stats, { dropped: 0, lastSync: 0 }); }

  // ---------- helpers ----------
  function t(key, arg) {
    var s = (state.strings[state.lang] && state.strings[state.lang][key]) ||
      (state.strings.az && state.strings.az[key]) || '';
    if (arg !== undefined) s = s.replace(/%[ds]/, String(arg));
    return s;
  }
  function name(names) { return (names && (names[state.lang] || names.az)) || ''; }
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'on') Object.keys(attrs.on).forEach(function (ev) { e.addEventListener(ev, attrs.on[ev]); });
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }
  function face(level) {
    var s = document.createElementNS(SVG, 'svg');
    s.setAttribute('viewBox', '0 0 48 48');
    s.setAttribute('class', 'face f' + level);
    s.setAttribute('aria-hidden', 'true');
    s.setAttribute('focusable', 'false');
    [['circle', { 'class': 'skin', cx: 24, cy: 24, r: 21 }], ['circle', { 'class': 'eye', cx: 17, cy: 19, r: 3 }],
      ['circle', { 'class': 'eye', cx: 31, cy: 19, r: 3 }], ['path', { 'class': 'mouth', d: MOUTHS[level] }]]
      .forEach(function (p) {
        var c = document.createElementNS(SVG, p[0]);
        Object.keys(p[1]).forEach(function (k) { c.setAttribute(k, p[1][k]); });
        s.appendChild(c);
      });
    return s;
  }
  // check is the neutral mark of a thank-you that should not smile (after a bad rating).
  function check() {
    var s = document.createElementNS(SVG, 'svg');
    s.setAttribute('viewBox', '0 0 48 48');
    s.setAttribute('class', 'check');
    s.setAttribute('aria-hidden', 'true');
    s.setAttribute('focusable', 'false');
    [['circle', { 'class': 'ring', cx: 24, cy: 24, r: 21 }], ['path', { 'class': 'mark', d: 'M14 25 L21 32 L35 17' }]]
      .forEach(function (p) {
        var c = document.createElementNS(SVG, p[0]);
        Object.keys(p[1]).forEach(function (k) { c.setAttribute(k, p[1][k]); });
        s.appendChild(c);
      });
    return s;
  }
  // A time-ordered id (UUIDv7: milliseconds since 1970, then 74 random bits). The server keeps every id in one
  // unique index; ids that grow with time land at its recent end, which stays in memory, where random ones
  // would each read a page of an index of hundreds of millions (docs/scaling.md, "From 10M to 100M").
  function uuid() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b); // works on plain http too, unlike crypto.randomUUID
    var ms = Date.now();
    for (var i = 5; i >= 0; i--) { b[i] = ms % 256; ms = Math.floor(ms / 256); }
    b[6] = (b[6] & 0x0f) | 0x70;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }
  function serverNow() { return new Date(Date.now() + clockOffset); }
  function syncClock(serverTime) {
    var st = Date.parse(serverTime);
    if (!isNaN(st)) {
      clockOffset = st - Date.now();
      localStorage.setItem(K.offset, String(clockOffset));
    }
  }
  function request(method, path, body, timeoutMs) {
    var ctl = new AbortController();
    var tm = setTimeout(function () { ctl.abort(); }, timeoutMs || 15000);
    var headers = { 'Authorization': 'Bearer ' + token() };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(path, {
      method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body),
      signal: ctl.signal, cache: 'no-store', credentials: 'omit'
    }).finally(function () { clearTimeout(tm); });
  }
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function clock(ms) { var d = new Date(ms); return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()); }

  // ---------- staff indicator ----------
  function renderStaff() {
    if (!token()) {
      // Not enrolled: no online dot (nothing is connected yet), just the fact.
      staffEl.textContent = t('kiosk.staff.notenrolled');
      staffEl.setAttribute('aria-label', t('kiosk.staff.label'));
      staffEl.dataset.pending = '0';
      staffEl.dataset.online = 'none';
      staffEl.className = 'staff';
      return;
    }
    var q = queue(), st = stats();
    var parts = [state.online ? t('kiosk.staff.online') : t('kiosk.staff.offline'),
      t('kiosk.staff.pending', q.length),
      t('kiosk.staff.synced', st.lastSync ? clock(st.lastSync) : t('kiosk.staff.never'))];
    if (st.dropped) parts.push(t('kiosk.staff.dropped', st.dropped));
    if (state.unauthorized) parts.push(t('kiosk.staff.unauthorized'));
    staffEl.textContent = '';
    staffEl.appendChild(el('span', { 'class': 'dot ' + (state.online && !state.unauthorized ? 'on' : 'off'), 'aria-hidden': 'true' }));
    staffEl.appendChild(el('span', { text: parts.join(' · ') }));
    staffEl.setAttribute('aria-label', t('kiosk.staff.label'));
    staffEl.dataset.pending = String(q.length);
    staffEl.dataset.online = String(state.online);
    staffEl.className = 'staff' + (state.online ? '' : ' offline');
  }
  function setOnline(on) {
    if (state.online !== on) { state.online = on; }
    renderStaff();
  }

  // ---------- queue ----------
  function enqueue(item) {
    var q = queue();
    q.push(item);
    save(K.queue, q);
    renderStaff();
    if (!timers.drain) runDrain();
  }
  function removeFromQueue(id) {
    save(K.queue, queue().filter(function (x) { return x.id !== id; }));
  }
  function scheduleDrain(seconds) {
    clearTimeout(timers.drain);
    timers.drain = setTimeout(function () { timers.drain = null; runDrain(); }, seconds * 1000);
  }
  function retryLater(retryAfter) {
    var max = (state.config && state.config.retry_max_seconds) || 60;
    drain.backoff = Math.min(max, drain.backoff ? drain.backoff * 2 : 1);
    var wait = Math.max(drain.backoff * (0.8 + Math.random() * 0.4), retryAfter || 0);
    scheduleDrain(Math.min(wait, Math.max(max, retryAfter || 0)));
  }
  function runDrain() {
    if (drain.running || !token()) return;
    var q = queue();
    if (!q.length) { drain.backoff = 0; renderStaff(); return; }
    drain.running = true;
    var item = q[0];
    request('POST', '/api/v1/responses', item.body).then(function (res) {
      drain.running = false;
      if (res.ok) {
        removeFromQueue(item.id);
        var st = stats(); st.lastSync = Date.now(); save(K.stats, st);
        state.unauthorized = false;
        drain.backoff = 0;
        setOnline(true);
        return runDrain();
      }
      var ra = parseInt(res.headers.get('Retry-After') || '0', 10) || 0;
      if (res.status === 429 || res.status === 408 || res.status >= 500) {
        setOnline(res.status !== 503);
        return retryLater(ra);
      }
      if (res.status === 401 || res.status === 403) {
        // The device's credential, not the rating, is at fault: keep it for when the tablet is enrolled again.
        state.unauthorized = true;
        setOnline(true);
        return retryLater(ra);
      }
      if (res.status === 422 && !item.rebased) {
        return res.json().catch(function () { return {}; }).then(function (b) {
          if (b && b.error && b.error.field === 'submitted_at' && rebase(item, res.headers.get('Date'))) return runDrain();
          drop(item);
        });
      }
      // Any other 4xx can never succeed: drop it (and count it) rather than block the queue forever.
      drop(item);
    }).catch(function () {
      drain.running = false;
      setOnline(false);
      retryLater(0);
    });
  }
  // rebase fixes a rating stamped by a tablet clock the server finds wrong (it was not stored, so changing it
  // is safe): the tap time plus the offset measured now, keeping the spacing between queued ratings.
  function rebase(item, dateHeader) {
    var server = Date.parse(dateHeader || '');
    if (isNaN(server) || !item.tap) return false;
    syncClock(new Date(server).toISOString());
    var at = item.tap + clockOffset;
    if (at > server + 60000 || at < server - 29 * 24 * 3600 * 1000) return false;
    item.body.submitted_at = new Date(at).toISOString();
    item.rebased = true;
    save(K.queue, queue().map(function (x) { return x.id === item.id ? item : x; }));
    return true;
  }
  function drop(item) {
    removeFromQueue(item.id);
    var s2 = stats(); s2.dropped = (s2.dropped || 0) + 1; save(K.stats, s2);
    setOnline(true);
    runDrain();
  }

  // ---------- the rating in progress ----------
  function startRating(value) {
    var a = state.agency;
    var sv = a.survey;
    var answers = {};
    answers[sv.primary] = value;
    var draft = {
      id: uuid(), tap: Date.now(), body: {
        id: '', agency: a.code, survey: sv.code, survey_version: sv.version, answers: answers,
        lang: state.lang, submitted_at: serverNow().toISOString()
      }
    };
    draft.body.id = draft.id;
    save(K.draft, draft);
    state.followups = {};
  }
  function setFollowup(key, value) {
    var d = load(K.draft, null);
    if (!d) return;
    if (value === null) delete d.body.answers[key]; else d.body.answers[key] = value;
    save(K.draft, d);
  }
  function finishRating(withFollowups) {
    var d = load(K.draft, null);
    if (!d) return;
    if (!withFollowups) {
      var sv = state.agency && state.agency.survey;
      var keep = {};
      if (sv) keep[sv.primary] = d.body.answers[sv.primary];
      d.body.answers = sv ? keep : d.body.answers;
    }
    d.body.lang = state.lang;
    localStorage.removeItem(K.draft);
    enqueue(d);
  }
  // A rating interrupted by a reload or a power cut is sent with what it had.
  function recoverDraft() {
    var d = load(K.draft, null);
    if (d) { localStorage.removeItem(K.draft); enqueue(d); }
  }

  // ---------- screens ----------
  function agencies() { return (state.config && state.config.agencies) || []; }
  function show(screen) {
    state.screen = screen;
    tileCue = null;
    clearTimeout(timers.reset);
    screenEl.textContent = '';
    screenEl.className = 'screen s-' + screen;
    screenEl.dataset.screen = screen;
    var h = el('h1', { id: 'heading', tabindex: '-1' });
    screenEl.appendChild(h);
    ({
      loading: drawLoading, notenrolled: drawNotEnrolled, attract: drawAttract,
      primary: drawPrimary, followup: drawFollowup, thanks: drawThanks
    })[screen](h);
    applyLang();
    // Move focus to the new screen's heading: screen readers announce it, keyboards continue from it.
    h.focus({ preventScroll: true });
    armIdle();
  }
  function drawLoading(h) { h.textContent = t('kiosk.loading') || 'Qiymət'; }
  function drawNotEnrolled(h) {
    h.textContent = t('kiosk.notenrolled.title');
    screenEl.appendChild(el('p', { 'class': 'lead', text: t('kiosk.notenrolled.body') }));
  }
  // sortedAgencies are the tiles in the current language's alphabetical order: the server's collation
  // (config.order), else the tablet's, else the catalog's.
  function sortedAgencies() {
    var list = agencies().slice();
    var order = state.config && state.config.order && state.config.order[state.lang];
    if (order && order.length) {
      var pos = {};
      order.forEach(function (c, i) { pos[c] = i; });
      return list.sort(function (a, b) {
        return (a.code in pos ? pos[a.code] : 1e6) - (b.code in pos ? pos[b.code] : 1e6);
      });
    }
    if (window.Intl && Intl.Collator) {
      var col = new Intl.Collator(state.lang);
      list.sort(function (a, b) { return col.compare(name(a.name), name(b.name)); });
    }
    return list;
  }
  function drawAttract(h) {
    var list = agencies();
    if (list.length === 1) {
      // One agency: the smileys are the attract screen, so one touch is the rating.
      state.agency = list[0];
      state.chosen = false;
      drawRating(h, t('kiosk.attract.body'));
      return;
    }
    h.textContent = t('kiosk.attract.title');
    screenEl.appendChild(el('p', { 'class': 'lead', text: t('kiosk.choose') + ' ' + t('kiosk.anonymous') }));
    // The box scrolls; the grid inside it is as tall as its tiles need.
    var grid = el('div', { 'class': 'agencies', role: 'group', 'aria-labelledby': 'heading' });
    var tiles = el('div', { 'class': 'tiles', id: 'tiles' }, [grid]);
    sortedAgencies().forEach(function (a) {
      grid.appendChild(el('button', {
        type: 'button', 'class': 'agency', 'data-agency': a.code,
        on: { click: function () { state.agency = a; state.chosen = true; show('primary'); } }
      }, [el('span', { text: name(a.name) })]));
    });
    var more = el('button', {
      type: 'button', 'class': 'more', id: 'more', hidden: 'hidden',
      on: { click: function () { tiles.scrollBy({ top: tiles.clientHeight * 0.8, behavior: 'smooth' }); } }
    }, [el('span', { 'aria-hidden': 'true', text: '↓ ' }), el('span', { text: t('kiosk.more') })]);
    var wrap = el('div', { 'class': 'tiles-wrap' }, [tiles, more]);
    screenEl.appendChild(wrap);
    // The cue shows while tiles are hidden below the fold, and goes once the last row is in view.
    function cue() {
      var below = tiles.scrollHeight - tiles.clientHeight - tiles.scrollTop > 4;
      more.hidden = !below;
      wrap.classList.toggle('clipped', below);
    }
    tiles.addEventListener('scroll', cue, { passive: true });
    tileCue = cue;
    requestAnimationFrame(cue);
  }
  function backButton(to) {
    return el('button', { type: 'button', 'class': 'secondary', id: 'back', on: { click: function () { show(to); } } },
      [el('span', { 'aria-hidden': 'true', text: '← ' }), el('span', { text: t('kiosk.back') })]);
  }
  function question(sv, key) {
    for (var i = 0; i < sv.questions.length; i++) if (sv.questions[i].key === key) return sv.questions[i];
    return null;
  }
  function scaleLabel(q, v) {
    if (q.max - q.min === 4) return t('citizen.scale.' + (v - q.min + 1));
    return t('citizen.scale.of', v).replace(/%d/, q.max);
  }
  function optionsOf(q) {
    if (q.type === 'yes_no') {
      return [{ value: true, label: t('citizen.yes'), face: 4 }, { value: false, label: t('citizen.no'), face: 0 }];
    }
    var out = [];
    for (var v = q.min; v <= q.max; v++) {
      out.push({ value: v, label: scaleLabel(q, v), face: Math.round((v - q.min) * 4 / (q.max - q.min)) });
    }
    return out;
  }
  function drawPrimary(h) { drawRating(h, ''); }
  // drawRating shows the agency's name, its primary question and the smileys (and Back after a tile).
  function drawRating(h, lead) {
    var sv = state.agency.survey;
    var q = question(sv, sv.primary);
    h.textContent = name(q.text);
    screenEl.insertBefore(el('p', { 'class': 'agency-name', id: 'agency-name', text: name(state.agency.name) }), h);
    if (lead) screenEl.appendChild(el('p', { 'class': 'lead', text: lead }));
    var row = el('div', { 'class': 'smileys n' + optionsOf(q).length, role: 'group', 'aria-labelledby': 'heading' });
    optionsOf(q).forEach(function (o) {
      row.appendChild(el('button', {
        type: 'button', 'class': 'smiley', 'data-value': String(o.value),
        on: { click: function () { choosePrimary(o.value); } }
      }, [face(o.face), el('span', { 'class': 'label', text: o.label })]));
    });
    screenEl.appendChild(row);
    if (state.chosen) screenEl.appendChild(el('div', { 'class': 'actions' }, [backButton('attract')]));
  }
  function followupQuestions() {
    var sv = state.agency.survey;
    return sv.questions.filter(function (q) { return q.key !== sv.primary && q.type !== 'text'; });
  }
  function choosePrimary(value) {
    var q = question(state.agency.survey, state.agency.survey.primary);
    state.level = q && q.max > q.min ? Math.round((value - q.min) * 4 / (q.max - q.min)) : 4;
    startRating(value);
    if (followupQuestions().length) { show('followup'); return; }
    finishRating(false);
    show('thanks');
  }
  function drawFollowup(h) {
    h.textContent = t('kiosk.followup');
    // More than three questions go in two columns on a landscape screen (app.css), so that every one is in
    // sight above Send at 1280×800.
    var qs = followupQuestions();
    var list = el('div', { 'class': 'fqs' + (qs.length > 3 ? ' many' : '') });
    screenEl.appendChild(list);
    qs.forEach(function (q, i) {
      var id = 'fq' + i;
      var group = el('div', { 'class': 'fq', role: 'group', 'aria-labelledby': id });
      group.appendChild(el('p', { 'class': 'fq-text', id: id, text: name(q.text) }));
      var row = el('div', { 'class': 'choices n' + optionsOf(q).length });
      optionsOf(q).forEach(function (o) {
        var pressed = state.followups[q.key] === o.value;
        var b = el('button', {
          type: 'button', 'class': 'choice', 'aria-pressed': String(pressed), 'data-key': q.key, 'data-value': String(o.value)
        }, [q.type === 'scale' ? face(o.face) : null, el('span', { 'class': 'label', text: o.label })]);
        b.addEventListener('click', function () {
          var again = state.followups[q.key] === o.value;
          if (again) delete state.followups[q.key]; else state.followups[q.key] = o.value;
          setFollowup(q.key, again ? null : o.value);
          Array.prototype.forEach.call(row.children, function (c) {
            c.setAttribute('aria-pressed', String(!again && c === b));
          });
        });
        row.appendChild(b);
      });
      group.appendChild(row);
      list.appendChild(group);
    });
    screenEl.appendChild(el('div', { 'class': 'actions' }, [
      el('button', { type: 'button', 'class': 'secondary', id: 'skip', on: { click: function () { finishRating(false); show('thanks'); } } },
        [el('span', { text: t('kiosk.skip') })]),
      el('button', { type: 'button', 'class': 'primary', id: 'send', on: { click: function () { finishRating(true); show('thanks'); } } },
        [el('span', { text: t('kiosk.send') })])
    ]));
  }
  function drawThanks(h) {
    // After a bad rating a smiling face would mock the citizen: a neutral mark and a promise instead.
    var bad = state.level <= 1;
    h.textContent = t(bad ? 'citizen.thanks.bad.title' : 'citizen.thanks.title');
    screenEl.insertBefore(state.level >= 3 ? face(4) : check(), h);
    screenEl.dataset.mood = bad ? 'bad' : (state.level >= 3 ? 'good' : 'neutral');
    screenEl.appendChild(el('p', { 'class': 'lead', text: t(bad ? 'citizen.thanks.bad.body' : 'citizen.thanks.body') }));
    var secs = (state.config && state.config.reset_seconds) || 6;
    timers.reset = setTimeout(reset, secs * 1000);
  }
  function reset() {
    // A rating left half-way is sent with what it had; the next citizen starts in Azerbaijani, normal text
    // (large text is one citizen's choice, not the tablet's).
    finishRating(true);
    state.agency = null;
    state.followups = {};
    state.lang = 'az';
    setLarge(false);
    show(state.config ? 'attract' : (token() ? 'loading' : 'notenrolled'));
    maybeRefresh();
  }

  // ---------- idle ----------
  function armIdle() {
    clearTimeout(timers.idle);
    // The attract screen is the resting state, unless a citizen changed its language or text size.
    var changed = state.lang !== 'az' || state.large;
    if (['primary', 'followup'].indexOf(state.screen) < 0 && !(state.screen === 'attract' && changed)) return;
    var secs = (state.config && state.config.idle_seconds) || 30;
    timers.idle = setTimeout(reset, secs * 1000);
  }
  window.addEventListener('resize', function () { if (tileCue) tileCue(); });
  ['pointerdown', 'keydown', 'touchstart'].forEach(function (ev) {
    document.addEventListener(ev, armIdle, { passive: true });
  });

  // ---------- language ----------
  function applyLang() {
    document.documentElement.lang = state.lang;
    langsEl.setAttribute('aria-label', t('citizen.lang.label') || 'Dil');
    Array.prototype.forEach.call(langsEl.querySelectorAll('button'), function (b) {
      b.setAttribute('aria-pressed', String(b.dataset.lang === state.lang));
    });
    centerEl.textContent = state.config ? name(state.config.center.name) : 'Qiymət';
    largeEl.lastChild.textContent = t('kiosk.large') || 'Aa';
    document.title = (t('kiosk.attract.title') || 'Qiymət') + ' — Qiymət';
    renderStaff();
  }
  langsEl.addEventListener('click', function (e) {
    var b = e.target.closest('button[data-lang]');
    if (!b || LANGS.indexOf(b.dataset.lang) < 0) return;
    state.lang = b.dataset.lang;
    var focusLang = b.dataset.lang;
    show(state.screen);
    // Keep the keyboard where it was: on the language button just pressed.
    var again = langsEl.querySelector('button[data-lang="' + focusLang + '"]');
    if (again && e.detail === 0) again.focus();
  });

  // ---------- large text and high contrast ----------
  function setLarge(on) {
    state.large = on;
    document.documentElement.classList.toggle('large', on);
    largeEl.setAttribute('aria-pressed', String(on));
  }
  largeEl.addEventListener('click', function () {
    setLarge(!state.large);
    show(state.screen);
  });

  // ---------- server ----------
  function loadStrings() {
    state.strings = load(K.strings, {});
    return fetch('/kiosk/strings.json', { credentials: 'omit', cache: 'no-cache' })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (s) { state.strings = s; save(K.strings, s); })
      .catch(function () { /* offline: the cached copy */ });
  }
  function applyConfig(cfg) {
    state.config = cfg;
    if (cfg.server_time) syncClock(cfg.server_time);
  }
  function loadConfig() {
    return request('GET', '/api/v1/kiosk/config').then(function (res) {
      if (res.status === 401 || res.status === 403) {
        state.unauthorized = true;
        return null;
      }
      if (!res.ok) throw new Error(res.status);
      return res.json().then(function (cfg) {
        state.unauthorized = false;
        setOnline(true);
        save(K.config, cfg);
        applyConfig(cfg);
        return cfg;
      });
    }).catch(function () {
      setOnline(false);
      var cached = load(K.config, null);
      if (cached && !state.config) state.config = cached;
      return state.config;
    });
  }
  function maybeRefresh() {
    var every = ((state.config && state.config.config_refresh_seconds) || 600) * 1000;
    if (timers.refresh && Date.now() - timers.refresh < every) return;
    timers.refresh = Date.now();
    loadConfig().then(function () { if (state.screen === 'attract') show('attract'); });
  }
  // The battery, where the browser has the Battery Status API: the admin fleet view shows it.
  var battery = null;
  if (navigator.getBattery) { navigator.getBattery().then(function (b) { battery = b; }).catch(function () {}); }
  function heartbeat() {
    var report = { version: APP_VERSION, queue_length: queue().length };
    if (battery) { report.battery_level = battery.level; report.charging = battery.charging; }
    request('POST', '/api/v1/kiosk/heartbeat', report).then(function (res) {
      if (res.ok) {
        setOnline(true);
        res.json().then(function (b) { if (b.server_time) syncClock(b.server_time); }).catch(function () {});
        // The server answers again: try the queue now instead of waiting out the backoff.
        if (queue().length && !drain.running) { clearTimeout(timers.drain); timers.drain = null; runDrain(); }
      } else if (res.status === 401 || res.status === 403) {
        state.unauthorized = true;
        renderStaff();
      }
    }).catch(function () { setOnline(false); });
  }
  function startHeartbeat() {
    clearInterval(timers.heartbeat);
    var secs = (state.config && state.config.heartbeat_seconds) || 60;
    timers.heartbeat = setInterval(heartbeat, secs * 1000);
    heartbeat();
  }

  function start() {
    loadStrings().then(function () {
      applyLang();
      if (!token()) { show('notenrolled'); return; }
      show('loading');
      recoverDraft();
      loadConfig().then(function (cfg) {
        timers.refresh = Date.now();
        if (!cfg) {
          show(state.unauthorized ? 'notenrolled' : 'loading');
          // Keep trying until the server answers.
          setTimeout(start, 10000);
          return;
        }
        show('attract');
        startHeartbeat();
        runDrain();
      });
    });
  }
  // Offline start-up after a reboot (only where browsers allow service workers: https or localhost).
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/kiosk/sw.js', { scope: '/kiosk/' }).catch(function () {});
  }
  window.addEventListener('online', function () { setOnline(true); clearTimeout(timers.drain); timers.drain = null; runDrain(); });
  window.addEventListener('offline', function () { setOnline(false); });
  start();
})();
