/* Relève: reveal a sealed credential in the browser with WebCrypto (no dependency).
 *
 * Before anything is unwrapped, the audience's signed key history is verified as
 * releve/vault/chain.py does (ECDSA P-256 over each step and over the wrap used):
 * a key someone planted or substituted is never opened.
 *
 * Redoes what releve/vault/crypto.py does. Format 2: PBKDF2-HMAC-SHA256 over the
 * NFC passphrase -> AES-GCM key that unwraps the person's P-256 private key (as a
 * non-extractable ECDH key) -> ECDH with the wrap's ephemeral public key -> HKDF-SHA256
 * -> AES-GCM key that unwraps the audience data key -> AES-GCM decryption of each
 * field, with the same associated data. Format 1 (slots not migrated yet): PBKDF2
 * -> AES-GCM unwrap of the audience data key -> fields. Every key is
 * imported non-extractable and lives only in this function call. The one thing
 * kept is who the reader said they are (a person id, in sessionStorage, for this
 * tab only), so every card opens on that person; never a key, passphrase or value.
 * The value is shown with a copy button and removed from the page after 30 seconds.
 */
(function () {
  "use strict";
  var VERSION = 2; // vault.json and the format-2 associated data
  var LEGACY = 1; // format-1 slots and fields, until every holder has migrated
  var SHOW_SECONDS = 30;
  /* PBKDF2 iterations Reveal accepts (vault/crypto.py MAX_ITERATIONS): above, a file that
     would keep the tab busy for minutes is refused instead. */
  var MAX_ITERATIONS = 10000000;
  function iterationsOk(n) {
    return typeof n === "number" && Math.floor(n) === n && n >= 1 && n <= MAX_ITERATIONS;
  }
  function outOfBounds() {
    var err = new Error("iterations");
    err.bounds = true;
    return err;
  }
  var vaults = {}; // url -> Promise of the sealed JSON (public data, never a key)
  var WHO = "releve.person"; // sessionStorage key: the chosen person's id, nothing else

  function chosenPerson() {
    try { return window.sessionStorage.getItem(WHO); } catch (e) { return null; }
  }
  function choosePerson(id) {
    try { window.sessionStorage.setItem(WHO, id); } catch (e) { /* private mode: forget */ }
  }
  function pick(select) {
    var id = chosenPerson();
    if (id && select.querySelector('option[value="' + id.replace(/["\\]/g, "") + '"]')) {
      select.value = id;
    }
  }
  /* "Marie Tremblay ou Samir Haddad": the holders, to ask in plain words. */
  function holderNames(people, s) {
    var names = people.filter(function (p) { return p.holder; }).map(function (p) { return p.name; });
    if (names.length < 2) return names.join("");
    return names.slice(0, -1).join(", ") + " " + (s.or || "or") + " " + names[names.length - 1];
  }

  function strings(card) {
    try { return JSON.parse(card.getAttribute("data-i18n") || "{}"); } catch (e) { return {}; }
  }
  function fill(text, args) {
    return String(text || "").replace(/\{(\w+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(args, k) ? args[k] : m;
    });
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function bytes(b64) {
    var bin = atob(b64), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function utf8(text) { return new TextEncoder().encode(text); }
  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }
  function loadVault(url) {
    if (!vaults[url]) {
      vaults[url] = fetch(url, { cache: "no-store", credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error("vault.json " + r.status);
        return r.json();
      });
      vaults[url].catch(function () { delete vaults[url]; });
    }
    return vaults[url];
  }

  /* The SHA-256 of the canonical clear metadata, as crypto.meta_hash (sorted keys). */
  function metaHash(id, cred) {
    var canonical = JSON.stringify({
      audience: cred.audience, id: id, label: cred.label, url: cred.url === undefined ? null : cred.url
    });
    return crypto.subtle.digest("SHA-256", utf8(canonical)).then(hex);
  }

  /* Format 2: the private key sealed under the passphrase, unwrapped straight into a
     non-extractable ECDH key (its bytes never reach this script). */
  function unlockPrivate(me, person, passphrase) {
    var subtle = crypto.subtle;
    if (!iterationsOk(me.iterations)) return Promise.reject(outOfBounds());
    return subtle.importKey("raw", utf8(passphrase.normalize("NFC")), "PBKDF2", false, ["deriveKey"])
      .then(function (base) {
        return subtle.deriveKey(
          { name: "PBKDF2", salt: bytes(me.salt), iterations: me.iterations, hash: "SHA-256" },
          base, { name: "AES-GCM", length: 256 }, false, ["unwrapKey"]);
      })
      .then(function (kek) {
        return subtle.digest("SHA-256", bytes(me["public"])).then(function (digest) {
          var ad = utf8("releve-vault/" + VERSION + "/person/" + person + "/" + hex(digest));
          return subtle.unwrapKey("pkcs8", bytes(me["private"]), kek,
            { name: "AES-GCM", iv: bytes(me.nonce), additionalData: ad },
            { name: "ECDH", namedCurve: "P-256" }, false, ["deriveKey"]);
        });
      });
  }

  /* Format 2: ECDH with the wrap's ephemeral key, HKDF-SHA256, then AES-GCM unwrap of
     the audience key of this generation. */
  function unwrapAudience(slot, privateKey, mine, audience, person, generation) {
    var subtle = crypto.subtle;
    var ephemeral = bytes(slot.ephemeral), own = bytes(mine);
    var salt = new Uint8Array(ephemeral.length + own.length);
    salt.set(ephemeral, 0);
    salt.set(own, ephemeral.length);
    return subtle.importKey("raw", ephemeral, { name: "ECDH", namedCurve: "P-256" }, false, [])
      .then(function (eph) {
        return subtle.deriveKey({ name: "ECDH", "public": eph }, privateKey, "HKDF", false,
          ["deriveKey"]);
      })
      .then(function (shared) {
        return subtle.deriveKey(
          { name: "HKDF", hash: "SHA-256", salt: salt, info: utf8("releve-vault/" + VERSION + "/wrap") },
          shared, { name: "AES-GCM", length: 256 }, false, ["unwrapKey"]);
      })
      .then(function (kek) {
        var ad = utf8(["releve-vault", VERSION, "wrap", audience, person, generation].join("/"));
        return subtle.unwrapKey("raw", bytes(slot.key), kek,
          { name: "AES-GCM", iv: bytes(slot.nonce), additionalData: ad },
          { name: "AES-GCM" }, false, ["decrypt"]);
      });
  }

  /* Format 1 (not migrated yet): the audience key wrapped under the passphrase itself. */
  function unwrapLegacy(slot, audience, person, passphrase) {
    var subtle = crypto.subtle;
    if (!iterationsOk(slot.iterations)) return Promise.reject(outOfBounds());
    return subtle.importKey("raw", utf8(passphrase.normalize("NFC")), "PBKDF2", false, ["deriveKey"])
      .then(function (base) {
        return subtle.deriveKey(
          { name: "PBKDF2", salt: bytes(slot.salt), iterations: slot.iterations, hash: "SHA-256" },
          base, { name: "AES-GCM", length: 256 }, false, ["unwrapKey"]);
      })
      .then(function (kek) {
        var ad = utf8("releve-vault/" + LEGACY + "/slot/" + audience + "/" + person);
        return subtle.unwrapKey("raw", bytes(slot.key), kek,
          { name: "AES-GCM", iv: bytes(slot.nonce), additionalData: ad },
          { name: "AES-GCM" }, false, ["decrypt"]);
      });
  }

  function own(object, key) {
    return !!object && Object.prototype.hasOwnProperty.call(object, key);
  }

  /* Who made each key (vault/chain.py): every step of the audience's history is signed by
     a holder of the step before it who stays a holder, the first by a person with the
     role; the wrap used is signed by a holder of its generation. Rejects with
     `unverified` otherwise. */
  function unverified() {
    var err = new Error("unverified");
    err.unverified = true;
    return err;
  }
  function concat(a, b) {
    var out = new Uint8Array(a.length + b.length);
    out.set(a, 0);
    out.set(b, a.length);
    return out;
  }
  function signedBy(vault, person, message, signature) {
    if (!own(vault.people, person) || !signature) return Promise.resolve(false);
    var me = vault.people[person];
    var keys = [me["public"]].concat(me.former || []);
    var sig = bytes(signature);
    if (sig.length !== 64) return Promise.resolve(false);
    return keys.reduce(function (found, key) {
      return found.then(function (ok) {
        if (ok) return true;
        return crypto.subtle.importKey("raw", bytes(key), { name: "ECDSA", namedCurve: "P-256" },
          false, ["verify"]).then(function (k) {
          return crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, k, sig, message);
        }, function () { return false; });
      });
    }, Promise.resolve(false));
  }
  function verifyHistory(vault, audience, person) {
    var aud = vault.audiences[audience] || {};
    var steps = aud.chain || [];
    if (aud.generation === null || aud.generation === undefined) return Promise.resolve();
    if (!steps.length) return Promise.reject(unverified());
    var members = aud.members || [];
    var prev = "genesis";
    var done = Promise.resolve();
    steps.forEach(function (step, index) {
      done = done.then(function () {
        var message = utf8(["releve-vault/2/step", audience, step.generation,
          step.holders.join(","), step.by, prev].join("\n"));
        return signedBy(vault, step.by, message, step.signature).then(function (ok) {
          var before = steps[index - 1];
          if (!ok || step.holders.indexOf(step.by) < 0) throw unverified();
          if (before && (before.holders.indexOf(step.by) < 0 ||
              (step.generation !== before.generation && step.generation !== before.generation + 1))) {
            throw unverified();
          }
          return crypto.subtle.digest("SHA-256", concat(message, bytes(step.signature)));
        }).then(function (digest) { prev = hex(digest); });
      });
    });
    return done.then(function () {
      var tip = steps[steps.length - 1];
      var vouched = steps.some(function (s) { return members.indexOf(s.by) >= 0; });
      if (!vouched || tip.generation !== aud.generation || tip.holders.indexOf(person) < 0) {
        throw unverified();
      }
      var slot = own(aud.slots, person) ? aud.slots[person] : null;
      if (!slot || slot.generation !== aud.generation) return null; /* a format-1 slot */
      var makers = [];
      steps.forEach(function (s) {
        if (s.generation === tip.generation) makers = makers.concat(s.holders);
      });
      if (!slot.by || makers.indexOf(slot.by) < 0 || !own(vault.people, person)) throw unverified();
      var sealed = concat(concat(bytes(slot.ephemeral), bytes(slot.nonce)), bytes(slot.key));
      return Promise.all([
        crypto.subtle.digest("SHA-256", bytes(vault.people[person]["public"])),
        crypto.subtle.digest("SHA-256", sealed)
      ]).then(function (digests) {
        var message = utf8(["releve-vault/2/wrap", audience, person, slot.generation,
          hex(digests[0]), hex(digests[1]), slot.by].join("\n"));
        return signedBy(vault, slot.by, message, slot.signature);
      }).then(function (ok) { if (!ok) throw unverified(); });
    });
  }

  /* How `person` opens the audience: "wrap" (format 2), "legacy" (format 1) or null. */
  function access(vault, audience, person) {
    var aud = vault.audiences[audience] || {};
    var slot = own(aud.slots, person) ? aud.slots[person] : null;
    if (slot && slot.generation === aud.generation && own(vault.people, person)) return "wrap";
    var legacyValid = aud.generation === null || aud.generation === undefined || aud.generation === 1;
    if (own(aud.legacy, person) && legacyValid) return "legacy";
    return null;
  }

  function open(vault, id, person, passphrase) {
    var cred = vault.credentials[id];
    var aud = vault.audiences[cred.audience];
    var how = access(vault, cred.audience, person);
    var dataKey = verifyHistory(vault, cred.audience, person).then(function () {
      return how === "wrap" ? openWrap() : unwrapLegacy(aud.legacy[person], cred.audience, person,
        passphrase);
    });
    function openWrap() {
      return unlockPrivate(vault.people[person], person, passphrase).then(function (privateKey) {
        return unwrapAudience(aud.slots[person], privateKey, vault.people[person]["public"],
          cred.audience, person, aud.generation);
      });
    }
    return dataKey.then(function (key) {
      return metaHash(id, cred).then(function (hash) {
        var names = Object.keys(cred.fields);
        return Promise.all(names.map(function (name) {
          var f = cred.fields[name];
          var generation = f.generation === undefined ? null : f.generation;
          if (generation !== (aud.generation === undefined ? null : aud.generation)) {
            var stale = new Error("stale");
            stale.stale = true;
            return Promise.reject(stale);
          }
          var ad = generation === null
            ? ["releve-vault", LEGACY, "field", id, name, cred.audience, hash].join("/")
            : ["releve-vault", VERSION, "field", id, name, cred.audience, generation, hash].join("/");
          return crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes(f.nonce), additionalData: utf8(ad) },
            key, bytes(f.value)).then(function (plain) {
            return { name: name, value: new TextDecoder("utf-8", { fatal: true }).decode(plain) };
          });
        }));
      });
    });
  }

  function copy(button, text, s) {
    var done = function () {
      button.textContent = s.copied || "\u2713";
      setTimeout(function () { button.textContent = s.copy || "Copy"; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, done);
    }
  }

  function buildPanel(card, panel, s) {
    var people = [];
    try { people = JSON.parse(card.getAttribute("data-people") || "[]"); } catch (e) { /* none */ }
    var form = el("form", { "class": "releve-reveal-form", autocomplete: "off" });
    var who = el("select", { name: "person", "class": "releve-reveal-who", "aria-label": s.who });
    [[true, s.holders], [false, s.others]].forEach(function (group) {
      var members = people.filter(function (p) { return !!p.holder === group[0]; });
      if (!members.length) return;
      var optgroup = el("optgroup", { label: group[1] });
      members.forEach(function (p) {  /* the id beside the name: look-alike names (RB027) */
        var label = p.name === p.id ? p.id : p.name + " (" + p.id + ")";
        optgroup.appendChild(el("option", { value: p.id }, label));
      });
      who.appendChild(optgroup);
    });
    var pass = el("input", { type: "password", name: "passphrase", "class": "releve-reveal-pass",
      autocomplete: "off", spellcheck: "false", placeholder: s.passphrase, "aria-label": s.passphrase });
    var go = el("button", { type: "submit", "class": "md-button md-button--primary" }, s.open);
    var cancel = el("button", { type: "button", "class": "md-button releve-reveal-cancel" }, s.cancel);
    pick(who);
    who.addEventListener("change", function () { choosePerson(who.value); });
    var labelWho = el("label", {}, s.who + " ");
    labelWho.appendChild(who);
    form.appendChild(labelWho);
    form.appendChild(pass);
    form.appendChild(go);
    form.appendChild(cancel);
    var message = el("span", { "class": "releve-reveal-msg", role: "status", "aria-live": "polite" });
    var values = el("span", { "class": "releve-reveal-values" });
    panel.appendChild(form);
    panel.appendChild(message);
    panel.appendChild(values);

    var timer = null;
    function say(text, isError) {
      message.textContent = text;
      message.classList.toggle("releve-reveal-error", !!isError);
    }
    function hide() {
      if (timer) clearInterval(timer);
      timer = null;
      values.textContent = "";
      message.textContent = "";
    }
    cancel.addEventListener("click", function () { hide(); pass.value = ""; panel.hidden = true; });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      hide();
      var person = who.value, passphrase = pass.value;
      pass.value = "";
      choosePerson(person);
      var chosen = people.filter(function (p) { return p.id === person; })[0] || { name: person };
      var audience = card.getAttribute("data-audience");
      var id = card.getAttribute("data-cred");
      if (!window.crypto || !crypto.subtle) { say(s.unavailable, true); return; }
      say(s.working);
      go.disabled = true;
      loadVault(card.getAttribute("data-vault")).then(function (vault) {
        if (!vault || vault.version !== VERSION || !vault.credentials[id]) throw new Error("unavailable");
        if (!access(vault, vault.credentials[id].audience, person)) {
          say(fill(s.no_access || s.no_key, { name: chosen.name, person: person,
            holders: holderNames(people, s),
            audience: card.getAttribute("data-audience-name") || audience }), true);
          return null;
        }
        return open(vault, id, person, passphrase).then(show, function (err) {
          if (err && err.stale) { say(s.stale, true); return; }
          if (err && err.unverified) { say(s.unverified, true); return; }
          if (err && err.bounds) { say(s.unavailable, true); return; }
          say(s.wrong, true);
          pass.focus();
        });
      }, function () {
        say(s.unavailable, true);
      }).then(function () { go.disabled = false; });
    });

    function show(fields) {
      values.textContent = "";
      fields.forEach(function (f) {
        var row = el("span", { "class": "releve-reveal-row" });
        row.appendChild(el("span", { "class": "releve-cred-dt" }, s["field_" + f.name] || f.name));
        row.appendChild(el("code", { "class": "releve-reveal-value" }, f.value));
        var button = el("button", { type: "button", "class": "md-button releve-reveal-copy" }, s.copy);
        button.addEventListener("click", function () { copy(button, f.value, s); });
        row.appendChild(button);
        values.appendChild(row);
      });
      var hideButton = el("button", { type: "button", "class": "md-button releve-reveal-hide" }, s.hide);
      hideButton.addEventListener("click", hide);
      values.appendChild(hideButton);
      var left = SHOW_SECONDS;
      say(fill(s.hidden_in, { s: left }));
      timer = setInterval(function () {
        left -= 1;
        if (left <= 0) { hide(); return; }
        message.textContent = fill(s.hidden_in, { s: left });
      }, 1000);
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".releve-reveal") : null;
    if (!button) return;
    var card = button.closest(".releve-cred");
    var panel = card && card.querySelector(".releve-cred-panel");
    if (!panel) return;
    var s = strings(card);
    if (!panel.firstChild) buildPanel(card, panel, s);
    else pick(panel.querySelector(".releve-reveal-who"));
    panel.hidden = false;
    var input = panel.querySelector(".releve-reveal-pass");
    if (input) input.focus();
  });
})();
