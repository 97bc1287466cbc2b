/* gkreport's card widget: one line on any page draws an agency's latest figures.
 *
 *   <script src="https://SITE/gk-static/embed.js" data-agency="AGENCY_ID"></script>
 *
 * Reads the site's JSON API (/gkreport/chart_agency.json?_shape=array&agency_id=…, served with CORS)
 * and puts a card after the script tag, with a link back to the agency's page. No other files. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me) return;
  var agency = me.getAttribute("data-agency");
  var root = me.src.replace(/\/gk-static\/embed\.js(\?.*)?$/, "");
  var NUM = new Intl.NumberFormat("zh-CN");
  var num = function (v) { return v == null ? "—" : NUM.format(v); };
  var card = document.createElement("div");
  card.className = "gk-card";
  card.setAttribute("data-agency", agency || "");
  card.style.cssText = "box-sizing:border-box;max-width:360px;border:1px solid #d0d7de;border-radius:6px;padding:12px 14px;" +
    "font:14px/1.5 -apple-system,'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;color:#1f2328;background:#fff";
  card.textContent = "正在读取政府信息公开年度报告数据……";
  me.parentNode.insertBefore(card, me.nextSibling);
  function esc(s) { return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }
  function row(label, value, cls) {
    return '<tr><td style="color:#57606a;padding:1px 12px 1px 0">' + label + '</td><td class="' + cls +
      '" style="text-align:right;font-weight:600">' + value + "</td></tr>";
  }
  fetch(root + "/gkreport/chart_agency.json?_shape=array&agency_id=" + encodeURIComponent(agency || ""))
    .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
    .then(function (rows) {
      if (!rows.length) { card.textContent = "没有找到这个机关的年度报告。"; return; }
      var r = rows[rows.length - 1];
      var handled = r["办理总计"], opened = (r["予以公开"] || 0) + (r["部分公开"] || 0);
      var rate = handled ? NUM.format(Math.round(1000 * opened / handled) / 10) + "%" : "—";
      card.innerHTML = '<div style="font-weight:600;font-size:15px">' + esc(r["机关"]) + "</div>" +
        '<div style="color:#57606a;font-size:12px;margin-bottom:6px">' + esc(r["年度"]) + " 年政府信息公开工作年度报告</div>" +
        '<table style="border-collapse:collapse;font-size:14px">' +
        row("本年新收申请", num(r["本年新收申请"]) + " 件", "gk-card-received") +
        row("办理总计", num(handled) + " 件", "gk-card-handled") +
        row("公开率（予以公开 + 部分公开）", rate, "gk-card-rate") +
        row("行政复议", num(r["行政复议"]) + " 件", "gk-card-review") +
        row("行政诉讼", num(r["行政诉讼"]) + " 件", "gk-card-litigation") + "</table>" +
        '<div style="margin-top:6px;font-size:12px"><a href="' + esc(root + "/-/agency/" + encodeURIComponent(agency)) +
        '" target="_blank" rel="noopener">查看历年数据 →</a></div>';
      card.setAttribute("data-ready", "1");
    })
    .catch(function (e) { card.textContent = "数据读取失败（" + e.message + "）"; card.setAttribute("data-ready", "error"); });
})();
