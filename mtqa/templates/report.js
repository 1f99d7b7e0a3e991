/* Filters, sorting and span details, all in the page: no server, no request. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var pick = function (id) { return document.getElementById(id); };
  var controls = {
    candidate: pick("f-candidate"), category: pick("f-category"), severity: pick("f-severity"),
    status: pick("f-status"), sort: pick("f-sort")
  };
  var documents = Array.prototype.slice.call(document.querySelectorAll("article.document"));

  function errorMatches(row, category, severity) {
    var tokens = row.getAttribute("data-errors");
    if (category === "-") { return tokens === ""; }
    if (!category && !severity) { return true; }
    if (tokens === "") { return false; }
    return tokens.split(" ").some(function (token) {
      var parts = token.split("|");
      return (!category || category === "*" || parts[0] === category) && (!severity || parts[1] === severity);
    });
  }

  function apply() {
    var shown = 0, total = 0;
    documents.forEach(function (doc) {
      var visibleDoc = !controls.candidate.value || doc.getAttribute("data-candidate") === controls.candidate.value;
      doc.hidden = !visibleDoc;
      var rows = doc.querySelectorAll("tr.row"), visible = 0;
      Array.prototype.forEach.call(rows, function (row) {
        var keep = visibleDoc &&
          (!controls.status || !controls.status.value || row.getAttribute("data-status") === controls.status.value) &&
          errorMatches(row, controls.category.value, controls.severity.value);
        row.hidden = !keep;
        if (keep) { visible += 1; }
      });
      doc.querySelector("tr.empty").hidden = visible > 0;
      doc.querySelector(".visible-count").textContent = visible + " of " + rows.length + " rows shown · ";
      if (visibleDoc) { shown += visible; total += rows.length; }
    });
    pick("f-count").textContent = shown + " of " + total + " rows shown";
  }

  function sortKey(row) {
    var score = row.getAttribute("data-score");
    return score === "" ? Infinity : parseFloat(score);
  }

  function sort() {
    var byScore = controls.sort.value === "score";
    documents.forEach(function (doc) {
      var body = doc.querySelector("tbody");
      var rows = Array.prototype.slice.call(body.querySelectorAll("tr.row"));
      rows.sort(function (a, b) {
        var order = (+a.getAttribute("data-order")) - (+b.getAttribute("data-order"));
        if (!byScore) { return order; }
        var delta = sortKey(a) - sortKey(b);
        return delta === 0 || isNaN(delta) ? order : delta;
      });
      var empty = body.querySelector("tr.empty");
      rows.forEach(function (row) { body.insertBefore(row, empty); });
    });
  }

  function showError(mark) {
    var ids = (mark.getAttribute("data-err") || "").split(" ");
    ids.forEach(function (id, index) {
      var item = document.getElementById(id);
      if (!item) { return; }
      var details = item.closest("details");
      if (details) { details.open = true; }
      item.classList.add("flash");
      window.setTimeout(function () { item.classList.remove("flash"); }, 1600);
      if (index === 0) { item.scrollIntoView({ block: "nearest" }); }
    });
  }

  ["candidate", "category", "severity", "status"].forEach(function (name) {
    if (controls[name]) { controls[name].addEventListener("change", apply); }  // no status without a reference
  });
  controls.sort.addEventListener("change", sort);
  pick("f-reset").addEventListener("click", function () {
    form.reset();
    sort();
    apply();
  });
  pick("f-expand").addEventListener("click", function () {
    var all = document.querySelectorAll("details.errors");
    var open = Array.prototype.some.call(all, function (d) { return !d.open; });
    Array.prototype.forEach.call(all, function (d) { d.open = open; });
    this.textContent = open ? "Close all error details" : "Open all error details";
  });
  document.addEventListener("click", function (event) {
    var mark = event.target.closest && event.target.closest("mark.span");
    if (mark) { showError(mark); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches("mark.span")) { showError(event.target); }
  });
  apply();
}());
