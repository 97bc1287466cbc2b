// The question box as a conversation: each question and its answer, follow-ups carry the previous context.
(function () {
  var form = document.getElementById('gk-ask-form');
  if (!form || !window.fetch) return;
  var log = document.getElementById('gk-ask-log');
  var input = document.getElementById('gk-ask-q');
  var ctxField = form.querySelector('input[name=context]');
  var jsonUrl = form.getAttribute('data-json');
  var context = ctxField.value ? JSON.parse(ctxField.value) : null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function marked(text) {  // a snippet: plain text with <mark> around the hits, everything else escaped
    var span = el('span');
    String(text || '').split(/(<mark>.*?<\/mark>)/).forEach(function (part) {
      var m = part.match(/^<mark>(.*)<\/mark>$/);
      span.appendChild(m ? el('mark', null, m[1]) : document.createTextNode(part));
    });
    return span;
  }
  function askButtons(list, labelOf, questionOf) {
    var ul = el('ul', 'gk-ask-choices');
    list.forEach(function (item) {
      var li = el('li'), b = el('button', null, labelOf(item));
      b.type = 'button';
      b.addEventListener('click', function () { ask(questionOf(item), false); });
      li.appendChild(b); ul.appendChild(li);
    });
    return ul;
  }
  function render(out) {
    var a = el('div', 'gk-ask-a gk-ask-' + out.status);
    a.appendChild(el('p', 'gk-ask-sentence', out.answer));
    if (out.source && out.source !== 'engine') a.appendChild(el('p', 'gk-ask-model', out.source === 'model_sql'
      ? 'SQL 由语言模型编写 · SQL written by a model' : '问题类型由语言模型选择 · question type chosen by a model'));
    if (out.parts && out.parts.length) {  // several questions in one: each part with its table and SQL
      out.parts.forEach(function (p, k) {
        var part = body(p, el('div', 'gk-ask-part gk-ask-' + p.status));
        part.insertBefore(el('p', 'gk-ask-sentence', '（' + (k + 1) + '）' + p.answer), part.firstChild);
        a.appendChild(part);
      });
      return a;
    }
    return body(out, a);
  }
  function body(out, a) {
    if (out.rate) {  // the rate's formula, numerator and denominator, and who was left out of a ranking
      var r = out.rate, zh = out.lang === 'zh';
      var text = (zh ? '计算方法：' : 'Formula: ') + r.formula + (zh ? '；分子：' : '; numerator: ') + r.numerator +
        (zh ? '；分母：' : '; denominator: ') + r.denominator;
      if (r.min_base !== undefined && r.min_base !== null) text += zh
        ? '；只排分母不少于' + r.min_base + '的，' + (r.left_out || 0) + '个不足，未列入；区间为95%威尔逊区间'
        : '; only denominators of ' + r.min_base + ' or more are ranked, ' + (r.left_out || 0) +
          ' left out; intervals are 95% Wilson intervals';
      a.appendChild(el('p', 'gk-ask-rate', text));
    }
    if (out.choices && out.choices.length) a.appendChild(askButtons(out.choices,
      function (c) { return c.label; }, function (c) { return c.question; }));
    if (out.examples && out.examples.length) a.appendChild(askButtons(out.examples,
      function (q) { return q; }, function (q) { return q; }));
    if (out.search_hits && out.search_hits.length) {
      a.appendChild(el('p', null, out.lang === 'zh' ? '正文中出现这些词的段落：' : 'Passages that use these words:'));
      var ul = el('ul', 'gk-ask-hits');
      out.search_hits.forEach(function (h) {
        var li = el('li'), link = el('a', null, h.agency + ' ' + h.year);
        link.href = h.href;
        li.appendChild(link); li.appendChild(document.createTextNode('：')); li.appendChild(marked(h.snippet));
        ul.appendChild(li);
      });
      a.appendChild(ul);
    }
    if (out.rows && out.rows.length) {
      var table = el('table', 'gk-ask-table'), tr = el('tr');
      out.columns.forEach(function (c) { tr.appendChild(el('th', null, (out.column_labels || {})[c] || c)); });
      var thead = el('thead'); thead.appendChild(tr); table.appendChild(thead);
      var tbody = el('tbody');
      out.rows.slice(0, 50).forEach(function (r) {
        var row = el('tr');
        out.columns.forEach(function (c) {
          row.appendChild(c === 'snippet' ? (function () { var td = el('td'); td.appendChild(marked(r[c])); return td; })()
                                           : el('td', typeof r[c] === 'number' ? 'gk-num' : null, r[c] === null ? '' : r[c]));
        });
        tbody.appendChild(row);
      });
      table.appendChild(tbody);
      a.appendChild(table);
      if (out.rows.length > 50) a.appendChild(el('p', null, '… ' + out.rows.length));
    }
    if (out.sql) {
      var d = el('details', 'gk-ask-sql');
      d.appendChild(el('summary', null, 'SQL（' + (out.intent_title || out.intent) + '）'));
      d.appendChild(el('pre', null, out.sql));
      if (out.params && Object.keys(out.params).length) d.appendChild(el('pre', null, JSON.stringify(out.params)));
      a.appendChild(d);
    }
    (out.links || []).forEach(function (l) {
      var p = el('p'), link = el('a', null, l.label);
      link.href = l.href; p.appendChild(link); a.appendChild(p);
    });
    return a;
  }
  function ask(q, follow) {
    q = (q || '').trim();
    if (!q) return;
    log.appendChild(el('div', 'gk-ask-q', q));
    var url = jsonUrl + '?q=' + encodeURIComponent(q);
    if (follow && context) url += '&context=' + encodeURIComponent(JSON.stringify(context));
    fetch(url).then(function (r) { return r.json(); }).then(function (out) {
      log.appendChild(render(out));
      if (out.context) context = out.context;
      ctxField.value = context ? JSON.stringify(context) : '';
      input.value = '';
      input.placeholder = out.lang === 'zh' ? '接着问，例如：2022年呢？' : 'Ask a follow-up, e.g. what about 2022?';
      log.lastChild.scrollIntoView({block: 'nearest'});
    }).catch(function () {
      log.appendChild(el('div', 'gk-ask-a gk-ask-timeout', '出错了，请稍后再试。Something went wrong; please try again.'));
    });
  }
  form.addEventListener('submit', function (e) { e.preventDefault(); ask(input.value, true); });
  document.getElementById('gk-ask-new').addEventListener('click', function () {
    context = null; ctxField.value = ''; log.innerHTML = ''; input.focus();
  });
  document.querySelectorAll('.gk-ask-examples a[data-q]').forEach(function (a) {
    a.addEventListener('click', function (e) { e.preventDefault(); ask(a.getAttribute('data-q'), false); });
  });
})();
