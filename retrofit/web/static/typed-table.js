// retrofit serve: the editable table (templates/typed.html). Plain JS, no framework, no build
// step, no inline script (the page's Content-Security-Policy forbids it), no request outside
// this server. Every text put into the page goes through textContent or a property, never
// innerHTML: a typed "<script>" stays text.
//
// Rows are checked as they are typed: after a pause, POST /api/validate with the rows (header
// → cell text) and the options of the upload form, the CSRF token in the X-CSRF-Token header.
// The server answers with the problems of retrofit.validate_records, numbered by table row
// (the first row is 1), each naming the header typed; a problem is shown on its cell, one
// without a cell (a column the rows need, the table as a whole) in the list below. "Estimate"
// sends the rows through the upload form as a CSV file: the same flow as an uploaded file.
"use strict";

(function () {
  var PAUSE_MS = 400;

  function TypedTable(section) {
    this.section = section;
    this.table = section.querySelector("#typed-table");
    this.head = this.table.tHead.rows[0];
    this.body = this.table.tBodies[0];
    this.form = document.getElementById("upload");
    this.status = document.getElementById("typed-status");
    this.list = document.getElementById("typed-problems");
    this.maxRows = parseInt(section.getAttribute("data-max-rows"), 10) || 30;
    this.timer = null;
    this.sent = 0; // number of the last check sent: an older answer arriving late is dropped
    this.valid = false;
    this.checked = ""; // the rows and options of the last answer, as JSON
  }

  TypedTable.prototype.say = function (key, n) {
    var text = this.section.getAttribute("data-" + key) || "";
    return n === undefined ? text : text.replace("{n}", String(n)).replace("{why}", String(n));
  };

  TypedTable.prototype.headers = function () {
    var out = [];
    for (var i = 1; i < this.head.cells.length; i++) {
      out.push(this.head.cells[i].getAttribute("data-header"));
    }
    return out;
  };

  TypedTable.prototype.addCell = function (tr, th) {
    var td = document.createElement("td");
    var input = document.createElement("input");
    input.type = "text";
    input.autocomplete = "off";
    input.setAttribute("data-header", th.getAttribute("data-header"));
    input.setAttribute("aria-label", tr.getAttribute("data-row") + " · " + th.getAttribute("data-header"));
    var list = th.getAttribute("data-list");
    if (list) { input.setAttribute("list", list); }
    td.appendChild(input);
    tr.appendChild(td);
  };

  TypedTable.prototype.addRow = function () {
    if (this.body.rows.length >= this.maxRows) {
      this.show(this.say("full"), "bad");
      return;
    }
    var number = this.body.rows.length + 1;
    var tr = document.createElement("tr");
    tr.setAttribute("data-row", String(number));
    var th = document.createElement("td");
    th.className = "rownum";
    th.textContent = String(number);
    tr.appendChild(th);
    for (var i = 1; i < this.head.cells.length; i++) { this.addCell(tr, this.head.cells[i]); }
    this.body.appendChild(tr);
  };

  TypedTable.prototype.addColumn = function (option) {
    var th = document.createElement("th");
    th.setAttribute("data-header", option.value);
    th.setAttribute("data-list", option.getAttribute("data-list") || "");
    th.title = option.title;
    th.textContent = option.value;
    this.head.appendChild(th);
    for (var r = 0; r < this.body.rows.length; r++) { this.addCell(this.body.rows[r], th); }
    option.remove();
    this.schedule();
  };

  TypedTable.prototype.rows = function () {
    // every row, header → text; blank rows at the end are left out (as the server does)
    var headers = this.headers();
    var rows = [];
    for (var r = 0; r < this.body.rows.length; r++) {
      var inputs = this.body.rows[r].querySelectorAll("input");
      var row = {};
      for (var c = 0; c < inputs.length; c++) { row[headers[c]] = inputs[c].value; }
      rows.push(row);
    }
    while (rows.length && Object.keys(rows[rows.length - 1]).every(function (h) {
      return !rows[rows.length - 1][h].trim();
    })) { rows.pop(); }
    return rows;
  };

  TypedTable.prototype.options = function () {
    var form = this.form;
    var policy = [];
    form.querySelectorAll("input[name=policy]:checked").forEach(function (box) { policy.push(box.value); });
    return {
      region: form.elements.region.value,
      year: form.elements.year.value,
      plant_energy_basis: form.elements.plant_energy_basis.value,
      policy: policy,
      lang: this.section.getAttribute("data-lang"),
    };
  };

  TypedTable.prototype.schedule = function () {
    this.valid = false;
    clearTimeout(this.timer);
    this.timer = setTimeout(this.check.bind(this), PAUSE_MS);
  };

  TypedTable.prototype.check = function () {
    var rows = this.rows();
    var payload = this.options();
    payload.rows = rows;
    var body = JSON.stringify(payload);
    if (!rows.length) {
      this.mark([]);
      this.show("", "");
      return;
    }
    var number = ++this.sent;
    var self = this;
    this.show(this.say("checking"), "");
    fetch("/api/validate", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": this.form.elements.csrf_token.value },
      body: body,
    })
      .then(function (response) {
        return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
      })
      .then(function (reply) {
        if (number !== self.sent) { return; } // a newer check is on its way
        if (!reply.ok) {
          self.mark([]);
          self.show(self.say("failed", reply.answer.error || ""), "bad");
          return;
        }
        self.checked = body;
        self.valid = reply.answer.valid;
        self.mark(reply.answer.problems);
        if (reply.answer.valid) {
          self.show(self.say("valid"), "ok");
        } else {
          self.show(self.say("problems", reply.answer.total), "bad");
        }
        self.section.setAttribute("data-checked", String(number));
      })
      .catch(function (error) {
        if (number === self.sent) { self.show(self.say("failed", error.message), "bad"); }
      });
  };

  TypedTable.prototype.cell = function (row, header) {
    var tr = this.body.rows[row - 1];
    if (!tr || !header) { return null; }
    var inputs = tr.querySelectorAll("input");
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].getAttribute("data-header") === header) { return inputs[i]; }
    }
    return null;
  };

  TypedTable.prototype.mark = function (problems) {
    this.body.querySelectorAll("td.bad").forEach(function (td) {
      td.classList.remove("bad");
      td.querySelector("input").removeAttribute("aria-invalid");
      td.querySelector("input").removeAttribute("title");
      var note = td.querySelector(".cell-problem");
      if (note) { note.remove(); }
    });
    this.list.textContent = "";
    var rowWord = this.section.getAttribute("data-row-word");
    for (var i = 0; i < problems.length; i++) {
      var p = problems[i];
      var row = /^\d+$/.test(p.row) ? parseInt(p.row, 10) : 0;
      var input = row ? this.cell(row, p.header) : null;
      var item = document.createElement("li");
      var where = row ? rowWord + " " + row + " · " + (p.header || p.column) : p.row + " · " + p.column;
      item.textContent = where + (p.value ? " “" + p.value + "”" : "") + ": " + p.message + " — " + p.suggestion;
      this.list.appendChild(item);
      if (!input) { continue; }
      var td = input.parentNode;
      td.classList.add("bad");
      input.setAttribute("aria-invalid", "true");
      input.title = p.message + " — " + p.suggestion;
      if (!td.querySelector(".cell-problem")) {
        var note = document.createElement("div");
        note.className = "cell-problem";
        note.textContent = p.suggestion;
        td.appendChild(note);
      }
    }
  };

  TypedTable.prototype.show = function (text, kind) {
    this.status.textContent = text;
    this.status.className = "typed-status" + (kind ? " " + kind : "");
  };

  TypedTable.prototype.csv = function (rows) {
    var headers = this.headers();
    function quoted(text) { return '"' + String(text).replace(/"/g, '""') + '"'; }
    var lines = [headers.map(quoted).join(",")];
    rows.forEach(function (row) {
      lines.push(headers.map(function (h) { return quoted(row[h] || ""); }).join(","));
    });
    return "\ufeff" + lines.join("\r\n") + "\r\n"; // UTF-8 with a BOM, as Excel saves CSV UTF-8
  };

  TypedTable.prototype.estimate = function () {
    var rows = this.rows();
    if (!rows.length) { this.show(this.say("empty"), "bad"); return; }
    var payload = this.options();
    payload.rows = rows;
    if (!this.valid || JSON.stringify(payload) !== this.checked) {
      // not checked as it stands (a pause not over, options changed): check, then ask again
      this.show(this.say("fix-first"), "bad");
      this.schedule();
      return;
    }
    var file = new File([this.csv(rows)], this.section.getAttribute("data-file-name"), { type: "text/csv" });
    var transfer = new DataTransfer();
    transfer.items.add(file);
    this.form.elements.inventory.files = transfer.files;
    this.form.requestSubmit(document.getElementById("submit"));
  };

  TypedTable.prototype.start = function () {
    var first = parseInt(this.section.getAttribute("data-first-rows"), 10) || 5;
    for (var i = 0; i < first; i++) { this.addRow(); }
    var self = this;
    this.body.addEventListener("input", function () { self.schedule(); });
    this.form.addEventListener("change", function (event) {
      if (event.target.name !== "inventory") { self.schedule(); }
    });
    document.getElementById("typed-add-row").addEventListener("click", function () {
      self.addRow();
    });
    document.getElementById("typed-add-column").addEventListener("change", function (event) {
      var select = event.target;
      var option = select.options[select.selectedIndex];
      if (option && option.value) { self.addColumn(option); }
      select.selectedIndex = 0;
    });
    document.getElementById("typed-estimate").addEventListener("click", function () {
      self.estimate();
    });
    this.section.setAttribute("data-ready", "true");
  };

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.getElementById("step-typed");
    if (section && document.getElementById("upload")) { new TypedTable(section).start(); }
  });
})();
