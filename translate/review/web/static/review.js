// The review app's page script: saves without a page reload, the live MT -> target word diff,
// one-click candidates, and CAT-tool keys. Every form also works without it (plain POST).
// Text from the server is inserted only as server-rendered, escaped HTML or as textContent.
(function () {
  "use strict";

  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // -- word diff (the server's word_diff, client side): LCS over whitespace-separated tokens --
  function tokens(text) { return (text || "").split(/\s+/).filter(Boolean); }

  function wordDiff(before, after) {
    var a = tokens(before), b = tokens(after), n = a.length, m = b.length, i, j;
    var dp = [];
    for (i = 0; i <= n; i++) { dp.push(new Array(m + 1).fill(0)); }
    for (i = n - 1; i >= 0; i--) {
      for (j = m - 1; j >= 0; j--) {
        dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
      }
    }
    var ops = [];
    function push(kind, word) {
      var last = ops[ops.length - 1];
      if (last && last.kind === kind) { last.words.push(word); } else { ops.push({ kind: kind, words: [word] }); }
    }
    i = 0; j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[i] === b[j]) { push("equal", a[i]); i++; j++; }
      else if (i < n && (j === m || dp[i + 1][j] >= dp[i][j + 1])) { push("delete", a[i]); i++; }
      else { push("insert", b[j]); j++; }
    }
    return ops;
  }

  function renderDiff(box, before, after) {
    box.textContent = "";
    wordDiff(before, after).forEach(function (op) {
      var node = op.kind === "equal" ? document.createTextNode(op.words.join(" "))
        : document.createElement(op.kind === "delete" ? "del" : "ins");
      if (op.kind !== "equal") { node.textContent = op.words.join(" "); }
      box.appendChild(node);
      box.appendChild(document.createTextNode(" "));
    });
  }

  // -- rows (a form's .action is shadowed by its buttons named "action": read the attribute) --
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("section.seg[data-id]")); }
  function rowOf(el) { return el && el.closest ? el.closest("section.seg[data-id]") : null; }
  function currentRow() { return rowOf(document.activeElement) || document.querySelector("section.seg.current"); }

  function focusRow(row) {
    if (!row) { return; }
    var area = row.querySelector("textarea");
    if (area) { area.focus({ preventScroll: true }); }
    row.scrollIntoView({ block: "center" });
    markCurrent(row);
  }

  function markCurrent(row) {
    rows().forEach(function (r) { r.classList.toggle("current", r === row); });
  }

  function message(row, text, kind) {
    var box = row.querySelector(".message");
    if (!box) { return; }
    box.className = "message" + (kind ? " " + kind : "");
    box.textContent = text || "";
  }

  function bindRow(row) {
    var form = row.querySelector("form.edit");
    var area = row.querySelector("textarea");
    var saved = area ? area.value : "";
    if (!form || !area) { return; }
    autosize(area);
    area.addEventListener("input", function () {
      autosize(area);
      var dirty = area.value !== saved;
      row.classList.toggle("dirty", dirty);
      var approve = row.querySelector('button[value="approve"]');
      if (approve) { approve.disabled = dirty; }
      renderDiff(row.querySelector(".diff"), row.dataset.mt || "", area.value);
    });
    area.addEventListener("focus", function () { markCurrent(row); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var action = event.submitter && event.submitter.value ? event.submitter.value : "save";
      send(row, action, false);
    });
    row.querySelectorAll("button.insert").forEach(function (button) {
      button.addEventListener("click", function () { insert(row, button); });
    });
  }

  function autosize(area) {  // the whole text in view, no inner scrolling (CSSOM: allowed by the CSP)
    area.style.height = "auto";
    area.style.height = (area.scrollHeight + 2) + "px";
  }

  function insert(row, button) {
    var area = row.querySelector("textarea");
    area.value = button.dataset.text || "";
    area.dispatchEvent(new Event("input"));
    area.focus();
  }

  function updateProgress(progress) {
    if (!progress) { return; }
    Object.keys(progress).forEach(function (key) {
      var el = document.querySelector('#progress [data-count="' + key + '"]');
      if (el) { el.textContent = progress[key]; }
    });
  }

  function replaceRow(row, html) {
    var holder = document.createElement("template");
    holder.innerHTML = html.trim();
    var fresh = holder.content.firstElementChild;
    row.replaceWith(fresh);
    bindRow(fresh);
    return fresh;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json", "X-CSRFToken": csrf }
    }).then(function (response) {
      return response.json().catch(function () { return { ok: false, error: "Unexpected answer (" + response.status + ")." }; })
        .then(function (data) { data.status = response.status; return data; });
    });
  }

  function send(row, action, moveNext) {
    var form = row.querySelector("form.edit");
    var body = new FormData(form);
    body.set("action", action);
    message(row, "Saving…", "");
    return post(form.getAttribute("action"), body).then(function (data) {
      if (data.ok) {
        var fresh = replaceRow(row, data.html);
        updateProgress(data.progress);
        message(fresh, data.warning ? "Saved. " + data.warning : "Saved.", data.warning ? "error" : "ok");
        if (moveNext) {
          var list = rows(), at = list.indexOf(fresh);
          focusRow(list[at + 1] || fresh);
        } else {
          focusRow(fresh);
        }
        return;
      }
      message(row, data.error || "Refused.", "error");
      if (data.status === 409 && data.conflict_html) { showConflict(row, data.conflict_html); }
    }).catch(function () {
      message(row, "The server cannot be reached; your text is still here. Try again.", "error");
    });
  }

  function showConflict(row, html) {
    var box = row.querySelector(".message");
    var holder = document.createElement("template");
    holder.innerHTML = html.trim();
    var panel = holder.content.firstElementChild;
    box.appendChild(panel);
    panel.querySelector(".take-theirs").addEventListener("click", function () {
      var form = row.querySelector("form.edit");
      fetch(form.getAttribute("action"), { credentials: "same-origin", headers: { "X-Requested-With": "fetch", "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) { if (data.ok) { focusRow(replaceRow(row, data.html)); updateProgress(data.progress); } });
    });
    panel.querySelector(".keep-mine").addEventListener("click", function () {
      row.querySelector('input[name="version"]').value = panel.dataset.theirVersion;
      send(row, panel.dataset.action || "save", false);
    });
  }

  function nextRisky() {
    var list = rows().filter(function (r) { return parseFloat(r.dataset.risk || "0") > 0 && r.dataset.state !== "final"; });
    list.sort(function (a, b) { return parseFloat(b.dataset.risk) - parseFloat(a.dataset.risk); });
    if (!list.length) { return; }
    var at = list.indexOf(currentRow());
    focusRow(list[(at + 1) % list.length]);
  }

  document.addEventListener("keydown", function (event) {
    var row = currentRow();
    var key = event.key;
    if (event.altKey && (key === "ArrowDown" || key === "ArrowUp")) {
      event.preventDefault();
      var list = rows(), at = list.indexOf(row);
      focusRow(list[key === "ArrowDown" ? Math.min(at + 1, list.length - 1) : Math.max(at - 1, 0)]);
    } else if (event.altKey && (key === "r" || key === "R")) {
      event.preventDefault();
      nextRisky();
    } else if (row && (event.ctrlKey || event.metaKey) && key === "Enter") {
      event.preventDefault();
      send(row, event.shiftKey ? "approve" : "review", !event.shiftKey);
    } else if (row && (event.ctrlKey || event.metaKey) && (key === "s" || key === "S")) {
      event.preventDefault();
      send(row, "save", false);
    } else if (row && event.altKey && /^[0-9]$/.test(key)) {
      var buttons = row.querySelectorAll("button.insert");
      var index = row.dataset.mt ? parseInt(key, 10) : parseInt(key, 10) - 1;
      if (buttons[index]) { event.preventDefault(); insert(row, buttons[index]); }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    rows().forEach(bindRow);
    var risky = document.getElementById("next-risky");
    if (risky) { risky.addEventListener("click", nextRisky); }
    var approveAll = document.getElementById("approve-all");
    if (approveAll) {
      // The versions the page holds now (rows saved since the page loaded have new ones).
      approveAll.addEventListener("submit", function () {
        approveAll.querySelectorAll('input[name="seg"]').forEach(function (el) { el.remove(); });
        rows().forEach(function (r) {
          if (r.dataset.state === "reviewed" && !r.classList.contains("dirty")) {
            var input = document.createElement("input");
            input.type = "hidden"; input.name = "seg"; input.value = r.dataset.id + ":" + r.dataset.version;
            approveAll.appendChild(input);
          }
        });
      });
    }
    var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    if (target && target.matches("section.seg[data-id]")) { focusRow(target); }
  });

  window.translateReview = { wordDiff: wordDiff };
})();
