/* K-AI Arena embed: a webmaster pastes
 *   <div data-kai-arena data-category="법률·행정" data-lang="ko"></div>
 *   <script src="https://ARENA/embed.js" async></script>
 * and each such element gets a frame with the arena's battle (/embed), titled in the page's
 * language and as tall as its content. The frame tells its height by postMessage to this page's
 * origin only; this script believes a message only from the arena's origin and that frame's own
 * window. The frame needs no cookie: the arena keeps its voter id in the frame's own storage.
 * `data-round="ID"` embeds an evaluation round's battles instead of the open arena's;
 * `data-join` embeds the page where an invited citizen enters their code and joins a round's
 * panel (its battles then follow in the frame).
 * Pages that draw new placeholders later call KaiArena.scan(). */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.src) return;
  var arena = new URL(script.src).origin;
  var frames = [];
  var TITLES = {
    ko: 'K-AI 아레나: 두 AI 답변을 비교하고 투표하기',
    en: 'K-AI Arena: compare two AI answers and vote'
  };
  var JOIN_TITLES = {
    ko: 'K-AI 아레나: 시민 평가단 참여',
    en: 'K-AI Arena: join the citizens\' panel'
  };

  function language(el) {
    var asked = (el.getAttribute('data-lang') || document.documentElement.lang || 'ko').toLowerCase();
    return asked.indexOf('en') === 0 ? 'en' : 'ko';
  }

  function mount(el) {
    if (el.getAttribute('data-kai-arena-mounted') !== null) return;
    el.setAttribute('data-kai-arena-mounted', '');
    var lang = language(el);
    var query = new URLSearchParams({ lang: lang, parent: location.origin });
    var category = el.getAttribute('data-category');
    if (category) query.set('category', category);
    var round = el.getAttribute('data-round');
    if (round && /^[1-9][0-9]{0,17}$/.test(round)) query.set('round', round);
    var join = el.getAttribute('data-join') !== null;

    var frame = document.createElement('iframe');
    frame.src = arena + (join ? '/embed/join?' : '/embed?') + query.toString();
    frame.title = (join ? JOIN_TITLES : TITLES)[lang];
    frame.setAttribute('data-kai-arena-frame', '');
    frame.style.cssText = 'display:block;width:100%;min-width:280px;height:640px;border:0;';
    el.appendChild(frame);
    frames.push(frame);
  }

  function scan() {
    var found = document.querySelectorAll('[data-kai-arena]');
    for (var i = 0; i < found.length; i++) mount(found[i]);
  }

  window.addEventListener('message', function (event) {
    if (event.origin !== arena) return;
    var data = event.data;
    if (!data || data.type !== 'kai-arena:height') return;
    var height = Number(data.height);
    if (!isFinite(height) || height < 100 || height > 20000) return;
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        var px = Math.ceil(height) + 'px';
        if (frames[i].style.height !== px) frames[i].style.height = px;
      }
    }
  });

  window.KaiArena = window.KaiArena || {};
  window.KaiArena.scan = scan;
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', scan);
  } else {
    scan();
  }
})();
