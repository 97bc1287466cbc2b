/* gkreport's charts, drawn in the browser with the bundled Apache ECharts 5.6.0 (echarts-5.6.0.min.js,
 * Apache-2.0) from the site's own JSON API: each chart reads one canned query with ?_shape=array.
 *
 * A chart is a <div class="gk-chart" data-chart="NAME" data-params='{"agency_id": "…"}' data-base="/">.
 * Under it go a line saying which reports it covers, a link to the rows behind it, their CSV and XLSX.
 * After drawing, the div has data-ready="1" and data-points (the drawn series as JSON), for tests
 * and for anyone who wants the numbers; data-compared once the note on its years' agencies is there
 * ("different") or not needed ("same"). */
(function () {
  "use strict";
  var NUM = new Intl.NumberFormat("zh-CN");
  var num = function (v) { return v == null || v === "" ? "—" : NUM.format(v); };
  var pct = function (v) { return v == null ? "—" : NUM.format(Math.round(v * 10) / 10) + "%"; };
  var COLORS = ["#2f6fb0", "#6cb0e4", "#d9534f", "#f0ad4e", "#8c6bb1", "#9aa5b1", "#3c9d5d", "#c76b98"];
  var OUTCOMES = ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他"];

  // Every year from the first to the last on the axis: a year without a report keeps its place, empty,
  // so 2021 never stands next to 2023 as if they were consecutive.
  function yearAxis(rows) {
    var index = {}, ys = [];
    rows.forEach(function (r) { if (r["年度"] != null) { index[r["年度"]] = r; ys.push(Number(r["年度"])); } });
    var cats = [];
    if (ys.length) for (var y = Math.min.apply(null, ys); y <= Math.max.apply(null, ys); y++) cats.push(String(y));
    return { cats: cats, missing: cats.filter(function (y) { return !index[y]; }),
             of: function (key) { return cats.map(function (y) { return index[y] ? index[y][key] : null; }); } };
  }
  function missingNote(rows) {
    var gaps = yearAxis(rows).missing;
    return gaps.length ? "；" + gaps.join("、") + " 年没有报告，图中留空" : "";
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
        var axis = yearAxis(rows);
        return base("每年收到的申请（件）", axis.cats, [bar("本年新收申请", axis.of("本年新收申请"))]);
      }
    },
    agency_outcomes: {
      query: "chart_agency",
      covers: function (rows) { return reportsCovered(rows, "报告数"); },
      option: function (rows) {
        var axis = yearAxis(rows), byYear = {};
        rows.forEach(function (r) { byYear[r["年度"]] = r; });
        var series = OUTCOMES.map(function (o) {
          return {
            name: o, type: "bar", stack: "结果",
            data: axis.cats.map(function (y) {
              var r = byYear[y];
              if (!r) return null;
              var all = OUTCOMES.reduce(function (s, k) { return s + (r[k] || 0); }, 0);
              return all ? Math.round(1000 * (r[o] || 0) / all) / 10 : 0;
            })
          };
        });
        return base("办理结果占比（%）", axis.cats, series, {
          tooltip: { trigger: "axis", valueFormatter: pct },
          yAxis: { type: "value", max: 100, axisLabel: { formatter: function (v) { return v + "%"; } } }
        });
      }
    },
    agency_appeals: {
      query: "chart_agency",
      covers: function (rows) { return reportsCovered(rows, "报告数"); },
      option: function (rows) {
        var axis = yearAxis(rows), byYear = {};
        rows.forEach(function (r) { byYear[r["年度"]] = r; });
        function part(kind, outcome, key) {
          return {
            name: kind + "：" + outcome, type: "bar", stack: kind,
            data: axis.cats.map(function (y) {
              var r = byYear[y];
              if (!r) return null;
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
        return base("行政复议和行政诉讼（件）", axis.cats, series, {
          color: ["#1f4e8c", "#6c9bd2", "#b9d0ea", "#b5501f", "#e8904f", "#f5c9a4"],  // 复议 blues, 诉讼 oranges
          legend: { top: 26, type: "plain" },
          grid: { top: 96, left: 8, right: 16, bottom: 8, containLabel: true }
        });
      }
    },
    year_totals: {
      query: "chart_years",
      covers: function (rows) { return reportsCovered(rows, "报告数"); },
      compare: true,
      option: function (rows) {
        var axis = yearAxis(rows);
        return base("历年合计（件）", axis.cats, [
          bar("本年新收申请", axis.of("本年新收申请")), bar("办理总计", axis.of("办理总计")), bar("予以公开", axis.of("予以公开"))
        ]);
      }
    },
    refusal_reasons: {
      query: "refusal_reasons_by_year",
      covers: function (rows) { return "涵盖全部报告的表三（三）不予公开（" + yearSpan(rows) + "）"; },
      compare: true,
      option: function (rows) {
        var cats = yearAxis(rows).cats, reasons = [], cell = {};
        rows.forEach(function (r) {
          if (reasons.indexOf(r["不予公开理由"]) < 0) reasons.push(r["不予公开理由"]);
          cell[r["年度"] + "|" + r["不予公开理由"]] = r["件数"] || 0;
        });
        return base("不予公开的理由（件，按年度堆叠）", cats, reasons.map(function (name) {
          return { name: name, type: "bar", stack: "理由", data: cats.map(function (y) {
            var v = cell[y + "|" + name];
            return v === undefined ? null : v;
          }) };
        }), { legend: { top: 26, type: "scroll" } });
      }
    },
    top_regions: {
      query: "chart_top_regions",
      byYear: false,
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
      compare: true,
      option: function (rows) {
        var axis = yearAxis(rows);
        return base("行政复议、行政诉讼（件）", axis.cats, [bar("行政复议", axis.of("行政复议")), bar("行政诉讼", axis.of("行政诉讼"))]);
      }
    },
    metric_years: {
      query: "metric_by_year",
      covers: function (rows) {
        var none = rows.filter(function (r) { return r["比率百分比"] == null; }).map(function (r) { return r["年度"]; });
        return reportsCovered(rows, "报告数") + (rows.length ? "；" + rows[0]["公式"] : "") +
          (none.length ? "；" + none.join("、") + " 年分母为 0，无法计算" : "");
      },
      compare: true,
      option: function (rows) {
        var axis = yearAxis(rows), name = rows.length ? rows[0]["比率名称"] : "比率";
        var line = function (label, key, dashed) {
          return { name: label, type: "line", data: axis.of(key), connectNulls: false, symbolSize: dashed ? 0 : 6,
                   lineStyle: dashed ? { type: "dashed", width: 1 } : { width: 2 } };
        };
        return base(name + "（%，虚线为 95% 区间）", axis.cats,
          [line(name, "比率百分比"), line("区间下限", "区间下限百分比", true), line("区间上限", "区间上限百分比", true)], {
          tooltip: { trigger: "axis", valueFormatter: pct },
          yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: function (v) { return v + "%"; } } }
        });
      }
    },
    grant_rate_by_region: {
      query: "grant_rate_by_region",
      byYear: false,
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

  // A comparison across years is fair only between the same bodies: when the years' reports come from
  // different agencies, say so under the chart and link to the like-for-like question.
  function coverageNote(el, root, params) {
    var keep = {};
    ["province", "level"].forEach(function (k) { if (params[k]) keep[k] = params[k]; });
    var qs = query(keep);
    return rowsOf(root + "/gkreport/chart_year_coverage.json?_shape=array" + (qs ? "&" + qs : "")).then(function (years) {
      var changed = years.filter(function (y, i) { return i > 0 && y["前一年度也有报告的机关数"] !== y["机关数"]; });
      var shrank = years.filter(function (y, i) { return i > 0 && y["前一年度也有报告的机关数"] < years[i - 1]["机关数"]; });
      if (!changed.length && !shrank.length) return null;
      var p = document.createElement("p");
      p.className = "gk-chart-compare";
      p.appendChild(document.createTextNode("注意：各年度的报告不是同一批机关（" + years.map(function (y) {
        return y["年度"] + " 年 " + num(y["机关数"]) + " 个" + (y["前一年度"] != null ? "，其中 " + num(y["前一年度也有报告的机关数"]) +
          " 个前一年度也有报告" : "");
      }).join("；") + "），合计的变化有一部分只是机关多了或少了。"));
      var a = document.createElement("a");
      a.className = "gk-chart-like";
      a.href = root + "/gkreport/like_for_like" + (qs ? "?" + qs : "");
      if (el.dataset.target) a.target = el.dataset.target;
      a.textContent = "同口径比较（只算两个年度都有报告的机关）";
      p.appendChild(a);
      return p;
    });
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
          ">查看数据</a> · " + '<a class="gk-chart-csv" href="' + page + ".csv?_size=max" + (qs ? "&" + qs : "") + '">下载 CSV</a>' +
          ' · <a class="gk-chart-xlsx" href="' + page + ".xlsx" + sep + '">下载 Excel</a>';
        foot.innerHTML = "";
        foot.appendChild(document.createTextNode(def.covers(rows) + (def.byYear === false ? "" : missingNote(rows))));
        foot.insertAdjacentHTML("beforeend", links);
        if (!rows.length) {
          box.textContent = "没有数据";
          el.dataset.points = "[]";
          el.dataset.ready = "1";
          el.dataset.compared = "same";
          return;
        }
        var chart = echarts.init(box, null, { renderer: "svg", locale: "ZH" });
        var option = def.option(rows);
        chart.setOption(option);
        el.dataset.points = JSON.stringify(option.series.map(function (s) { return { name: s.name, data: s.data }; }));
        el.dataset.ready = "1";
        if (window.ResizeObserver) new ResizeObserver(function () { chart.resize(); }).observe(box);
        // the note on the years' agencies follows the chart (its question reads every report: 0.2 s at 20,000)
        if (!def.compare) { el.dataset.compared = "same"; return; }
        coverageNote(el, root, params).then(function (note) {
          if (note) el.appendChild(note);
          el.dataset.compared = note ? "different" : "same";
        }).catch(function () { el.dataset.compared = "error"; });
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
