/* gkreport's charts, drawn in the browser with the bundled Apache ECharts 5.6.0 (echarts-5.6.0.min.js,
 * Apache-2.0) from the site's own JSON API: each chart reads one canned query with ?_shape=array.
 *
 * A chart is a <div class="gk-chart" data-chart="NAME" data-params='{"agency_id": "…"}' data-base="/">.
 * Under it go a line saying which reports it covers, a link to the rows behind it and their CSV.
 * After drawing, the div has data-ready="1" and data-points (the drawn series as JSON), for tests
 * and for anyone who wants the numbers. */
(function () {
  "use strict";
  var NUM = new Intl.NumberFormat("zh-CN");
  var num = function (v) { return v == null || v === "" ? "—" : NUM.format(v); };
  var pct = function (v) { return v == null ? "—" : NUM.format(Math.round(v * 10) / 10) + "%"; };
  var COLORS = ["#2f6fb0", "#6cb0e4", "#d9534f", "#f0ad4e", "#8c6bb1", "#9aa5b1", "#3c9d5d", "#c76b98"];
  var OUTCOMES = ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他"];

  function years(rows) {
    return rows.map(function (r) { return String(r["年度"]); });
  }
  function yearSpan(rows) {
    var ys = rows.map(function (r) { return r["年度"]; }).filter(function (y) { return y != null; });
    if (!ys.length) return "";
    var a = Math.min.apply(null, ys), b = Math.max.apply(null, ys);
    return a === b ? a + " 年" : a + "–" + b + " 年";
  }
  function sum(rows, key) {
    return rows.reduce(function (s, r) { return s + (r[key] || 0); }, 0);
  }
  function base(title, cats, series, extra) {
    var opt = {
      color: COLORS,
      animation: false,
      aria: { enabled: true },  // a description in Chinese for screen readers (ECharts' ZH locale)
      title: { text: title, left: 0, textStyle: { fontSize: 15 } },
      tooltip: { trigger: "axis", valueFormatter: num },
      legend: { top: 26, type: "scroll" },
      grid: { top: 64, left: 8, right: 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: cats },
      yAxis: { type: "value", minInterval: 1, axisLabel: { formatter: num } },
      series: series
    };
    for (var k in extra || {}) opt[k] = extra[k];
    // numbers on the bars only while they have room; the tooltip always gives them
    var bars = series.reduce(function (n, s) { return n + (s.stack ? 0 : s.data.length); }, 0);
    if (bars > 12 && opt.xAxis.type === "category") series.forEach(function (s) { if (s.label) s.label.show = false; });
    if (opt.yAxis.type === "category") opt.grid.right = 72;  // room for the numbers after horizontal bars
    return opt;
  }
  function bar(name, data, more) {
    var s = { name: name, type: "bar", data: data, label: { show: true, position: "top", formatter: function (p) { return num(p.value); } } };
    for (var k in more || {}) s[k] = more[k];
    return s;
  }
  function reportsCovered(rows, key) {
    return "涵盖 " + num(key ? sum(rows, key) : rows.length) + " 份报告（" + yearSpan(rows) + "）";
  }

  // name → {query: canned query, covers(rows): text, option(rows): ECharts option}
  var CHARTS = {
    agency_requests: {
      query: "chart_agency",
      covers: function (rows) { return reportsCovered(rows, "报告数"); },
      option: function (rows) {
        return base("每年收到的申请（件）", years(rows), [bar("本年新收申请", rows.map(function (r) { return r["本年新收申请"]; }))]);
      }
    },
    agency_outcomes: {
      query: "chart_agency",
      covers: function (rows) { return reportsCovered(rows, "报告数"); },
      option: function (rows) {
        var series = OUTCOMES.map(function (o) {
          return {
            name: o, type: "bar", stack: "结果",
            data: rows.map(function (r) {
              var all = OUTCOMES.reduce(function (s, k) { return s + (r[k] || 0); }, 0);
              return all ? Math.round(1000 * (r[o] || 0) / all) / 10 : 0;
            })
          };
        });
        return base("办理结果占比（%）", years(rows), series, {
          tooltip: { trigger: "axis", valueFormatter: pct },
          yAxis: { type: "value", max: 100, axisLabel: { formatter: function (v) { return v + "%"; } } }
        });
      }
    },
    agency_appeals: {
      query: "chart_agency",
      covers: function (rows) { return reportsCovered(rows, "报告数"); },
      option: function (rows) {
        function part(kind, outcome, key) {
          return {
            name: kind + "：" + outcome, type: "bar", stack: kind,
            data: rows.map(function (r) {
              var t = r[kind] || 0, c = r[kind.slice(2) + "纠正"] || 0, p = r[kind.slice(2) + "未审结"] || 0;
              return key === "纠正" ? c : key === "未审结" ? p : Math.max(t - c - p, 0);
            })
          };
        }
        var series = [];
        ["行政复议", "行政诉讼"].forEach(function (kind) {
          ["结果纠正", "尚未审结", "维持、驳回等"].forEach(function (o, i) {
            series.push(part(kind, o, ["纠正", "未审结", "其他"][i]));
          });
        });
        return base("行政复议和行政诉讼（件）", years(rows), series, {
          color: ["#1f4e8c", "#6c9bd2", "#b9d0ea", "#b5501f", "#e8904f", "#f5c9a4"],  // 复议 blues, 诉讼 oranges
          legend: { top: 26, type: "plain" },
          grid: { top: 96, left: 8, right: 16, bottom: 8, containLabel: true }
        });
      }
    },
    year_totals: {
      query: "chart_years",
      covers: function (rows) { return reportsCovered(rows, "报告数"); },
      option: function (rows) {
        var cats = years(rows);
        return base("历年合计（件）", cats, [
          bar("本年新收申请", rows.map(function (r) { return r["本年新收申请"]; })),
          bar("办理总计", rows.map(function (r) { return r["办理总计"]; })),
          bar("予以公开", rows.map(function (r) { return r["予以公开"]; }))
        ]);
      }
    },
    refusal_reasons: {
      query: "refusal_reasons_by_year",
      covers: function (rows) { return "涵盖全部报告的表三（三）不予公开（" + yearSpan(rows) + "）"; },
      option: function (rows) {
        var cats = [], reasons = [], cell = {};
        rows.slice().sort(function (a, b) { return a["年度"] - b["年度"]; }).forEach(function (r) {
          var y = String(r["年度"]);
          if (cats.indexOf(y) < 0) cats.push(y);
          if (reasons.indexOf(r["不予公开理由"]) < 0) reasons.push(r["不予公开理由"]);
          cell[y + "|" + r["不予公开理由"]] = r["件数"] || 0;
        });
        return base("不予公开的理由（件，按年度堆叠）", cats, reasons.map(function (name) {
          return { name: name, type: "bar", stack: "理由", data: cats.map(function (y) { return cell[y + "|" + name] || 0; }) };
        }), { legend: { top: 26, type: "scroll" } });
      }
    },
    top_regions: {
      query: "chart_top_regions",
      covers: function (rows) { return reportsCovered(rows, "报告数").replace(/（.*）/, "") + "（收到申请最多的 " + rows.length + " 个省份）"; },
      option: function (rows) {
        var r = rows.slice().reverse();
        return base("收到申请最多的地区（件）", null, [bar("本年新收申请", r.map(function (x) { return x["本年新收申请"]; }),
          { label: { show: true, position: "right", formatter: function (p) { return num(p.value); } } })], {
          xAxis: { type: "value", axisLabel: { formatter: num } },
          yAxis: { type: "category", data: r.map(function (x) { return x["地区"]; }) }
        });
      }
    },
    litigation_by_year: {
      query: "correction_rate",
      covers: function (rows) { return reportsCovered(rows, "报告数"); },
      option: function (rows) {
        rows = rows.slice().sort(function (a, b) { return a["年度"] - b["年度"]; });
        return base("行政复议、行政诉讼（件）", years(rows), [
          bar("行政复议", rows.map(function (r) { return r["行政复议"]; })),
          bar("行政诉讼", rows.map(function (r) { return r["行政诉讼"]; }))
        ]);
      }
    },
    grant_rate_by_region: {
      query: "grant_rate_by_region",
      covers: function (rows) { return reportsCovered(rows, "报告数").replace(/（.*）/, ""); },
      option: function (rows) {
        var r = rows.filter(function (x) { return x["公开率百分比"] != null; }).reverse();
        return base("公开率（%）", null, [bar("公开率", r.map(function (x) { return x["公开率百分比"]; }),
          { label: { show: true, position: "right", formatter: function (p) { return pct(p.value); } } })], {
          tooltip: { trigger: "axis", valueFormatter: pct },
          xAxis: { type: "value", max: 100, axisLabel: { formatter: function (v) { return v + "%"; } } },
          yAxis: { type: "category", data: r.map(function (x) { return x["地区"]; }) },
          grid: { top: 40, left: 8, right: 48, bottom: 8, containLabel: true }
        });
      }
    }
  };

  function query(params) {
    var q = Object.keys(params).map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); });
    return q.join("&");
  }

  // charts reading the same query (the agency page's three) share one request
  var fetched = {};
  function rowsOf(url) {
    if (!fetched[url]) {
      fetched[url] = fetch(url).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
    }
    return fetched[url];
  }

  function draw(el) {
    var def = CHARTS[el.dataset.chart];
    if (!def) return;
    var root = (el.dataset.base || "/").replace(/\/$/, "");
    var params = JSON.parse(el.dataset.params || "{}");
    var qs = query(params);
    var page = root + "/gkreport/" + def.query;
    var box = document.createElement("div");
    box.className = "gk-chart-canvas";
    box.style.height = el.dataset.height || "320px";
    el.appendChild(box);
    var foot = document.createElement("p");
    foot.className = "gk-chart-foot";
    el.appendChild(foot);
    rowsOf(page + ".json?_shape=array&_size=max" + (qs ? "&" + qs : ""))
      .then(function (rows) {
        var sep = qs ? "?" + qs : "";
        var links = ' · <a class="gk-chart-rows" href="' + page + sep + '"' + (el.dataset.target ? ' target="' + el.dataset.target + '"' : "") +
          ">查看数据</a> · " + '<a class="gk-chart-csv" href="' + page + ".csv?_size=max" + (qs ? "&" + qs : "") + '">下载 CSV</a>';
        foot.innerHTML = "";
        foot.appendChild(document.createTextNode(def.covers(rows)));
        foot.insertAdjacentHTML("beforeend", links);
        if (!rows.length) {
          box.textContent = "没有数据";
          el.dataset.ready = "1";
          el.dataset.points = "[]";
          return;
        }
        var chart = echarts.init(box, null, { renderer: "svg", locale: "ZH" });
        var option = def.option(rows);
        chart.setOption(option);
        el.dataset.points = JSON.stringify(option.series.map(function (s) { return { name: s.name, data: s.data }; }));
        el.dataset.ready = "1";
        if (window.ResizeObserver) new ResizeObserver(function () { chart.resize(); }).observe(box);
      })
      .catch(function (e) {
        foot.textContent = "图表数据读取失败（" + e.message + "）";
        el.dataset.ready = "error";
      });
  }

  function drawAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".gk-chart:not([data-drawn])"), function (el) {
      el.dataset.drawn = "1";
      draw(el);
    });
  }
  window.gkCharts = { CHARTS: CHARTS, drawAll: drawAll, num: num };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawAll);
  else drawAll();
})();
