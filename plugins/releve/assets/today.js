/* Relève: the Today page, its summary on the home page, and every date-dependent bit of the
 * other pages (no dependencies).
 *
 * What is due on a day and who does it, computed in the browser from today.json (written at
 * build time by releve/render/pages/today.py) and the reader's own clock, so a site built on
 * Monday is still right on Thursday. Python precomputes everything but the rules: due days
 * per schedule, each procedure's people in order of call and who among them can open its
 * credentials, absences as day ranges, working days, holders and the escalation list,
 * records. This file applies two rules, each an exact mirror of its Python home:
 *   - `decide`: releve/coverage/cover_rule.py (who does a task on a day);
 *   - `nextStep`: releve/coverage/escalation.py `next_step` (who to call when nobody able).
 * tests/test_today_browser.py checks both against Python for every procedure on every working
 * day of the window.
 *
 * The same model and the same task cards serve, on other pages (`Live`), the elements marked
 * `data-releve-live="person-status|client-due|absences|review|drill"` (their build-time text
 * is the no-JavaScript fallback) and each procedure's `.releve-mark-done[data-proc]`.
 *
 * "Mark as done" only builds a link to the git host's new-file page, or a `releve done`
 * command to copy: the site never writes anything itself.
 *
 * Stored in the browser: the id of the person picked in "I am" (localStorage
 * "releve.today.me"), never anything secret. Page text is built with textContent only:
 * titles, names, notes and messages are data, never HTML.
 */
(function () {
  "use strict";
  var ME_KEY = "releve.today.me";
  var DAY_MS = 86400000;
  var PRIORITIES = ["urgent", "important", "planned"];
  var STATUSES = ["done", "partial", "skipped", "drill"]; // releve/model/types.py RECORD_STATUSES
  var SUMMARY_TASKS = 5;
  var WEEK_DAYS = 7; // a client's "due in the next seven days"
  var UPCOMING_DAYS = 30; // the home page's coming absences
  var JSON_PATH = "assets/releve/today.json";
  var SCRIPT = document.currentScript && document.currentScript.src;
  var serial = 0;

  /* The cover rule: an EXACT mirror of `decide` in releve/coverage/cover_rule.py.
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

  function unique(items) {
    return items.filter(function (x, i) { return items.indexOf(x) === i; });
  }

  /* The next step: an EXACT mirror of `next_step` in releve/coverage/escalation.py.
   * null when the rule found someone able. Else `kind`: "holders" (present holders of the
   * keys the doer lacks), "escalation" (the first present person of the team's list) or
   * "nobody" (then `away`: [person, last day away] of everyone who could have helped);
   * `call`: who to call, in order; `tell`: a gap, so the client should be told. */
  function nextStep(rb, proc, offset, cover) {
    cover = cover || rb.cover(proc, offset);
    if (cover.status !== "gap" && cover.status !== "no_access") return null;
    var away = rb.absentOn(offset), known = rb.known;
    var relevant = proc.people;
    if (cover.status === "no_access") {
      var holders = [];
      proc.aud.forEach(function (a) {
        var those = rb.aud[a];
        if (those.indexOf(cover.by) >= 0) return; // a key the doer holds
        those.forEach(function (p) { if (holders.indexOf(p) < 0) holders.push(p); });
      });
      relevant = holders;
      var present = holders.filter(function (p) { return p < known && !away.has(p) && p !== cover.by; });
      if (present.length) return { kind: "holders", call: present, away: [], tell: false };
    }
    var tell = cover.status === "gap";
    for (var i = 0; i < rb.esc.length; i++) {
      var p = rb.esc[i];
      // not the person already named without the key: she cannot be her own help
      if (p < known && !away.has(p) && p !== cover.by) return { kind: "escalation", call: [p], away: [], tell: tell };
    }
    var until = rb.awayOn(offset);
    var gone = unique(relevant.concat(rb.esc))
      .filter(function (q) { return until.has(q); })
      .map(function (q) { return [q, until.get(q)]; });
    return { kind: "nobody", call: [], away: gone, tell: tell };
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

  /* today.json, read once: see releve/render/pages/today.py for the layout. */
  function Runbook(data) {
    var self = this;
    this.lang = data.lang || "en";
    this.s = data.s || {};
    this.start = parseDay(data.start);
    this.last = data.last;
    this.built = data.built;
    this.wd = new Set(data.wd);
    this.hol = new Set(data.hol);
    this.people = data.people;
    this.known = data.known;
    this.esc = data.esc || [];
    this.aud = data.aud || [];
    this.clients = data.clients.map(function (c) {
      return { name: c[0], url: c[1], id: c[2] || slug(c[1] || ""), messages: c[3] || [] };
    });
    this.creds = data.creds;
    this.dirs = data.dirs;
    this.sla = data.sla;
    this.due = data.due.map(function (days) { return new Set(days); });
    this.away = data.away;
    this.keep = !!data.keep;
    this.recdir = data.recdir || "records";
    this.repo = data.repo || null;
    this.soon = data.soon;
    this.quoted = new Set(data.yq || []);
    this.byId = new Map();
    this.procs = data.procs.map(function (p, index) {
      var people = p[8];
      var able = Array.isArray(p[9]) ? p[9].map(function (i) { return people[i]; })
        : people.filter(function (_, i) { return (p[9] >> i) & 1; });
      var proc = {
        index: index, title: p[0], url: self.dirs[p[1]] + p[2], priority: p[3], sla: p[4],
        clients: p[5], creds: p[6], due: p[7], people: people, able: new Set(able),
        deadlines: p[10] || [], aud: p[11] || [], id: p[12] || slug(p[2]),
        owner: p[13] !== 0 && people.length ? people[0] : null // 0: no owner (RB006)
      };
      self.byId.set(proc.id, proc);
      return proc;
    });
    /* Records by task and day, in file order (the last one says how the task went). */
    this.records = new Map();
    (data.rec || []).forEach(function (r) {
      var key = r[0] + ":" + r[1];
      if (!self.records.has(key)) self.records.set(key, []);
      self.records.get(key).push({
        proc: r[0], offset: r[1], by: r[2], status: STATUSES[r[3]] || "done",
        note: r.length > 4 && r[4] ? r[4] : null, suffix: r.length > 5 ? r[5] : 1
      });
    });
  }
  /* The id a page's URL gives: its last part, lowercase (as today.py `_slug`). */
  function slug(url) {
    var parts = String(url).replace(/\/+$/, "").split("/");
    return parts[parts.length - 1].replace(/\.html$/, "").toLowerCase();
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
  Runbook.prototype.nextStep = function (proc, offset, cover) {
    return nextStep(this, proc, offset, cover);
  };
  /* What is due on a day and who does it (as coverage/agenda.py `day_of`). */
  Runbook.prototype.day = function (offset) {
    var absent = this.absentOn(offset), workday = this.isWorkday(offset);
    var tasks = [], onCall = [];
    this.procs.forEach(function (proc) {
      if (proc.due < 0) {
        if (workday && proc.owner !== null && absent.has(proc.owner)) {
          onCall.push({ proc: proc, cover: decide(proc.people, absent, proc.able), offset: offset });
        }
      } else if (this.due[proc.due].has(offset)) {
        tasks.push({ proc: proc, cover: decide(proc.people, absent, proc.able), offset: offset });
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
  Runbook.prototype.recordsOf = function (proc, offset) {
    return this.records.get(proc.index + ":" + offset) || [];
  };
  /* Who a record made from the site names: the reader's "I am", else the person the rule
   * named (for a gap, the next step's first call, else the owner). */
  Runbook.prototype.doer = function (proc, offset, me) {
    if (me !== null && me !== undefined) return me;
    var cover = this.cover(proc, offset);
    if (cover.by !== null) return cover.by;
    var step = this.nextStep(proc, offset, cover);
    if (step && step.call.length) return step.call[0];
    return proc.people.length ? proc.people[0] : null;
  };
  /* records/writing.py `record_path`: the next free name for that task, day and person. */
  Runbook.prototype.recordPath = function (proc, offset, by) {
    var day = isoDay(this.dayMs(offset)), who = this.people[by][0];
    var taken = new Set();
    this.recordsOf(proc, offset).forEach(function (r) { if (r.by === by) taken.add(r.suffix); });
    var n = 1;
    while (taken.has(n)) n++;
    var base = this.recdir + "/" + day.slice(0, 4) + "/" + day + "-" + proc.id + "-" + who;
    return base + (n > 1 ? "-" + n : "") + ".yml";
  };
  /* records/writing.py `record_text` for status done and no note (ids YAML would misread
   * are single-quoted, as ruamel does: today.json lists them). */
  Runbook.prototype.recordText = function (proc, offset, by) {
    var quoted = this.quoted;
    var q = function (id) { return quoted.has(id) ? "'" + id + "'" : id; };
    return "procedure: " + q(proc.id) + "\ndate: " + isoDay(this.dayMs(offset)) +
      "\nby: " + q(this.people[by][0]) + "\nstatus: done\n";
  };
  /* Where "Mark as done" leads: the git host's new-file page, or null (then a command). */
  Runbook.prototype.markUrl = function (proc, offset, by) {
    var repo = this.repo;
    if (!repo) return null;
    var path = repo.dir + this.recordPath(proc, offset, by);
    var text = this.recordText(proc, offset, by);
    var branch = String(repo.branch).split("/").map(encodeURIComponent).join("/");
    if (repo.host === "github") {
      return repo.url + "/new/" + branch + "?filename=" + encodeURIComponent(path) +
        "&value=" + encodeURIComponent(text);
    }
    if (repo.host === "gitlab") {
      return repo.url + "/-/new/" + branch + "/?file_name=" + encodeURIComponent(path) +
        "&content=" + encodeURIComponent(text);
    }
    return null;
  };
  Runbook.prototype.command = function (proc, offset, by) {
    return "releve done " + proc.id + " --date " + isoDay(this.dayMs(offset)) +
      " --by " + this.people[by][0];
  };
  /* A review or drill deadline on a day: "overdue" once the due day is past (or never
   * done), "soon" within `soon` days, else "ok" (as upkeep/deadlines.py `_state`). */
  Runbook.prototype.deadline = function (proc, kind, offset) {
    var at = kind === "review" ? 0 : 2;
    if (proc.deadlines.length <= at) return null;
    var due = proc.deadlines[at], last = proc.deadlines[at + 1];
    var state = due === null || due < offset ? "overdue" : due <= offset + this.soon ? "soon" : "ok";
    return { kind: kind, due: due, last: last, state: state };
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
  /* A `tel:` URL as releve/render/templates.py `tel_href` writes it. */
  function telHref(number) {
    var text = String(number || "");
    var ext = /(?:poste|ext\.?|x)\s*(\d+)\s*$/i.exec(text);
    if (ext) text = text.slice(0, ext.index);
    var digits = text.replace(/[^\d+]/g, "");
    digits = digits.slice(0, 1) + digits.slice(1).replace(/\+/g, "");
    return "tel:" + digits + (ext ? ";ext=" + ext[1] : "");
  }
  var loads = new Map();
  function loadJson(address) {
    var url = new URL(address, document.baseURI).href; // one fetch per page, however named
    if (!loads.has(url)) {
      loads.set(url, fetch(url, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
        .then(function (data) { return new Runbook(data); }));
    }
    return loads.get(url);
  }

  // --- what every view shares: words, dates, people, task cards -------------------
  function View(rb, base) {
    this.rb = rb;
    this.base = base || "";
    this.s = rb.s;
    this.lang = rb.lang;
    this.me = null;
    var me = storedMe(), self = this;
    rb.people.forEach(function (p, i) { if (p[0] === me && p[2]) self.me = i; });
    var zone = { timeZone: "UTC" };
    var make = function (options) {
      return new Intl.DateTimeFormat(self.lang, Object.assign(options, zone));
    };
    this.fmtLong = make({ weekday: "long", day: "numeric", month: "long", year: "numeric" });
    this.fmtDay = make({ weekday: "long", day: "numeric", month: "long" });
    this.fmtShort = make({ weekday: "short", day: "numeric", month: "short" });
    this.fmtDate = make({ day: "numeric", month: "long", year: "numeric" });
    this.fmtMedium = make({ day: "numeric", month: "short", year: "numeric" });
  }
  View.prototype.t = function (key, args) { return fill(this.s[key] || key, args); };
  /* French puts a (non-breaking) space before a colon. */
  View.prototype.colon = function () { return /^fr/.test(this.lang) ? "\u00a0: " : ": "; };
  /* French writes the first of a month "1er" (as i18n/formats.py). */
  View.prototype.words = function (format, ms) {
    var text = format.format(new Date(ms));
    if (/^fr/.test(this.lang) && new Date(ms).getUTCDate() === 1) {
      text = text.replace(/(^|\D)1(?!\d)/, function (m, before) { return before + "1er"; });
    }
    return text;
  };
  View.prototype.dateWords = function (ms) { return capital(this.words(this.fmtLong, ms)); };
  /* A day near `from`: without its year when it is the same year. */
  View.prototype.untilWords = function (offset, from) {
    var rb = this.rb, end = rb.dayMs(offset);
    var same = new Date(end).getUTCFullYear() === new Date(rb.dayMs(from)).getUTCFullYear();
    return this.words(same ? this.fmtDay : this.fmtLong, end);
  };
  View.prototype.personName = function (i) { return this.rb.people[i] ? this.rb.people[i][1] : "?"; };
  View.prototype.personLink = function (i) {
    var p = this.rb.people[i];
    if (!p || !p[2]) return el("span", "releve-person", p ? p[1] : "?");
    var a = el("a", "releve-person", p[1]);
    a.href = this.base + p[2];
    return a;
  };
  /* A person and, when team.yml has one, their phone as a tel: link. */
  View.prototype.personCall = function (i) {
    var span = el("span", "releve-call");
    add(span, this.personLink(i));
    var phone = this.rb.people[i] && this.rb.people[i][3];
    if (phone) {
      var a = el("a", "releve-tel");
      a.href = telHref(phone);
      add(a, el("span", "releve-tel-icon", "\u260e"), "\u202f", el("span", "releve-tel-number", phone));
      add(span, " ", a);
    }
    return span;
  };
  View.prototype.copyButton = function (targetId) {
    var button = el("button", "md-button releve-copy", this.t("copy"));
    button.type = "button";
    button.setAttribute("data-copy-target", targetId);
    button.setAttribute("data-copied", this.t("copied"));
    return button;
  };

  /* The next step of a gap or no-access task: who to call, or that nobody is reachable; for
   * a gap, the client's absence messages filled in, ready to copy. */
  View.prototype.nextStepNode = function (task) {
    var self = this, rb = this.rb, proc = task.proc, offset = task.offset;
    var step = rb.nextStep(proc, offset, task.cover);
    if (!step) return null;
    var box = el("div", "releve-next releve-next-" + step.kind);
    box.setAttribute("data-next", step.kind);
    box.setAttribute("data-call", step.call.map(function (p) { return rb.people[p][0]; }).join(" "));
    var line = el("p", "releve-next-line");
    if (step.kind === "nobody") {
      add(line, el("strong", "releve-alert", this.t("next_nobody")), " ");
      step.away.forEach(function (a, n) {
        if (n) add(line, ", ");
        add(line, self.t("nobody_until", { name: self.personName(a[0]), date: self.untilWords(a[1], offset) }));
      });
    } else {
      add(line, el("strong", null, this.t(step.kind === "holders" ? "next_holders" : "next_escalation")), " ");
      step.call.forEach(function (p, n) {
        if (n) add(line, ", ");
        add(line, self.personCall(p));
      });
      if (step.kind === "escalation") add(line, " ", el("span", "releve-muted", "(" + this.t("escalation_note") + ")"));
    }
    add(box, line);
    if (step.tell) this.tellClients(box, task, step);
    return box;
  };
  /* For a gap: each client's absence messages, `{return}` the first working day one of the
   * task's people is back, `{cover}` who looks after it meanwhile (the person to call, else
   * the first one back): never empty. */
  View.prototype.tellClients = function (box, task, step) {
    var self = this, rb = this.rb, proc = task.proc, offset = task.offset;
    var until = rb.awayOn(offset), back = null, first = null;
    proc.people.forEach(function (p) {
      var end = until.has(p) ? until.get(p) : offset;
      if (back === null || end < back) { back = end; first = p; }
    });
    if (back === null) return;
    var returns = rb.isWorkday(back + 1) ? back + 1 : rb.step(back + 1, 1);
    var cover = this.personName(step.call.length ? step.call[0] : first);
    var values = { "return": this.words(this.fmtDay, rb.dayMs(returns)), cover: cover };
    values.retour = values["return"];
    values.releve = cover;
    proc.clients.forEach(function (c) {
      var client = rb.clients[c];
      var tell = el("div", "releve-tell");
      var head = el("p", "releve-tell-title");
      add(head, el("strong", null, self.t("tell_client", { client: client.name })));
      add(tell, head);
      if (!client.messages.length) {
        add(head, " ", el("span", "releve-muted", self.t("no_message", { client: client.name })));
      }
      client.messages.forEach(function (m) {
        var id = "releve-tell-" + (++serial);
        var row = el("div", "releve-tell-message");
        var details = el("details");
        var summary = el("summary", null, m[0]);
        add(details, summary, el("pre", "releve-message-text", fill(m[1], values)));
        details.lastChild.id = id;
        add(row, details, self.copyButton(id));
        add(tell, row);
      });
      add(box, tell);
    });
  };
  /* What the records say about a task on a day; "not recorded" for a past due day. */
  View.prototype.recordNode = function (task, past, scheduled) {
    var self = this, rb = this.rb;
    var records = rb.recordsOf(task.proc, task.offset);
    if (!records.length) {
      if (!(past && scheduled && rb.keep)) return null;
      var missing = el("p", "releve-record releve-record-missing", self.t("not_recorded"));
      return missing;
    }
    var box = el("div", "releve-records");
    records.forEach(function (r) {
      var p = el("p", "releve-record releve-record-" + r.status);
      p.setAttribute("data-record", r.status);
      add(p, el("span", "releve-record-icon", { done: "\u2713", partial: "\u25d0", skipped: "\u2298", drill: "\u21bb" }[r.status]), " ");
      add(p, self.t("rec_" + r.status, { name: self.personName(r.by) }));
      if (r.note) add(p, self.colon(), el("span", "releve-record-note", r.note));
      add(box, p);
    });
    return box;
  };
  /* "Mark as done" for a task on a day: a link to the git host's new-file page with the
   * record filled in, else the `releve done` command to copy. */
  View.prototype.markDone = function (proc, offset) {
    var rb = this.rb, by = rb.doer(proc, offset, this.me);
    if (by === null) return null;
    var box = el("div", "releve-mark");
    var url = rb.markUrl(proc, offset, by);
    if (url) {
      var a = el("a", "md-button releve-mark-link", "\u2713 " + this.t("mark_done"));
      a.href = url;
      a.target = "_blank";
      a.rel = "noopener";
      a.title = this.t(rb.repo.host === "gitlab" ? "mark_gitlab" : "mark_github");
      add(box, a, " ", el("span", "releve-muted releve-mark-as", this.t("mark_as", { name: this.personName(by) })));
      if (rb.repo.host === "gitlab") {
        /* GitLab has been seen to leave `content` out of its editor: the record, to paste. */
        var id = "releve-record-" + (++serial);
        var text = el("pre", "releve-mark-text", rb.recordText(proc, offset, by));
        text.id = id;
        text.hidden = true;
        var copy = this.copyButton(id);
        copy.textContent = this.t("mark_copy_record");
        copy.classList.add("releve-mark-copy");
        add(box, " ", copy, text);
      }
      return box;
    }
    var details = el("details", "releve-mark-command");
    add(details, el("summary", null, "\u2713 " + this.t("mark_done")));
    var cid = "releve-command-" + (++serial);
    var code = el("code", null, rb.command(proc, offset, by));
    code.id = cid;
    add(details, el("p", "releve-muted", this.t("mark_command")));
    var row = el("p", "releve-mark-row");
    add(row, code, " ", this.copyButton(cid));
    add(details, row);
    add(box, details);
    return box;
  };

  /* One task card: priority, title (link), who does it (and for whom), what to do when
   * nobody able can, service level, access, what was recorded, "Mark as done".
   * `opts`: clients (show the clients), onCall (an on-demand task), actions (Mark as done),
   * today (the reader's day, for "past"). */
  View.prototype.task = function (task, opts) {
    var self = this, rb = this.rb, proc = task.proc, cover = task.cover;
    var alert = cover.status === "gap" || cover.status === "no_access";
    var li = el("li", "releve-task releve-task-" + cover.status + (alert ? " releve-task-alert" : ""));
    li.setAttribute("data-status", cover.status);
    li.setAttribute("data-by", cover.by === null ? "" : rb.people[cover.by][0]);
    li.setAttribute("data-proc", proc.id);
    var head = el("div", "releve-task-title");
    var priority = PRIORITIES[proc.priority];
    if (priority) add(head, el("span", "releve-badge releve-" + priority, this.t("priority." + priority)), " ");
    if (opts.onCall && opts.markOnDemand) add(head, el("span", "releve-muted", this.t("on_demand") + " \u00b7 "));
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
    if (alert) add(li, this.nextStepNode(task));
    var meta = [];
    if (proc.sla >= 0) meta.push([this.t("sla"), rb.sla[proc.sla]]);
    if (proc.creds.length) meta.push([this.t("credentials"), proc.creds.map(function (c) { return rb.creds[c]; }).join(", ")]);
    if (opts.clients && proc.clients.length) {
      meta.push([this.t("clients"), proc.clients.map(function (c) { return rb.clients[c].name; }).join(", ")]);
    }
    if (meta.length) {
      var line = el("div", "releve-task-meta releve-muted");
      meta.forEach(function (m, n) {
        if (n) add(line, " · ");
        add(line, el("span", "releve-task-label", m[0] + self.colon()), m[1]);
      });
      add(li, line);
    }
    var today = opts.today === undefined ? rb.offset(readerToday()) : opts.today;
    var record = this.recordNode(task, task.offset < today, !opts.onCall);
    if (record) {
      add(li, record);
      var recs = rb.recordsOf(proc, task.offset);
      li.setAttribute("data-record", recs.length ? recs[recs.length - 1].status : "missing");
    }
    if (opts.actions && task.offset <= today) add(li, this.markDone(proc, task.offset));
    if (opts.onCall) li.classList.add("releve-task-on-call");
    return li;
  };
  View.prototype.list = function (tasks, opts) {
    var ul = el("ul", "releve-tasks");
    tasks.forEach(function (t) { add(ul, this.task(t, opts)); }, this);
    return ul;
  };

  // --- one Today block ---------------------------------------------------------
  function Today(root) {
    this.root = root;
    this.mode = root.getAttribute("data-releve-today");
    this.page = root.getAttribute("data-page") || "";
  }
  Today.prototype = Object.create(View.prototype);
  Today.prototype.load = function () {
    var self = this;
    loadJson(this.root.getAttribute("data-json"))
      .then(function (rb) {
        View.call(self, rb, self.root.getAttribute("data-base") || "");
        self.render();
        if (self.mode === "page") {
          window.addEventListener("popstate", function () { self.render(); });
        }
      })
      .catch(function () {
        self.root.textContent = "";
        add(self.root, el("p", "releve-alert", self.root.getAttribute("data-failed") || "today.json?"));
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
    this.today = rb.offset(readerToday());
    this.renderCounts(day);
    this.renderAway(offset);
    if (!day.workday) {
      add(this.root, el("p", "releve-today-empty", this.t("not_working")));
      if (this.mode === "page") this.renderOtherRecords(day);
      return;
    }
    if (this.mode === "summary") this.renderSummary(day);
    else this.renderDay(day);
  };

  Today.prototype.renderBar = function (ms, offset) {
    var self = this, rb = this.rb;
    var bar = el("div", "releve-today-bar");
    var prev = rb.step(offset, -1), next = rb.step(offset, 1);
    var back = el("button", "releve-today-step releve-today-prev", "\u2039 " + this.words(this.fmtShort, rb.dayMs(prev)));
    back.type = "button";
    back.title = this.t("prev");
    back.setAttribute("aria-label", this.t("prev") + this.colon() + this.dateWords(rb.dayMs(prev)));
    back.addEventListener("click", function () { self.go(rb.dayMs(prev)); });
    var forward = el("button", "releve-today-step releve-today-next", this.words(this.fmtShort, rb.dayMs(next)) + " \u203a");
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
    var rb = this.rb, past = day.offset < this.today;
    var alerts = function (status) {
      return day.tasks.filter(function (t) { return t.cover.status === status; }).length;
    };
    var gaps = alerts("gap"), noAccess = alerts("no_access");
    var done = day.tasks.filter(function (t) { return rb.recordsOf(t.proc, day.offset).length; }).length;
    var chips = el("p", "releve-chips");
    var chip = function (n, key, cls) {
      var c = el("span", "releve-chip" + (cls && n ? " " + cls : ""));
      c.setAttribute("data-chip", key);
      add(c, el("strong", null, String(n)), " " + this.t(key));
      add(chips, c, " ");
    }.bind(this);
    chip(day.tasks.length, "count_tasks", null);
    if (gaps) chip(gaps, "count_gaps", "releve-chip-alert");
    if (noAccess) chip(noAccess, "count_no_access", "releve-chip-alert");
    if (done) chip(done, "count_done", "releve-chip-done");
    if (past && rb.keep && day.tasks.length > done) chip(day.tasks.length - done, "count_missing", "releve-chip-missing");
    chip(rb.awayOn(day.offset).size, "count_away", null);
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
      var who = el("span", "releve-away-person");
      add(who, self.personLink(i), " ", el("span", "releve-muted", self.t("away_until", { date: self.untilWords(away.get(i), offset) })));
      add(p, who);
    });
    if (this.me !== null && away.has(this.me)) add(p, el("span", "releve-today-you-away", " " + this.t("you_are_away")));
    add(this.root, p);
  };

  Today.prototype.section = function (title, cls, titleNode) {
    var section = el("section", "releve-today-section " + cls);
    add(section, el("h3", null, titleNode ? null : title));
    if (titleNode) add(section.firstChild, titleNode);
    add(this.root, section);
    return section;
  };

  /* The full day: alerts first (nobody, or nobody with access: who to call), then mine, then
   * by client (internal last), then on demand, then what else was recorded. */
  Today.prototype.renderDay = function (day) {
    var self = this, rb = this.rb, me = this.me;
    var opts = { clients: true, onCall: false, actions: true, today: this.today };
    var isAlert = function (t) { return t.cover.status === "gap" || t.cover.status === "no_access"; };
    var mine = function (t) { return me !== null && t.cover.by === me && !isAlert(t); };
    var alerts = day.tasks.filter(isAlert);
    if (alerts.length) {
      var red = this.section(this.t("alerts"), "releve-today-alerts");
      add(red, this.list(alerts, opts));
    }
    if (me !== null) {
      var section = this.section(this.t("mine", { name: this.personName(me) }), "releve-today-mine");
      var own = day.tasks.filter(mine), ownCalls = day.onCall.filter(mine);
      if (!own.length && !ownCalls.length) add(section, el("p", "releve-muted", this.t("mine_empty")));
      if (own.length) add(section, this.list(own, opts));
      if (ownCalls.length) {
        add(section, el("p", "releve-today-sub", this.t("on_call")));
        add(section, this.list(ownCalls, Object.assign({}, opts, { onCall: true })));
      }
    }
    var rest = day.tasks.filter(function (t) { return !mine(t) && !isAlert(t); });
    if (!day.tasks.length) add(this.root, el("p", "releve-today-empty", this.t("nothing_due")));
    var groups = new Map();
    rest.forEach(function (t) {
      var key = t.proc.clients.join(",");
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(t);
    });
    // Clients are indexed in the JSON in core/order.py's order: compare by index, not by name.
    var indices = function (key) { return key.split(",").map(Number); };
    var name = function (key) {
      return key === "" ? "" : key.split(",").map(function (c) { return rb.clients[+c].name; }).join(" · ");
    };
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
        if (client.url) {
          var a = el("a", null, client.name);
          a.href = this.base + client.url;
          add(title, a);
        } else add(title, client.name);
      }, this);
      var section = this.section(null, "releve-today-client", title);
      section.setAttribute("data-client", key === "" ? "" : key.split(",").map(function (c) { return rb.clients[+c].name; }).join("|"));
      add(section, this.list(groups.get(key), Object.assign({}, opts, { clients: false })));
    }, this);
    var calls = day.onCall.filter(function (t) { return !mine(t); });
    if (calls.length) {
      var section2 = this.section(this.t("on_call"), "releve-today-on-call");
      add(section2, el("p", "releve-muted", this.t("on_call_help")));
      add(section2, this.list(calls, Object.assign({}, opts, { onCall: true })));
    }
    this.renderOtherRecords(day);
  };

  /* Records of the day for tasks not listed above (on demand, or moved): still shown. */
  Today.prototype.renderOtherRecords = function (day) {
    var rb = this.rb, listed = new Set();
    day.tasks.concat(day.onCall).forEach(function (t) { listed.add(t.proc.index); });
    var others = rb.procs.filter(function (p) {
      return !listed.has(p.index) && rb.recordsOf(p, day.offset).length;
    }).map(function (p) { return { proc: p, cover: rb.cover(p, day.offset), offset: day.offset }; });
    if (!others.length) return;
    var section = this.section(this.t("also_recorded"), "releve-today-recorded");
    add(section, this.list(others, { clients: true, onCall: true, actions: false, today: this.today }));
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
    else add(this.root, this.list(tasks.slice(0, SUMMARY_TASKS), { clients: true, today: this.today }));
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

  // --- live bits of the other pages ---------------------------------------------
  /* Elements a Python template marks `data-releve-live=KIND` (their build-time text, "as
   * of" the build day, is what a reader without JavaScript sees): their content is
   * replaced by the same model on the reader's clock. Out of the window: left as built. */
  function Live(rb, base) { View.call(this, rb, base); }
  Live.prototype = Object.create(View.prototype);
  Live.prototype.fill = function (node) {
    var rb = this.rb, kind = node.getAttribute("data-releve-live");
    var today = rb.offset(readerToday());
    if (!rb.inWindow(today)) return;
    var done = false;
    if (kind === "person-status") done = this.personStatus(node, today);
    else if (kind === "client-due") done = this.clientDue(node, today);
    else if (kind === "absences") done = this.absences(node, today);
    else if (kind === "review" || kind === "drill") done = this.deadline(node, kind, today);
    if (done) node.setAttribute("data-releve-live-day", isoDay(rb.dayMs(today)));
  };
  Live.prototype.personIndex = function (id) {
    for (var i = 0; i < this.rb.people.length; i++) if (this.rb.people[i][0] === id) return i;
    return null;
  };
  /* "away until …" or "available"; `data-form="badge"`: only a badge, when away. */
  Live.prototype.personStatus = function (node, today) {
    var who = this.personIndex(node.getAttribute("data-person"));
    if (who === null) return false;
    var away = this.rb.awayOn(today);
    var badgeOnly = node.getAttribute("data-form") === "badge";
    node.textContent = "";
    if (away.has(who)) {
      add(node, el("span", "releve-badge releve-absent", this.t("status_away", { date: this.untilWords(away.get(who), today) })));
    } else if (!badgeOnly) {
      add(node, this.t("status_available"));
    }
    node.setAttribute("data-away", away.has(who) ? "1" : "0");
    return true;
  };
  /* A client's next seven days: each day's tasks, as on the Today page. */
  Live.prototype.clientDue = function (node, today) {
    var rb = this.rb, id = node.getAttribute("data-client");
    var client = null;
    rb.clients.forEach(function (c, i) { if (c.id === id) client = i; });
    node.textContent = "";
    var days = el("div", "releve-plan releve-live-plan");
    for (var n = 0; n < WEEK_DAYS; n++) {
      var offset = today + n;
      if (!rb.inWindow(offset) || client === null) continue;
      var day = rb.day(offset);
      var of = function (t) { return t.proc.clients.indexOf(client) >= 0; };
      var tasks = day.tasks.filter(of), calls = day.onCall.filter(of);
      if (!tasks.length && !calls.length) continue;
      var box = el("div", "releve-plan-day");
      box.setAttribute("data-day", isoDay(rb.dayMs(offset)));
      add(box, el("p", "releve-plan-date", capital(this.words(this.fmtDay, rb.dayMs(offset)))));
      var ul = this.list(tasks, { clients: false, actions: false, today: today });
      calls.forEach(function (t) {
        add(ul, this.task(t, { clients: false, onCall: true, markOnDemand: true, actions: false, today: today }));
      }, this);
      add(box, ul);
      add(days, box);
    }
    if (days.childNodes.length) add(node, days);
    else add(node, el("p", "releve-muted", this.t("client_week_nothing")));
    return true;
  };
  /* The home page's coming absences: who is away from today to 30 days on, until when. */
  Live.prototype.absences = function (node, today) {
    var self = this, rb = this.rb;
    var items = rb.away.filter(function (a) { return a[2] >= today && a[1] <= today + UPCOMING_DAYS; })
      .slice().sort(function (a, b) {
        return a[1] - b[1] || self.personName(a[0]).localeCompare(self.personName(b[0]), self.lang);
      });
    node.textContent = "";
    var list = node.tagName === "UL" || node.tagName === "OL" ? node : add(node, el("ul", "releve-list")).lastChild;
    items.forEach(function (a) {
      var li = el("li");
      li.setAttribute("data-person", rb.people[a[0]][0]);
      add(li, self.personLink(a[0]), " — " + self.words(self.fmtDate, rb.dayMs(a[1])) + " \u2192 " + self.words(self.fmtDate, rb.dayMs(a[2])));
      add(list, li);
    });
    if (!items.length) add(list, el("li", "releve-muted", this.t("absences_none")));
    return true;
  };
  /* A review or drill line of a procedure card: the last day, and a badge unless far off. */
  Live.prototype.deadline = function (node, kind, today) {
    var proc = this.rb.byId.get(node.getAttribute("data-proc"));
    var d = proc ? this.rb.deadline(proc, kind, today) : null;
    if (!d) return false;
    node.textContent = d.last === null ? "\u2014" : this.words(this.fmtMedium, this.rb.dayMs(d.last));
    if (d.state !== "ok") {
      var badge = el("span", "releve-badge releve-due-" + d.state,
        this.t(kind + "_" + (d.last === null ? "never" : d.state)));
      badge.setAttribute("data-due", kind + "-" + d.state);
      if (d.due !== null) badge.title = this.t("due_on", { day: this.words(this.fmtDate, this.rb.dayMs(d.due)) });
      add(node, " ", badge);
    }
    var row = node.parentNode;
    if (row && row.tagName === "DIV") row.classList.toggle("releve-fact-minor", d.state === "ok");
    return true;
  };
  /* A procedure page's `.releve-mark-done[data-proc]`: "Mark as done" for the reader's today. */
  Live.prototype.markHook = function (node) {
    var proc = this.rb.byId.get(node.getAttribute("data-proc"));
    var today = this.rb.offset(readerToday());
    if (!proc || !this.rb.inWindow(today)) return;
    node.textContent = "";
    add(node, this.markDone(proc, today));
  };

  /* The site's root, from this script's own address (assets/releve/today.js). */
  function siteBase() {
    var src = SCRIPT || "";
    var at = src.lastIndexOf("assets/releve/today.js");
    return at >= 0 ? src.slice(0, at) : null;
  }

  function start() {
    var blocks = document.querySelectorAll("[data-releve-today]");
    Array.prototype.forEach.call(blocks, function (root) { new Today(root).load(); });
    var live = document.querySelectorAll("[data-releve-live]");
    var hooks = document.querySelectorAll(".releve-mark-done[data-proc]");
    var base = siteBase();
    if ((!live.length && !hooks.length) || base === null) return;
    loadJson(base + JSON_PATH).then(function (rb) {
      var view = new Live(rb, base);
      Array.prototype.forEach.call(live, function (node) { view.fill(node); });
      Array.prototype.forEach.call(hooks, function (node) { view.markHook(node); });
    }).catch(function () { /* the build-time text stays */ });
  }
  /* For the equivalence tests: the rules and the model; `refresh` fills the page again
   * (blocks or hooks added after it loaded). */
  window.releveToday = {
    decide: decide, nextStep: nextStep, Runbook: Runbook, parseDay: parseDay, refresh: start
  };
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(start); // Material's instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
