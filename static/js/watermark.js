// Tiles the page with a faint watermark (user and time) drawn into an SVG.
(function () {
  var el = document.querySelector(".x-watermark");
  if (!el) return;
  var text = el.getAttribute("data-text").replace(/[<>&"]/g, "");
  var svg = '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="180">' +
    '<text x="20" y="110" transform="rotate(-20 160 90)" fill="rgba(0,0,0,0.07)" ' +
    'font-size="15" font-family="PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif">' + text + "</text></svg>";
  el.style.backgroundImage = 'url("data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg) + '")';
})();
