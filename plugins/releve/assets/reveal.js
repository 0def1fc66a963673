/* Relève: reveal a sealed credential in the browser with WebCrypto (no dependency).
 *
 * Redoes what releve/vault/crypto.py does: PBKDF2-HMAC-SHA256 over the NFC
 * passphrase -> key that unwraps the audience data key (AES-GCM) -> AES-GCM
 * decryption of each field, with the same associated data. Every key is
 * imported non-extractable and lives only in this function call; nothing is
 * written to localStorage, sessionStorage, cookies or IndexedDB. The value is
 * shown with a copy button and removed from the page after 30 seconds.
 */
(function () {
  "use strict";
  var VERSION = 1;
  var SHOW_SECONDS = 30;
  var vaults = {}; // url -> Promise of the sealed JSON (public data, never a key)

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

  function open(vault, id, person, passphrase) {
    var cred = vault.credentials[id];
    var slots = (vault.audiences[cred.audience] || {}).slots || {};
    var slot = slots[person];
    var subtle = crypto.subtle;
    return subtle.importKey("raw", utf8(passphrase.normalize("NFC")), "PBKDF2", false, ["deriveKey"])
      .then(function (base) {
        return subtle.deriveKey(
          { name: "PBKDF2", salt: bytes(slot.salt), iterations: slot.iterations, hash: "SHA-256" },
          base, { name: "AES-GCM", length: 256 }, false, ["unwrapKey"]);
      })
      .then(function (kek) {
        var ad = utf8("releve-vault/" + VERSION + "/slot/" + cred.audience + "/" + person);
        return subtle.unwrapKey("raw", bytes(slot.key), kek,
          { name: "AES-GCM", iv: bytes(slot.nonce), additionalData: ad },
          { name: "AES-GCM" }, false, ["decrypt"]);
      })
      .then(function (dataKey) {
        return metaHash(id, cred).then(function (hash) {
          var names = Object.keys(cred.fields);
          return Promise.all(names.map(function (name) {
            var f = cred.fields[name];
            var ad = utf8(["releve-vault", VERSION, "field", id, name, cred.audience, hash].join("/"));
            return subtle.decrypt({ name: "AES-GCM", iv: bytes(f.nonce), additionalData: ad },
              dataKey, bytes(f.value)).then(function (plain) {
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
      members.forEach(function (p) { optgroup.appendChild(el("option", { value: p.id }, p.name)); });
      who.appendChild(optgroup);
    });
    var pass = el("input", { type: "password", name: "passphrase", "class": "releve-reveal-pass",
      autocomplete: "off", spellcheck: "false", placeholder: s.passphrase, "aria-label": s.passphrase });
    var go = el("button", { type: "submit", "class": "md-button md-button--primary" }, s.open);
    var cancel = el("button", { type: "button", "class": "md-button releve-reveal-cancel" }, s.cancel);
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
      var chosen = people.filter(function (p) { return p.id === person; })[0] || { name: person };
      var audience = card.getAttribute("data-audience");
      var id = card.getAttribute("data-cred");
      if (!window.crypto || !crypto.subtle) { say(s.unavailable, true); return; }
      say(s.working);
      go.disabled = true;
      loadVault(card.getAttribute("data-vault")).then(function (vault) {
        if (!vault || vault.version !== VERSION || !vault.credentials[id]) throw new Error("unavailable");
        var slots = (vault.audiences[vault.credentials[id].audience] || {}).slots || {};
        if (!Object.prototype.hasOwnProperty.call(slots, person)) {
          say(fill(s.no_key, { name: chosen.name, audience: audience, person: person }), true);
          return null;
        }
        return open(vault, id, person, passphrase).then(show, function () {
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
    panel.hidden = false;
    var input = panel.querySelector(".releve-reveal-pass");
    if (input) input.focus();
  });
})();
