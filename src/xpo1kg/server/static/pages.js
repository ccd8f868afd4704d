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

// Downloads: /sparql chooses the format from the Accept header, which a plain link cannot set.
(function () {
  var links = document.querySelectorAll("a.download[data-accept]");
  Array.prototype.forEach.call(links, function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      fetch(link.href, { headers: { Accept: link.dataset.accept } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.blob();
        })
        .then(function (blob) {
          var url = URL.createObjectURL(blob);
          var save = document.createElement("a");
          save.href = url;
          save.download = link.getAttribute("download") || "results";
          document.body.appendChild(save);
          save.click();
          save.remove();
          setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
        })
        .catch(function (error) {
          link.title = "Download failed: " + error.message;
        });
    });
  });
})();
