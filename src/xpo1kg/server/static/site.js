// On every page: completion for the header's search box, and sorting of browse tables in place.
// Both only enhance: without JavaScript the search form submits to /search and the column
// headings are links that sort on the server.
"use strict";

(function () {
  var input = document.getElementById("site-search");
  var list = document.getElementById("site-search-list");
  if (!input || !list) return;
  var timer = null;
  var active = -1;
  var asked = "";

  function items() { return list.querySelectorAll("li a"); }

  function close() {
    list.hidden = true;
    list.textContent = "";
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function mark(index) {
    var links = items();
    if (!links.length) return;
    active = (index + links.length) % links.length;
    links.forEach(function (link, i) {
      link.parentNode.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    input.setAttribute("aria-activedescendant", links[active].parentNode.id);
  }

  function show(found) {
    list.textContent = "";
    active = -1;
    found.forEach(function (hit, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = "site-search-option-" + i;
      var link = document.createElement("a");
      link.href = hit.url;
      var name = document.createElement("span");
      name.className = "name";
      name.textContent = hit.label;
      var kind = document.createElement("span");
      kind.className = "type";
      kind.textContent = hit.type + (hit.matched !== hit.label ? " · " + hit.matched : "");
      link.appendChild(name);
      link.appendChild(kind);
      li.appendChild(link);
      list.appendChild(li);
    });
    list.hidden = found.length === 0;
    input.setAttribute("aria-expanded", found.length ? "true" : "false");
  }

  function ask() {
    var text = input.value.trim();
    if (!text) { close(); return; }
    asked = text;
    fetch("/search/complete?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
      .then(function (answer) { return answer.ok ? answer.json() : []; })
      .then(function (found) { if (asked === text) show(found); })
      .catch(function () { close(); });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 120);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { event.preventDefault(); mark(active + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); mark(active - 1); }
    else if (event.key === "Escape") { close(); }
    else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = items()[active].href;
    }
  });
  document.addEventListener("click", function (event) {
    if (!list.contains(event.target) && event.target !== input) close();
  });
})();

// Browse tables: a click on a column heading sorts the rows here (the link would sort on the
// server); a second click reverses the order. The URL is updated so the order can be shared.
(function () {
  var table = document.querySelector("table.sortable");
  if (!table) return;
  var headings = table.querySelectorAll("thead th");
  headings.forEach(function (th, column) {
    var link = th.querySelector("a.sort");
    if (!link) return;
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var descending = th.getAttribute("aria-sort") === "ascending";
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[column].getAttribute("data-sort");
        var y = b.cells[column].getAttribute("data-sort");
        return (x < y ? -1 : x > y ? 1 : 0) * (descending ? -1 : 1);
      });
      rows.forEach(function (row) { body.appendChild(row); });
      headings.forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      var order = (descending ? "-" : "") + th.getAttribute("data-key");
      var url = new URL(window.location.href);
      url.searchParams.set("sort", order);
      window.history.replaceState(null, "", url.toString());
      // The filter form keeps the order when it is submitted next.
      var form = document.querySelector("form.filters");
      if (form) {
        var kept = form.querySelector('input[name="sort"]');
        if (!kept) {
          kept = document.createElement("input");
          kept.type = "hidden";
          kept.name = "sort";
          form.appendChild(kept);
        }
        kept.value = order;
      }
    });
  });
})();
