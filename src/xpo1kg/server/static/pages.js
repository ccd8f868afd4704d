// Small enhancements; every page also works without JavaScript.
"use strict";

// Query editor: choosing an example puts its text in the editor at once.
(function () {
  var picker = document.getElementById("example");
  var editor = document.getElementById("query");
  var data = document.getElementById("example-queries");
  if (!picker || !editor || !data) return;
  var texts = JSON.parse(data.textContent);
  picker.addEventListener("change", function () {
    if (texts[picker.value] !== undefined) editor.value = texts[picker.value];
  });
  // Ctrl/Cmd+Enter runs the query.
  editor.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      document.getElementById("run").click();
    }
  });
})();
