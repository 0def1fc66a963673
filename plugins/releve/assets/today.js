/* Relève: the Today page, and its summary on the home page (no dependencies).
 *
 * What is due on a day and who does it, computed in the browser from
 * today.json (written at build time by releve/render/pages/today.py) and the
 * reader's own clock, so a site built on Monday is still right on Thursday.
 * Python precomputes everything but the cover rule: due days per schedule,
 * each procedure's people in order of call and who among them can open its
 * credentials, absences as day ranges, working days. This file only applies
 * `decide`, an exact mirror of releve/coverage/rule.py.
 *
 * Stored in the browser: the id of the person picked in "I am" (localStorage
 * "releve.today.me"), never anything secret. Page text is built with
 * textContent only: titles and names are data, never HTML.
 */
(function () {
  "use strict";
  var ME_KEY = "releve.today.me";
  var DAY_MS = 86400000;
  var PRIORITIES = ["urgent", "important", "planned"];
  var SUMMARY_TASKS = 5;

  /* The cover rule: an EXACT mirror of `decide` in releve/coverage/rule.py.
   * Change both together; tests/test_today_browser.py checks that this answer
   * equals Python's `Coverage.cover` for every procedure on every working day.
   * `people`: owner then backups in order of call; `absent`, `able`: Sets. */
  function decide(people, absent, able) {
    var owner = people.length ? people[0] : null;
    var present = people.filter(function (p) { return !absent.has(p); });
    if (!present.length) return { by: null, covering_for: null, status: "gap" };
    var doer = null;
    for (var i = 0; i < present.length; i++) {
      if (able.has(present[i])) { doer = present[i]; break; }
    }
    if (doer === null) {
      var first = present[0];
      return { by: first, covering_for: first !== owner ? owner : null, status: "no_access" };
    }
    if (doer === owner) return { by: doer, covering_for: null, status: "ok" };
    return { by: doer, covering_for: owner, status: "covered" };
  }

  /* Days are UTC midnights (ms), so no time zone or daylight saving shifts them. */
  function parseDay(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text || ""));
    if (!m) return null;
    var ms = Date.UTC(+m[1], +m[2] - 1, +m[3]);
    return isoDay(ms) === m[0] ? ms : null;
  }
  function isoDay(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function readerToday() {
    var now = new Date();
    return Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  }

  /* today.json, read once: see views/today_page.py for the layout. */
  function Runbook(data) {
    var self = this;
    this.start = parseDay(data.start);
    this.last = data.last;
    this.built = data.built;
    this.wd = new Set(data.wd);
    this.hol = new Set(data.hol);
    this.people = data.people;
    this.clients = data.clients;
    this.creds = data.creds;
    this.dirs = data.dirs;
    this.sla = data.sla;
    this.due = data.due.map(function (days) { return new Set(days); });
    this.away = data.away;
    this.procs = data.procs.map(function (p, index) {
      var people = p[8];
      var able = Array.isArray(p[9]) ? p[9].map(function (i) { return people[i]; })
        : people.filter(function (_, i) { return (p[9] >> i) & 1; });
      return {
        index: index, title: p[0], url: self.dirs[p[1]] + p[2], priority: p[3], sla: p[4],
        clients: p[5], creds: p[6], due: p[7], people: people, able: new Set(able),
        owner: p.length > 10 ? null : (people.length ? people[0] : null)
      };
    });
  }
  Runbook.prototype.offset = function (ms) { return Math.round((ms - this.start) / DAY_MS); };
  Runbook.prototype.dayMs = function (offset) { return this.start + offset * DAY_MS; };
  Runbook.prototype.inWindow = function (offset) { return offset >= 0 && offset <= this.last; };
  Runbook.prototype.isWorkday = function (offset) {
    var weekday = (new Date(this.dayMs(offset)).getUTCDay() + 6) % 7; // Monday = 0, as Python
    return this.wd.has(weekday) && !this.hol.has(offset);
  };
  /* Who is away on a day, with the end of each absence (for "until"). */
  Runbook.prototype.awayOn = function (offset) {
    var out = new Map();
    this.away.forEach(function (a) {
      if (a[1] <= offset && offset <= a[2]) out.set(a[0], Math.max(out.get(a[0]) || a[2], a[2]));
    });
    return out;
  };
  /* The cover rule's inputs for a day: absences count on working days only, as in coverage. */
  Runbook.prototype.absentOn = function (offset) {
    return this.isWorkday(offset) ? new Set(this.awayOn(offset).keys()) : new Set();
  };
  Runbook.prototype.cover = function (proc, offset) {
    return decide(proc.people, this.absentOn(offset), proc.able);
  };
  /* What is due on a day and who does it (as coverage/agenda.py `day_of`). */
  Runbook.prototype.day = function (offset) {
    var absent = this.absentOn(offset), workday = this.isWorkday(offset);
    var tasks = [], onCall = [];
    this.procs.forEach(function (proc) {
      if (proc.due < 0) {
        if (workday && proc.owner !== null && absent.has(proc.owner)) {
          onCall.push({ proc: proc, cover: decide(proc.people, absent, proc.able) });
        }
      } else if (this.due[proc.due].has(offset)) {
        tasks.push({ proc: proc, cover: decide(proc.people, absent, proc.able) });
      }
    }, this);
    return { offset: offset, workday: workday, absent: absent, tasks: tasks, onCall: onCall };
  };
  /* The next working day in `step` direction (±1), else simply the next day. */
  Runbook.prototype.step = function (offset, step) {
    for (var n = 1; n <= 31; n++) {
      if (this.isWorkday(offset + n * step)) return offset + n * step;
    }
    return offset + step;
  };

  // --- helpers ---------------------------------------------------------------
  function fill(text, args) {
    return String(text || "").replace(/\{(\w+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(args || {}, k) ? args[k] : m;
    });
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) continue;
      parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return parent;
  }
  function capital(text) { return text ? text.charAt(0).toUpperCase() + text.slice(1) : text; }
  function storedMe() {
    try { return window.localStorage.getItem(ME_KEY); } catch (e) { return null; }
  }
  function storeMe(id) {
    try {
      if (id) window.localStorage.setItem(ME_KEY, id); else window.localStorage.removeItem(ME_KEY);
    } catch (e) { /* private mode: the choice lasts for this page only */ }
  }

  // --- one Today block ---------------------------------------------------------
  function Today(root) {
    this.root = root;
    this.mode = root.getAttribute("data-releve-today");
    this.base = root.getAttribute("data-base") || "";
    this.page = root.getAttribute("data-page") || "";
    this.lang = root.getAttribute("data-lang") || document.documentElement.lang || "en";
    try { this.s = JSON.parse(root.getAttribute("data-i18n") || "{}"); } catch (e) { this.s = {}; }
    var zone = { timeZone: "UTC" };
    this.fmtLong = new Intl.DateTimeFormat(this.lang, Object.assign(
      { weekday: "long", day: "numeric", month: "long", year: "numeric" }, zone));
    this.fmtDay = new Intl.DateTimeFormat(this.lang, Object.assign(
      { weekday: "long", day: "numeric", month: "long" }, zone));
    this.fmtShort = new Intl.DateTimeFormat(this.lang, Object.assign(
      { weekday: "short", day: "numeric", month: "short" }, zone));
    this.me = null;
  }
  /* French puts a (non-breaking) space before a colon. */
  Today.prototype.colon = function () { return /^fr/.test(this.lang) ? "\u00a0: " : ": "; };
  Today.prototype.t = function (key, args) { return fill(this.s[key] || key, args); };
  Today.prototype.load = function () {
    var self = this;
    fetch(this.root.getAttribute("data-json"), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (data) {
        self.rb = new Runbook(data);
        var me = storedMe();
        self.me = null;
        self.rb.people.forEach(function (p, i) { if (p[0] === me && p[2]) self.me = i; });
        self.render();
        if (self.mode === "page") {
          window.addEventListener("popstate", function () { self.render(); });
        }
      })
      .catch(function () {
        self.root.textContent = "";
        add(self.root, el("p", "releve-alert", self.t("load_failed")));
      });
  };
  /* The day to show: ?date= on the Today page, else the reader's today. */
  Today.prototype.wanted = function () {
    var param = this.mode === "page" ? new URLSearchParams(window.location.search).get("date") : null;
    if (param === null || param === "") return { ms: readerToday(), bad: null, param: false };
    var ms = parseDay(param);
    return ms === null ? { ms: readerToday(), bad: param, param: false } : { ms: ms, bad: null, param: true };
  };
  Today.prototype.go = function (ms) {
    var url = new URL(window.location.href);
    if (ms === null || ms === readerToday()) url.searchParams.delete("date");
    else url.searchParams.set("date", isoDay(ms));
    window.history.pushState(null, "", url.toString());
    this.render();
  };
  Today.prototype.personName = function (i) { return this.rb.people[i] ? this.rb.people[i][1] : "?"; };
  Today.prototype.personLink = function (i) {
    var p = this.rb.people[i];
    if (!p || !p[2]) return el("span", "releve-person", p ? p[1] : "?");
    var a = el("a", "releve-person", p[1]);
    a.href = this.base + p[2];
    return a;
  };
  Today.prototype.dateWords = function (ms) { return capital(this.fmtLong.format(new Date(ms))); };

  Today.prototype.render = function () {
    var rb = this.rb, want = this.wanted();
    var offset = rb.offset(want.ms);
    this.root.textContent = "";
    if (this.mode === "page") this.renderBar(want.ms, offset);
    else add(this.root, el("p", "releve-today-date", this.dateWords(want.ms)));
    if (want.bad !== null) add(this.root, el("p", "releve-alert", this.t("bad_date", { value: want.bad })));
    if (!rb.inWindow(offset)) {
      add(this.root, el("p", "releve-alert releve-today-range", this.t("out_of_range", {
        date: this.dateWords(want.ms), start: this.dateWords(rb.dayMs(0)),
        end: this.dateWords(rb.dayMs(rb.last))
      })));
      return;
    }
    var day = rb.day(offset);
    this.renderCounts(day);
    this.renderAway(offset);
    if (!day.workday) {
      add(this.root, el("p", "releve-today-empty", this.t("not_working")));
      return;
    }
    if (this.mode === "summary") this.renderSummary(day);
    else this.renderDay(day);
  };

  Today.prototype.renderBar = function (ms, offset) {
    var self = this, rb = this.rb;
    var bar = el("div", "releve-today-bar");
    var prev = rb.step(offset, -1), next = rb.step(offset, 1);
    var back = el("button", "releve-today-step releve-today-prev", "\u2039 " + this.fmtShort.format(new Date(rb.dayMs(prev))));
    back.type = "button";
    back.title = this.t("prev");
    back.setAttribute("aria-label", this.t("prev") + this.colon() + this.dateWords(rb.dayMs(prev)));
    back.addEventListener("click", function () { self.go(rb.dayMs(prev)); });
    var forward = el("button", "releve-today-step releve-today-next", this.fmtShort.format(new Date(rb.dayMs(next))) + " \u203a");
    forward.type = "button";
    forward.title = this.t("next");
    forward.setAttribute("aria-label", this.t("next") + this.colon() + this.dateWords(rb.dayMs(next)));
    forward.addEventListener("click", function () { self.go(rb.dayMs(next)); });
    var heading = el("h2", "releve-today-date", this.dateWords(ms));
    heading.id = "releve-today-date";
    if (ms === readerToday()) add(heading, " ", el("span", "releve-badge releve-today-now", this.t("is_today")));
    add(bar, back, heading, forward);
    add(this.root, bar);

    var tools = el("div", "releve-today-tools");
    var dateLabel = el("label", "releve-today-field");
    var input = el("input");
    input.type = "date";
    input.value = isoDay(ms);
    input.min = isoDay(rb.dayMs(0));
    input.max = isoDay(rb.dayMs(rb.last));
    input.addEventListener("change", function () {
      var picked = parseDay(input.value);
      if (picked !== null) self.go(picked);
    });
    add(dateLabel, el("span", null, this.t("pick_date")), input);
    add(tools, dateLabel);
    if (ms !== readerToday()) {
      var now = el("button", "releve-today-step releve-today-back", this.t("back_to_today"));
      now.type = "button";
      now.addEventListener("click", function () { self.go(null); });
      add(tools, now);
    }
    var meLabel = el("label", "releve-today-field");
    var select = el("select", "releve-today-me");
    add(select, el("option", null, this.t("nobody")));
    select.firstChild.value = "";
    // People come in the JSON's order (core/order.py: by name, accents ignored): kept as is.
    rb.people.map(function (p, i) { return [p, i]; })
      .filter(function (x) { return x[0][2]; })
      .forEach(function (x) {
        var option = el("option", null, x[0][1]);
        option.value = x[0][0];
        if (x[1] === self.me) option.selected = true;
        add(select, option);
      });
    select.addEventListener("change", function () {
      storeMe(select.value);
      self.me = null;
      rb.people.forEach(function (p, i) { if (p[0] === select.value) self.me = i; });
      self.render();
    });
    add(meLabel, el("span", null, this.t("i_am")), select);
    add(tools, meLabel);
    add(this.root, tools);
  };

  Today.prototype.renderCounts = function (day) {
    var alerts = function (status) {
      return day.tasks.filter(function (t) { return t.cover.status === status; }).length;
    };
    var gaps = alerts("gap"), noAccess = alerts("no_access");
    var chips = el("p", "releve-chips");
    var chip = function (n, key, alert) {
      var c = el("span", "releve-chip" + (alert && n ? " releve-chip-alert" : ""));
      add(c, el("strong", null, String(n)), " " + this.t(key));
      add(chips, c, " ");
    }.bind(this);
    chip(day.tasks.length, "count_tasks", false);
    if (gaps) chip(gaps, "count_gaps", true);
    if (noAccess) chip(noAccess, "count_no_access", true);
    chip(this.rb.awayOn(day.offset).size, "count_away", false);
    add(this.root, chips);
  };

  Today.prototype.renderAway = function (offset) {
    var self = this, rb = this.rb, away = rb.awayOn(offset);
    var p = el("p", "releve-today-away");
    if (!away.size) {
      add(p, el("span", "releve-muted", this.t("everyone_in")));
      add(this.root, p);
      return;
    }
    add(p, el("strong", null, this.t("away") + this.colon()));
    var first = true;
    Array.from(away.keys()).sort(function (a, b) { return a - b; }).forEach(function (i) {
      if (!first) add(p, " · ");
      first = false;
      var end = rb.dayMs(away.get(i));
      var words = new Date(end).getUTCFullYear() === new Date(rb.dayMs(offset)).getUTCFullYear()
        ? self.fmtDay.format(new Date(end)) : self.fmtLong.format(new Date(end));
      var who = el("span", "releve-away-person");
      add(who, self.personLink(i), " ", el("span", "releve-muted", self.t("away_until", { date: words })));
      add(p, who);
    });
    if (this.me !== null && away.has(this.me)) add(p, el("span", "releve-today-you-away", " " + this.t("you_are_away")));
    add(this.root, p);
  };

  /* One task: priority, title (link), who does it (and for whom), service level, access. */
  Today.prototype.task = function (task, showClients, onCall) {
    var self = this, rb = this.rb, proc = task.proc, cover = task.cover;
    var alert = cover.status === "gap" || cover.status === "no_access";
    var li = el("li", "releve-task releve-task-" + cover.status + (alert ? " releve-task-alert" : ""));
    li.setAttribute("data-status", cover.status);
    li.setAttribute("data-by", cover.by === null ? "" : rb.people[cover.by][0]);
    var head = el("div", "releve-task-title");
    var priority = PRIORITIES[proc.priority];
    if (priority) add(head, el("span", "releve-badge releve-" + priority, this.t("priority." + priority)), " ");
    var link = el("a", null, proc.title);
    link.href = this.base + proc.url;
    add(head, link);
    add(li, head);
    var who = el("div", "releve-task-who");
    if (cover.status === "gap") {
      var names = proc.people.map(function (i) { return self.personName(i); }).join(", ");
      add(who, el("span", "releve-alert", this.t("gap", { names: names })));
    } else {
      add(who, this.personLink(cover.by));
      if (cover.covering_for !== null) {
        add(who, " ", el("span", "releve-covering", this.t("covering_for", { name: this.personName(cover.covering_for) })));
      }
      if (cover.status === "no_access") {
        add(who, " ", el("span", "releve-alert", this.t("no_access")));
      }
    }
    add(li, who);
    var meta = [];
    if (proc.sla >= 0) meta.push([this.t("sla"), rb.sla[proc.sla]]);
    if (proc.creds.length) meta.push([this.t("credentials"), proc.creds.map(function (c) { return rb.creds[c]; }).join(", ")]);
    if (showClients && proc.clients.length) {
      meta.push([this.t("clients"), proc.clients.map(function (c) { return rb.clients[c][0]; }).join(", ")]);
    }
    if (meta.length) {
      var line = el("div", "releve-task-meta releve-muted");
      meta.forEach(function (m, n) {
        if (n) add(line, " · ");
        add(line, el("span", "releve-task-label", m[0] + self.colon()), m[1]);
      });
      add(li, line);
    }
    if (onCall) li.classList.add("releve-task-on-call");
    return li;
  };
  Today.prototype.list = function (tasks, showClients, onCall) {
    var ul = el("ul", "releve-tasks");
    tasks.forEach(function (t) { add(ul, this.task(t, showClients, onCall)); }, this);
    return ul;
  };
  Today.prototype.section = function (title, cls, titleNode) {
    var section = el("section", "releve-today-section " + cls);
    add(section, el("h3", null, titleNode ? null : title));
    if (titleNode) add(section.firstChild, titleNode);
    add(this.root, section);
    return section;
  };

  /* The full day: mine first, then by client (internal last), then on demand. */
  Today.prototype.renderDay = function (day) {
    var self = this, rb = this.rb, me = this.me;
    var mine = function (t) { return me !== null && t.cover.by === me && t.cover.status !== "gap"; };
    if (me !== null) {
      var section = this.section(this.t("mine", { name: this.personName(me) }), "releve-today-mine");
      var own = day.tasks.filter(mine), ownCalls = day.onCall.filter(mine);
      if (!own.length && !ownCalls.length) add(section, el("p", "releve-muted", this.t("mine_empty")));
      if (own.length) add(section, this.list(own, true, false));
      if (ownCalls.length) {
        add(section, el("p", "releve-today-sub", this.t("on_call")));
        add(section, this.list(ownCalls, true, true));
      }
    }
    var rest = day.tasks.filter(function (t) { return !mine(t); });
    if (!day.tasks.length) add(this.root, el("p", "releve-today-empty", this.t("nothing_due")));
    var groups = new Map();
    rest.forEach(function (t) {
      var key = t.proc.clients.join(",");
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(t);
    });
    // Clients are indexed in the JSON in core/order.py's order: compare by index, not by name.
    var indices = function (key) { return key.split(",").map(Number); };
    var keys = Array.from(groups.keys()).sort(function (a, b) {
      if (a === "" || b === "") return a === "" ? (b === "" ? 0 : 1) : -1; // internal work last
      var x = indices(a), y = indices(b);
      for (var n = 0; n < Math.min(x.length, y.length); n++) {
        if (x[n] !== y[n]) return x[n] - y[n];
      }
      return x.length - y.length;
    });
    keys.forEach(function (key) {
      var title = el("span");
      if (key === "") add(title, this.t("internal"));
      key.split(",").filter(Boolean).forEach(function (c, n) {
        var client = rb.clients[+c];
        if (n) add(title, " · ");
        if (client[1]) {
          var a = el("a", null, client[0]);
          a.href = this.base + client[1];
          add(title, a);
        } else add(title, client[0]);
      }, this);
      var section = this.section(null, "releve-today-client", title);
      section.setAttribute("data-client", key === "" ? "" : key.split(",").map(function (c) { return rb.clients[+c][0]; }).join("|"));
      add(section, this.list(groups.get(key), false, false));
    }, this);
    var calls = day.onCall.filter(function (t) { return !mine(t); });
    if (calls.length) {
      var section = this.section(this.t("on_call"), "releve-today-on-call");
      add(section, el("p", "releve-muted", this.t("on_call_help")));
      add(section, this.list(calls, true, true));
    }
  };

  /* The home page: the first tasks (mine, then alerts, then the rest) and a link to the day. */
  Today.prototype.renderSummary = function (day) {
    var me = this.me;
    var rank = function (t) {
      if (me !== null && t.cover.by === me && t.cover.status !== "gap") return 0;
      return t.cover.status === "gap" || t.cover.status === "no_access" ? 1 : 2;
    };
    var tasks = day.tasks.map(function (t, n) { return [rank(t), n, t]; })
      .sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; })
      .map(function (x) { return x[2]; });
    if (!tasks.length) add(this.root, el("p", "releve-today-empty", this.t("nothing_due")));
    else add(this.root, this.list(tasks.slice(0, SUMMARY_TASKS), true, false));
    var more = el("p", "releve-today-more");
    if (tasks.length > SUMMARY_TASKS) {
      add(more, el("span", "releve-muted", this.t("more", { n: tasks.length - SUMMARY_TASKS })), " ");
    }
    if (this.page) {
      var a = el("a", "md-button md-button--primary", this.t("see_all") + " \u2192");
      a.href = this.page;
      add(more, a);
    }
    add(this.root, more);
  };

  function start() {
    var blocks = document.querySelectorAll("[data-releve-today]");
    Array.prototype.forEach.call(blocks, function (root) { new Today(root).load(); });
  }
  /* For the equivalence test: the rule and the model, nothing else. */
  window.releveToday = { decide: decide, Runbook: Runbook, parseDay: parseDay };
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(start); // Material's instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
