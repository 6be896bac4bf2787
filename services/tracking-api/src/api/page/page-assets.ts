/**
 * The page's only stylesheet and script, inlined: no build step, no CDN, no request the page
 * cannot answer itself. Both run under the Content-Security-Policy nonce.
 */

/** Mobile first: one column readable from 320 px, text at the browser's size, WCAG AA contrast. */
export const PAGE_STYLE = `
:root{color-scheme:light dark;--bg:#f4f5f7;--fg:#14181f;--muted:#4a5261;--card:#fff;--line:#c9ced6;
--accent:#0b57d0;--done:#0b7a3e;--warn-bg:#fff3e0;--warn-fg:#6b3500;--warn-line:#e08a00;
--stop-bg:#fdecec;--stop-fg:#8a1c1c;--stop-line:#d64545}
@media (prefers-color-scheme:dark){:root{--bg:#0f1217;--fg:#eef1f5;--muted:#b4bcc8;--card:#181c23;
--line:#394150;--accent:#8ab4ff;--done:#5fd08f;--warn-bg:#3a2a10;--warn-fg:#ffd79a;--warn-line:#c98a1a;
--stop-bg:#3b1818;--stop-fg:#ffb4b4;--stop-line:#d66}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;overflow-wrap:anywhere}
header,main,footer{max-width:40rem;margin:0 auto;padding:0 1rem}
header{padding-top:1.25rem}
h1{font-size:1.5rem;line-height:1.25;margin:.25rem 0}
h2{font-size:1.125rem;margin:0 0 .75rem}
p{margin:.25rem 0}
a{color:var(--accent)}
.muted{color:var(--muted)}
.small{font-size:.9375rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.75rem;padding:1rem;margin:1rem 0}
.status{border-left:.375rem solid var(--accent)}
.status.is-delivered{border-left-color:var(--done)}
.status.is-trouble{border-left-color:var(--warn-line)}
.window{font-size:1.0625rem;font-weight:600}
.notice{border-radius:.75rem;padding:1rem;margin:1rem 0;border:2px solid var(--warn-line);background:var(--warn-bg);color:var(--warn-fg)}
.notice.is-stop{border-color:var(--stop-line);background:var(--stop-bg);color:var(--stop-fg)}
.notice h2{margin-bottom:.25rem}
.steps,.history,.parcels{list-style:none;margin:0;padding:0}
.step{position:relative;padding:0 0 1rem 2.25rem;min-height:2.25rem}
.step:last-child{padding-bottom:0}
.step::before{content:"";position:absolute;left:.25rem;top:.2rem;width:1.125rem;height:1.125rem;border-radius:50%;border:2px solid var(--line);background:var(--card)}
.step::after{content:"";position:absolute;left:.75rem;top:1.5rem;bottom:.1rem;width:2px;background:var(--line)}
.step:last-child::after{display:none}
.step.is-done::before{background:var(--done);border-color:var(--done)}
.step.is-done::after{background:var(--done)}
.step.is-current::before{background:var(--accent);border-color:var(--accent);box-shadow:0 0 0 .25rem var(--bg)}
.step.is-current .step-name{font-weight:700}
.step.is-todo{color:var(--muted)}
.step-when{display:block;font-size:.875rem;color:var(--muted)}
.history li{padding:.625rem 0;border-top:1px solid var(--line)}
.history li:first-child{border-top:0;padding-top:0}
.history time{display:block;font-size:.875rem;color:var(--muted)}
.parcels li+li{margin-top:1rem;padding-top:1rem;border-top:1px solid var(--line)}
.number{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
.button{display:inline-block;margin-top:.5rem;padding:.625rem 1rem;border-radius:.5rem;background:var(--accent);color:var(--card);text-decoration:none;font-weight:600}
footer{padding-bottom:2rem}
.live[hidden]{display:none}
.live::before{content:"";display:inline-block;width:.5rem;height:.5rem;margin-right:.375rem;border-radius:50%;background:var(--done)}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);border:0}
`;

/**
 * Live updates: the page listens to the order's event stream and, on each new `status` event,
 * fetches the server's re-rendering of the part of the page that changes and swaps it in. The
 * rendering stays in one place (the server), and a fragment older than what is shown is ignored,
 * so responses arriving out of order cannot step the page back. Starting from the page's own
 * version (the stream's `lastEventId`), nothing already shown is sent again; on a reconnect the
 * browser resumes with Last-Event-ID.
 */
export const LIVE_SCRIPT = `
(function () {
  var region = document.getElementById('live');
  var badge = document.getElementById('live-badge');
  var announcer = document.getElementById('announcer');
  if (!region || typeof EventSource !== 'function' || typeof fetch !== 'function') return;
  var token = region.getAttribute('data-token');
  var shown = Number(region.getAttribute('data-version')) || 0;
  var loading = false;
  var again = false;
  function refresh() {
    if (loading) { again = true; return; }
    loading = true;
    fetch(location.pathname + '?fragment=live', { cache: 'no-store', credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (response) { return response.ok ? response.text() : ''; })
      .then(function (markup) {
        var template = document.createElement('template');
        template.innerHTML = markup;
        var next = template.content.firstElementChild;
        var version = next ? Number(next.getAttribute('data-version')) : 0;
        if (!next || next.id !== 'live' || !(version > shown)) return;
        shown = version;
        region.replaceWith(next);
        region = next;
        if (announcer) announcer.textContent = next.getAttribute('data-status') || '';
      })
      .catch(function () {})
      .then(function () {
        loading = false;
        if (again) { again = false; refresh(); }
      });
  }
  var stream = new EventSource('/v1/track/' + encodeURIComponent(token) + '/events?lastEventId=' + shown);
  stream.addEventListener('status', function (event) {
    if (Number(event.lastEventId) > shown) refresh();
  });
  stream.addEventListener('open', function () { if (badge) badge.hidden = false; });
  stream.addEventListener('error', function () { if (badge) badge.hidden = true; });
})();
`;
