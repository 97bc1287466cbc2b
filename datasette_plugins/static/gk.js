// gkreport: on a table page searched with ?_search=, show each long text cell as the passage
// around its first hit, with every hit marked. The words are matched as the index matches them:
// whitespace between characters (line breaks of extracted PDFs) is allowed inside a word.
(function () {
  var q = new URLSearchParams(location.search).get("_search");
  if (!q) return;
  var words = q.replace(/"/g, " ").split(/[\s\p{P}\p{S}]+/u).filter(Boolean);
  if (!words.length) return;
  var esc = function (s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); };
  var pattern = new RegExp(words.sort(function (a, b) { return b.length - a.length; })
    .map(function (w) { return Array.from(w).map(esc).join("\\s*"); }).join("|"), "gi");
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table.rows-and-columns td.type-str").forEach(function (td) {
      if (td.children.length) return;  // links (foreign keys) stay as they are
      var text = td.textContent;
      pattern.lastIndex = 0;
      var m = pattern.exec(text);
      if (!m) return;
      var start = Math.max(0, m.index - 80), end = Math.min(text.length, m.index + m[0].length + 120);
      var passage = (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
      td.textContent = "";
      var last = 0;
      passage.replace(pattern, function (hit, offset) {
        td.appendChild(document.createTextNode(passage.slice(last, offset)));
        var mark = document.createElement("mark");
        mark.textContent = hit;
        td.appendChild(mark);
        last = offset + hit.length;
        return hit;
      });
      td.appendChild(document.createTextNode(passage.slice(last)));
      td.title = "显示命中处附近的段落；完整正文见该行";
    });
  });
})();
