/* Relève search: Material's header search box, answered by Pagefind.
 *
 * The box is Material's markup (partials/search.html from Relève's theme folder)
 * without `data-md-component="search"`, so Material's own script leaves it
 * alone; this script gives it Material's behaviour back (open on focus, `/`,
 * `s` or `f` to search, arrows to move through results, Enter for the first
 * one, Escape to close, `?q=` deep links) and asks Pagefind for the results:
 * French or English stemming, accents optional, filters by person, client,
 * service and priority. Pagefind's index loads on first use, in chunks.
 */
(function () {
  "use strict";
  var box = document.querySelector(".md-search.releve-search");
  var toggle = document.getElementById("__search");
  if (!box || !toggle) return;

  var form = box.querySelector("form");
  var input = box.querySelector(".md-search__input");
  var result = box.querySelector(".md-search-result");
  var meta = box.querySelector(".md-search-result__meta");
  var list = box.querySelector(".md-search-result__list");
  var scroller = box.querySelector(".md-search__scrollwrap");
  var filterRow = box.querySelector(".releve-search-filters");
  var own = readJSON(box.querySelector(".releve-search-config"));
  var material = readJSON(document.getElementById("__config"));
  var strings = own.strings || {};
  var root = new URL((material.base || ".").replace(/\/?$/, "/"), location.href);
  var features = material.features || [];
  var BATCH = 10;
  var state = { loading: null, results: [], shown: 0, token: 0, more: 0, filters: {} };

  function readJSON(el) {
    try { return JSON.parse(el.textContent); } catch (e) { return {}; }
  }

  function translate(key, count) {
    var text = (material.translations || {})[key] || "";
    return count === undefined ? text : text.replace("#", String(count));
  }

  function make(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  /* Pagefind marks matches with <mark> in text it has already escaped; keep only
     those tags, whatever else might come through. */
  function excerptHTML(html) {
    return String(html || "").replace(/<(?!\/?mark>)/g, "&lt;");
  }

  function setOpen(open) {
    if (toggle.checked === open) return;
    toggle.checked = open;
    toggle.dispatchEvent(new Event("change"));
  }

  function searchOptions() {
    var options = { baseUrl: root.pathname, excerptLength: 24 };
    if (features.indexOf("search.highlight") !== -1) options.highlightParam = "h";
    return options;
  }

  /* A large runbook's index comes in parts (Pagefind indexes at most so many pages
     at a time): the first is the bundle, the others are listed in it and merged into
     it here, so that one search, its filters and its ranking cover them all. The list
     is asked for while Pagefind's script loads; without it, the first part answers. */
  function listParts(bundle) {
    return fetch(new URL("releve-parts.json", bundle).href, { cache: "no-cache" })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (listed) {
        var parts = (listed && Array.isArray(listed.parts)) ? listed.parts : [];
        return parts.filter(function (part) { return /^part-\d+\/$/.test(part); });
      })
      .catch(function () { return []; });
  }

  function mergeParts(pagefind, bundle, parts) {
    return Promise.all(parts.map(function (part) {
      return pagefind.mergeIndex(new URL(part, bundle).pathname, searchOptions());
    }));
  }

  function load() {
    if (!state.loading) {
      var bundle = new URL("pagefind/", root);
      var parts = listParts(bundle);
      state.loading = import(new URL("pagefind.js", bundle).href).then(function (pagefind) {
        return Promise.resolve(pagefind.options(searchOptions()))
          .then(function () { return pagefind.init(); })
          .then(function () { return parts; })
          .then(function (listed) { return mergeParts(pagefind, bundle, listed); })
          .then(function () { return setupFilters(pagefind); })
          .then(function () { return pagefind; });
      });
      state.loading.catch(function () {
        meta.textContent = strings.unavailable || "";
      });
    }
    return state.loading;
  }

  /* Filters ---------------------------------------------------------------- */

  function setupFilters(pagefind) {
    return pagefind.filters().then(function (available) {
      var shown = 0;
      filterRow.querySelectorAll("select[data-filter]").forEach(function (select) {
        var name = select.getAttribute("data-filter");
        var values = Object.keys(available[name] || {});
        var order = name === "priority" ? own.priorities || [] : [];
        values.sort(function (a, b) {
          var ia = order.indexOf(a), ib = order.indexOf(b);
          if (ia !== ib) return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
          // as core/order.py: accents and case ignored, numbers by value ("jour 7" < "jour 14")
          return a.localeCompare(b, own.lang || undefined, { sensitivity: "base", numeric: true });
        });
        var wanted = state.filters[name];
        if (wanted && values.indexOf(wanted) === -1) values.push(wanted);
        values.forEach(function (value) {
          var option = make("option", "", value);
          option.value = value;
          select.appendChild(option);
        });
        select.value = wanted || "";
        select.hidden = values.length === 0;
        if (values.length) shown += 1;
      });
      filterRow.hidden = shown === 0;
    });
  }

  filterRow.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-filter]")) return;
    var name = select.getAttribute("data-filter");
    if (select.value) state.filters[name] = select.value;
    else delete state.filters[name];
    run();
  });

  /* Searching and rendering ------------------------------------------------ */

  function showCount(count, query) {
    if (count === 0) {
      meta.textContent = query || Object.keys(state.filters).length
        ? translate("search.result.none")
        : translate("search.result.placeholder");
    } else if (count === 1) {
      meta.textContent = translate("search.result.one");
    } else {
      meta.textContent = translate("search.result.other", count);
    }
  }

  /* aria-busy: true from a keystroke until its results are on screen. */
  function busy(on) {
    result.setAttribute("aria-busy", on ? "true" : "false");
  }

  function run() {
    var query = input.value.trim();
    var token = ++state.token;
    busy(true);
    var filters = {};
    Object.keys(state.filters).forEach(function (k) { filters[k] = state.filters[k]; });
    if (!query && !Object.keys(filters).length) {
      state.results = [];
      state.shown = 0;
      list.textContent = "";
      showCount(0, "");
      busy(false);
      if (toggle.checked) load();
      return;
    }
    load()
      .then(function (pagefind) {
        var options = { filters: filters };
        if (!query) options.sort = { order: "asc" }; // a filter alone: a list, by title
        return pagefind.debouncedSearch(query || null, options, 150);
      })
      .then(function (search) {
        if (!search || token !== state.token) return;
        state.results = search.results;
        state.shown = 0;
        list.textContent = "";
        showCount(search.results.length, query);
        scroller.scrollTop = 0;
        return more().then(function () { if (token === state.token) busy(false); });
      })
      .catch(function () { if (token === state.token) busy(false); });
  }

  /* The next results, BATCH at a time: their excerpts are fetched only now. */
  function more() {
    var token = state.token;
    if (state.more === token || state.shown >= state.results.length) return Promise.resolve();
    var batch = state.results.slice(state.shown, state.shown + BATCH);
    state.shown += batch.length;
    state.more = token;
    return Promise.all(batch.map(function (r) { return r.data(); }))
      .then(function (pages) {
        if (token !== state.token) return;
        pages.forEach(function (page) { list.appendChild(renderItem(page)); });
      })
      .finally(function () { if (state.more === token) state.more = 0; });
  }

  function renderItem(page) {
    var item = make("li", "md-search-result__item");
    item.appendChild(renderLink(page.url, page.meta.title || page.url, page.excerpt, page));
    var title = page.meta.title;
    (page.sub_results || [])
      .filter(function (sub) {
        return sub.url.indexOf("#") !== -1 && sub.title !== title
          && sub.locations && sub.locations.length;
      })
      .slice(0, 2)
      .forEach(function (sub) { item.appendChild(renderLink(sub.url, sub.title, sub.excerpt)); });
    return item;
  }

  function renderLink(url, title, excerpt, page) {
    var link = make("a", "md-search-result__link");
    link.href = url;
    link.tabIndex = -1;
    var article = make("article", "md-search-result__article md-typeset");
    if (page) {
      article.appendChild(make("div", "md-search-result__icon md-icon"));
      article.appendChild(make("h1", "", title));
      var tags = describe(page);
      if (tags.length) {
        var nav = make("nav", "md-tags releve-search-tags");
        tags.forEach(function (tag) { nav.appendChild(make("span", "md-tag", tag)); });
        article.appendChild(nav);
      }
    } else {
      article.appendChild(make("h2", "", title));
    }
    var text = make("p");
    text.innerHTML = excerptHTML(excerpt);
    article.appendChild(text);
    link.appendChild(article);
    return link;
  }

  /* What a result is: its kind, then its service, clients and priority. */
  function describe(page) {
    var out = [];
    var kind = page.meta && page.meta.kind;
    if (kind && kind !== "procedure" && strings["kind_" + kind]) out.push(strings["kind_" + kind]);
    var filters = page.filters || {};
    if (kind === "procedure") {
      ["service", "client", "priority"].forEach(function (name) {
        (filters[name] || []).forEach(function (value) { out.push(value); });
      });
    }
    return out;
  }

  /* Events: Material's behaviour ------------------------------------------- */

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || el.isContentEditable;
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () {
    setTimeout(function () { run(); input.focus(); }, 0);
  });
  input.addEventListener("input", run);
  input.addEventListener("focus", function () {
    // After the click that focused the box: a click on the header's magnifier
    // (a label of the toggle) checks the toggle itself once its handlers ran.
    setTimeout(function () { setOpen(true); }, 0);
    load();
  });
  var label = document.querySelector("header [for=__search]");
  if (label) label.addEventListener("click", function () { input.focus(); });
  box.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("a")) setOpen(false);
  });
  scroller.addEventListener("scroll", function () {
    if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 200) more();
  });

  var composing = false;
  window.addEventListener("compositionstart", function () { composing = true; });
  window.addEventListener("compositionend", function () { composing = false; });
  window.addEventListener("keydown", function (event) {
    if (event.metaKey || event.ctrlKey || event.altKey || composing) return;
    var active = document.activeElement;
    if (!toggle.checked) {
      if ((event.key === "/" || event.key === "s" || event.key === "f") && !typing(active)) {
        input.focus();
        input.select();
        event.preventDefault();
        event.stopPropagation();
      }
      return;
    }
    switch (event.key) {
      case "Enter":
        if (active === input) {
          var first = list.querySelector(".md-search-result__link");
          if (first) first.click();
          event.preventDefault();
        }
        break;
      case "Escape":
        setOpen(false);
        input.blur();
        break;
      case "ArrowUp":
      case "ArrowDown":
        if (active && active.tagName === "SELECT") return;
        var links = [input].concat(Array.prototype.slice.call(
          list.querySelectorAll(".md-search-result__link")));
        var at = Math.max(0, links.indexOf(active));
        links[(at + links.length + (event.key === "ArrowUp" ? -1 : 1)) % links.length].focus();
        event.preventDefault();
        break;
      default:
        if (event.key.length === 1 && active !== input && !typing(active)) input.focus();
    }
  });

  /* Deep link: ?q=words (and ?person=, ?client=, ?service=, ?priority=). */
  var params = new URLSearchParams(location.search);
  var linked = params.has("q");
  (own.filters || []).forEach(function (name) {
    if (params.get(name)) { state.filters[name] = params.get(name); linked = true; }
  });
  if (linked) {
    input.value = params.get("q") || "";
    setOpen(true);
    input.focus();
    run();
    toggle.addEventListener("change", function drop() {
      if (toggle.checked) return;
      var url = new URL(location.href);
      ["q"].concat(own.filters || []).forEach(function (name) { url.searchParams.delete(name); });
      history.replaceState(history.state, "", url.href);
      toggle.removeEventListener("change", drop);
    });
  }

  /* Arriving from a result: underline the words searched for (Material's
     `search.highlight`), with Pagefind's highlighter, only on such visits. */
  if (features.indexOf("search.highlight") !== -1 && params.has("h")) {
    import(new URL("pagefind/pagefind-highlight.js", root).href).then(function () {
      if (window.PagefindHighlight) {
        new window.PagefindHighlight({ highlightParam: "h", addStyles: false });
      }
    }).catch(function () { /* no highlight: the page still reads fine */ });
  }
})();
