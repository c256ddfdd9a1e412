// The status page's stylesheet and script, inlined into the page (no external resource).
#pragma once

namespace tributary::admin {

inline constexpr const char* kStatusPageCss = R"css(
:root { --fg:#1d2330; --muted:#5b6475; --line:#d9dde5; --bg:#f6f7f9; --ok:#1f7a3a; --warn:#9a6100; --bad:#b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 12px 24px; background: #fff; border-bottom: 1px solid var(--line); display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
header h1 { font-size: 18px; margin: 0; }
header .meta { color: var(--muted); }
main { padding: 8px 24px 32px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 16px 0; padding: 12px 16px; }
section h2 { font-size: 15px; margin: 0 0 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.state { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; background: #e8eaef; }
.state.idle, .state.succeeded, .state.archived, .state.applied { background: #e3f3e7; color: var(--ok); }
.state.polling, .state.running, .state.queued, .state.waiting_provider { background: #e6eefb; color: #1a4fa0; }
.state.failing, .state.failed, .state.pending { background: #fbe5e3; color: var(--bad); }
.state.paused, .state.quarantined { background: #fcf0dc; color: var(--warn); }
.error { color: var(--bad); }
.muted, .empty { color: var(--muted); }
progress { width: 120px; vertical-align: middle; }
pre { white-space: pre-wrap; margin: 0; font-size: 12px; }
button { font: inherit; padding: 2px 10px; border: 1px solid var(--line); border-radius: 4px; background: #fff; cursor: pointer; }
button.danger { color: var(--bad); border-color: #e7b8b4; }
button:disabled { opacity: .5; cursor: default; }
.js-only { display: none; }
html.js .js-only { display: inline-block; }
#notice { color: var(--bad); min-height: 1em; }
)css";

inline constexpr const char* kStatusPageScript = R"js(
(function () {
  document.documentElement.classList.add('js');
  var refreshSeconds = Number(document.body.dataset.refresh || 10);
  function notice(text) { var n = document.getElementById('notice'); if (n) n.textContent = text || ''; }
  function refresh() {
    return fetch(location.pathname, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
      .then(function (r) { if (!r.ok) throw new Error('the daemon answered ' + r.status); return r.text(); })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, 'text/html');
        ['main', '#updated'].forEach(function (selector) {
          var fresh = next.querySelector(selector), old = document.querySelector(selector);
          if (fresh && old) old.replaceWith(fresh);
        });
      })
      .catch(function (e) { notice('Not refreshed: ' + e.message); });
  }
  document.addEventListener('click', function (event) {
    var button = event.target.closest('button[data-post]');
    if (!button) return;
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
    button.disabled = true;
    fetch(button.dataset.post, { method: 'POST', credentials: 'same-origin', headers: { 'X-Tributary-Page': '1' } })
      .then(function (r) {
        if (r.ok) { notice(''); return; }
        return r.json().then(function (body) { notice(body.error && body.error.message || ('failed: ' + r.status)); },
                             function () { notice('failed: ' + r.status); });
      })
      .catch(function (e) { notice(e.message); })
      .then(refresh);
  });
  setInterval(refresh, refreshSeconds * 1000);
})();
)js";

}  // namespace tributary::admin
