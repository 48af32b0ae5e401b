// Enrolment: exchange the one-time code in the URL for this tablet's device token, then open the app.
'use strict';
(function () {
  var KEY_TOKEN = 'qiymet.token';
  var KEY_CONFIG = 'qiymet.config';
  var lang = (navigator.language || 'az').slice(0, 2);
  if (lang !== 'en' && lang !== 'ru') lang = 'az';
  var strings = {};
  var heading = document.getElementById('heading');
  var status = document.getElementById('status');
  var retry = document.getElementById('retry');
  var open = document.getElementById('open');
  var code = decodeURIComponent(location.pathname.replace(/^\/kiosk\/enrol\//, ''));

  function t(key) { return (strings[lang] && strings[lang][key]) || key; }

  function show(title, body, canRetry) {
    document.documentElement.lang = lang;
    heading.textContent = title;
    status.textContent = body;
    retry.hidden = !canRetry;
    retry.textContent = t('kiosk.enrol.retry');
    // A tablet enrolled before keeps working: offer its app.
    open.hidden = canRetry || !localStorage.getItem(KEY_TOKEN) || title === t('kiosk.enrol.working');
    open.textContent = t('kiosk.enrol.open');
    heading.focus();
  }

  function enrol() {
    show(t('kiosk.enrol.working'), '', false);
    fetch('/api/v1/kiosk/pair', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: code }),
      credentials: 'omit', cache: 'no-store'
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (body) {
        if (res.ok && body.token) {
          localStorage.setItem(KEY_TOKEN, body.token);
          localStorage.removeItem(KEY_CONFIG);
          // Leave the code out of the history: the app lives at /kiosk/.
          location.replace('/kiosk/');
          return;
        }
        if (res.status === 404) return show(t('kiosk.enrol.failed'), t('kiosk.enrol.notfound'), false);
        if (res.status === 410) return show(t('kiosk.enrol.failed'), t('kiosk.enrol.expired'), false);
        show(t('kiosk.enrol.failed'), t('kiosk.enrol.network'), true);
      });
    }).catch(function () {
      show(t('kiosk.enrol.failed'), t('kiosk.enrol.network'), true);
    });
  }

  retry.addEventListener('click', function () { if (strings.az) enrol(); else location.reload(); });
  fetch('/kiosk/strings.json', { credentials: 'omit' }).then(function (r) { return r.json(); })
    .then(function (s) { strings = s; enrol(); })
    .catch(function () { show('Qiymət', 'Serverə qoşulmaq alınmadı / Could not reach the server / Нет связи с сервером', true); retry.textContent = '↻'; });
})();
