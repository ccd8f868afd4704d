// The query editor: YASGUI (static/vendor/yasgui) on this server's /sparql, with completion of
// the known prefixes and of the graph's own xo:/xr: terms (from /api/terms), the competency
// questions as examples that open in new tabs, and download links for the open tab's query.
// Nothing is fetched from another site: YASGUI's prefix.cc and LOV look-ups are not used.
// Without JavaScript (or if this script fails) the plain form below stays in place.
"use strict";

(function () {
  var root = document.getElementById("rich-editor");
  var mount = document.getElementById("yasgui");
  if (!root || !mount || typeof Yasgui === "undefined") return;
  var endpoint = new URL(root.getAttribute("data-endpoint"), window.location.href).href;
  var examples = JSON.parse(document.getElementById("example-queries").textContent);
  var displayPrefixes = JSON.parse(document.getElementById("display-prefixes").textContent);
  var Yasqe = Yasgui.Yasqe;

  // The graph's terms and prefixes, fetched once from this server.
  var vocabulary = null;
  function loadVocabulary() {
    if (!vocabulary) {
      vocabulary = fetch(root.getAttribute("data-terms"), { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("terms: " + response.status);
          return response.json();
        });
    }
    return vocabulary;
  }
  var labels = {};

  // Prefixes: the server's own list instead of YASGUI's bundled prefix.cc copy.
  Yasqe.forkAutocompleter("prefixes", {
    name: "xpo1kg-prefixes",
    persistenceId: null,
    get: function () {
      return loadVocabulary().then(function (data) {
        return Object.keys(data.prefixes).sort().map(function (prefix) {
          return prefix + ": <" + data.prefixes[prefix] + ">";
        });
      });
    }
  }, false);

  // The graph's terms, as CURIEs (xo:exportedBy, xr:selinexor), shown with their labels.
  Yasqe.registerAutocompleter({
    name: "xpo1kg-terms",
    bulk: true,
    autoShow: true,
    persistenceId: null,
    get: function () {
      return loadVocabulary().then(function (data) {
        data.terms.forEach(function (term) { labels[term.curie] = term.label; });
        return data.terms.map(function (term) { return term.curie; });
      });
    },
    isValidCompletionPosition: function (yasqe) {
      var token = yasqe.getCompleteToken();
      var text = token.string;
      if (!text || /^[?$<"']/.test(text) || !/^(xo|xr):/.test(text)) return false;
      var previous = yasqe.getPreviousNonWsToken(yasqe.getDoc().getCursor().line, token);
      return !(previous && previous.string && previous.string.toUpperCase() === "PREFIX");
    },
    preProcessToken: function (yasqe, token) {
      token.autocompletionString = token.string;
      return token;
    },
    postprocessHints: function (yasqe, hints) {
      return hints.map(function (hint) {
        var label = labels[hint.text];
        if (label) {
          hint.render = function (element) {
            element.appendChild(document.createTextNode(hint.text));
            var span = document.createElement("span");
            span.className = "term-label";
            span.textContent = label;
            element.appendChild(span);
          };
        }
        return hint;
      });
    }
  }, false);

  // Results: IRIs of this graph link to their pages on this server (/resource/…, /ontology/…),
  // and typed XSD literals show their value alone (100, not "100"^^xsd:decimal).
  var Table = Yasgui.Yasr.plugins.table;
  if (Table) {
    Table.defaults.openIriInNewWindow = false;
    var link = Table.prototype.getUriLinkFromBinding;
    Table.prototype.getUriLinkFromBinding = function (binding, prefixes) {
      var html = link.call(this, binding, prefixes);
      if (binding.value.indexOf("https://w3id.org/xpo1kg/") !== 0) return html;
      return html.replace(/href=(["'])https:\/\/w3id\.org\/xpo1kg\//, "href=$1/")
        .replace(/ target=(["'])_blank\1/, "").replace(/ rel=(["'])noopener noreferrer\1/, "");
    };
    var literal = Table.prototype.formatLiteral;
    Table.prototype.formatLiteral = function (binding, prefixes) {
      if (binding.datatype && binding.datatype.indexOf("http://www.w3.org/2001/XMLSchema#") === 0) {
        return literal.call(this, { type: binding.type, value: binding.value }, prefixes);
      }
      return literal.call(this, binding, prefixes);
    };
  }

  function forceEndpoint(config) {
    config.requestConfig = config.requestConfig || {};
    config.requestConfig.endpoint = endpoint;
    return config;
  }

  var yasgui = new Yasgui(mount, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    populateFromUrl: forceEndpoint,
    persistenceId: "xpo1kg-editor",
    tabName: "Query",
    autofocus: false,
    yasqe: {
      autocompleters: ["xpo1kg-prefixes", "variables", "xpo1kg-terms"],
      prefixCcApi: null,
      value: "SELECT ?protein ?label WHERE {\n  ?protein xo:exportedBy xr:XPO1 ;\n           rdfs:label ?label .\n}\nORDER BY ?label\n"
    },
    yasr: { prefixes: displayPrefixes }  // with the query's own PREFIX lines
  });
  document.documentElement.classList.add("editor-ready");

  // One endpoint: whatever a shared link or a stored tab says, queries go to this server.
  function ownEndpoint(tab) {
    if (tab && tab.getEndpoint && tab.getEndpoint() !== endpoint) tab.setEndpoint(endpoint);
  }
  Object.keys(yasgui._tabs).forEach(function (id) { ownEndpoint(yasgui.getTab(id)); });
  yasgui.on("tabAdd", function (instance, id) { ownEndpoint(instance.getTab(id)); });
  yasgui.on("queryBefore", function (instance, tab) { ownEndpoint(tab); });

  // Download links for the open tab's query, through /sparql (format=csv, tsv, json, csv-excel).
  var links = document.querySelectorAll("#editor-downloads a[data-format]");
  function updateDownloads() {
    var tab = yasgui.getTab();
    var text = tab && tab.getQuery ? tab.getQuery() : "";
    links.forEach(function (link) {
      var params = new URLSearchParams({ query: text, format: link.getAttribute("data-format") });
      link.href = "/sparql?" + params.toString();
    });
  }
  yasgui.on("tabChange", updateDownloads);
  yasgui.on("tabSelect", function () { window.setTimeout(updateDownloads, 0); });
  yasgui.on("query", updateDownloads);
  mount.addEventListener("keyup", updateDownloads);
  updateDownloads();

  // Examples open in a tab of their own: the query being written is never replaced.
  function openExample(name) {
    var example = examples[name];
    if (!example) return;
    yasgui.addTab(true, { name: example.title, yasqe: { value: example.sparql } });
    ownEndpoint(yasgui.getTab());
    updateDownloads();
  }
  root.querySelectorAll("button[data-example]").forEach(function (button) {
    button.addEventListener("click", function () { openExample(button.getAttribute("data-example")); });
  });

  // A link to /query?example=NAME opens that example; a shared ?query=... link runs its query.
  var params = new URLSearchParams(window.location.search);
  if (params.get("example") && !params.get("query")) openExample(params.get("example"));
  if (params.get("query")) {
    var tab = yasgui.getTab();
    if (tab) { ownEndpoint(tab); tab.query(); }
  }
})();
