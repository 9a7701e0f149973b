/* Treillis search in the page: the search box of every page and the search page.
 * Loads lunr and the site's search data on demand with <script> tags (works over
 * file://, where fetch() is refused). Every text from the content is inserted as
 * text, never as HTML. */
(function () {
  "use strict";

  var me = document.currentScript;
  var BASE = new URL(".", me.src).href; /* …/assets/search/ */
  var ROOT = new URL("../../", BASE).href; /* the site's root */
  /* lunr and our core; then the schema (data/schema.js, written by the build from
   * treillis/search/schema.py) names the scripts of the site's languages. */
  var LIBRARIES = ["lunr.js", "search-core.js"];
  /* The network's indexes are named "network-<lang>-quick" (treillis/search/index.py). */
  var NETWORK = "network-";
  /* From the schema: a document row's field positions (F.title…) and the facets. */
  var F = null;
  var FACETS = [];
  var UI_LANG = document.documentElement.lang || "fr";
  var DEBOUNCE_MS = 120;
  var scripts = {};
  /* The search page names the scripts its first results need, so that they download at
   * once: deferred, they run after this one, in order, and count as loading here. */
  Array.prototype.forEach.call(document.querySelectorAll("script[src]"), function (element) {
    if (element === me || element.src.indexOf(BASE) !== 0) return;
    scripts[element.src] = new Promise(function (resolve, reject) {
      element.addEventListener("load", function () { resolve(); });
      element.addEventListener("error", function () { reject(new Error("cannot load " + element.src)); });
    });
  });

  function loadScript(url) {
    if (!scripts[url]) {
      scripts[url] = new Promise(function (resolve, reject) {
        var element = document.createElement("script");
        element.src = url;
        element.async = false;
        element.onload = function () { resolve(); };
        element.onerror = function () { reject(new Error("cannot load " + url)); };
        document.head.appendChild(element);
      });
    }
    return scripts[url];
  }

  /* Resolves once what is drawn now is on the screen: after the next frame is painted. */
  function afterPaint() {
    return new Promise(function (resolve) {
      if (!window.requestAnimationFrame || document.hidden) { setTimeout(resolve, 0); return; }
      window.requestAnimationFrame(function () { setTimeout(resolve, 0); });
    });
  }

  function loadInOrder(names) {
    return names.reduce(function (previous, name) {
      return previous.then(function () { return loadScript(BASE + name); });
    }, Promise.resolve());
  }

  var librariesReady = null;
  function loadLibraries() {
    if (!librariesReady) {
      librariesReady = loadInOrder(LIBRARIES.concat(["data/schema.js"])).then(function () {
        var schema = window.TreillisSearch.data.schema;
        F = schema.doc;
        FACETS = schema.facets;
        return loadInOrder(schema.scripts);
      });
    }
    return librariesReady;
  }

  function loadData(name) {
    return loadLibraries().then(function () {
      var search = window.TreillisSearch;
      if (search.data[name]) return search.data[name];
      return new Promise(function (resolve, reject) {
        (search.waiting[name] = search.waiting[name] || []).push(resolve);
        loadScript(BASE + "data/" + name + ".js").catch(reject);
      });
    });
  }

  /* The store, the atlas labels and the quick indexes: what the first results need.
   * A large site's indexes are sharded and its display data in blocks (see
   * treillis/search/shards.py): the labels come later, with the filters. */
  function loadQuick() {
    return loadData("store").then(function (loaded) {
      var store = Object.assign({}, loaded);
      var labels = store.docs ? loadData("labels-" + UI_LANG).then(function (l) { Object.assign(store, l); }) : null;
      var quick = store.languages.map(function (lang) { return lang + "-quick"; });
      return Promise.all(quick.map(loadData).concat([labels]))
        .then(function () { return Promise.all(quick.map(window.TreillisSearch.prepareIndex)); })
        .then(function () { return store; });
    });
  }

  /* The network's indexes of `kind`: after the site's first results, which they cannot
   * change (the network's records are indexed apart, see treillis/search/index.py), and
   * which they would delay. */
  function loadNetwork(store, kind) {
    return Promise.all((store.network || []).map(function (lang) { return loadData(NETWORK + lang + kind); }));
  }

  /* The full indexes (leads and texts), the network's, the atlas index and the excerpts:
   * in the background. */
  function loadFull(store) {
    var names = store.languages.map(function (lang) { return lang + "-full"; });
    (store.network || []).forEach(function (lang) { names.push(NETWORK + lang + "-full"); });
    names.push(UI_LANG + "-atlas");
    if (store.docs) names.push("excerpts");
    else names.push("labels-" + UI_LANG);
    return Promise.all(names.map(loadData)).then(function (loaded) {
      if (!store.docs) Object.assign(store, loaded[loaded.length - 1]);
      return Promise.all(names.map(window.TreillisSearch.prepareIndex));
    });
  }

  /* What a query needs of sharded indexes: their shards holding its terms. Resolves to
   * the kind of index ("-full" or "-quick") those shards belong to: the one to search,
   * even if the full indexes arrive meanwhile. Words are corrected when the index does
   * not know them, which the shards of their terms tell: so the query is prepared again
   * once those are in, and the shards a correction needs follow. */
  function loadShards(store, query) {
    var search = window.TreillisSearch;
    var kind = hasFull(store) ? "-full" : "-quick";
    function round() {
      var names = [];
      var searched = sources(store, kind);
      var known = knownIn(searched, query);
      searched.forEach(function (source, i) {
        var prepared = search.prepareQuery(query, source.lang, search.index(source.name), known[i]);
        names = names.concat(search.shardsFor(source.name, prepared).filter(function (shard) {
          return !search.data[shard];
        }));
      });
      if (!names.length) return phrasesFor(store, query, kind).then(function () { return kind; });
      return Promise.all(names.map(loadData)).then(round);
    }
    return round();
  }

  /* The words' positions in the full indexes, for a query with a phrase in quotes (a large
   * site has none: there a phrase's words are only required). */
  function phrasesFor(store, query, kind) {
    var search = window.TreillisSearch;
    if (kind !== "-full" || !store.docs) return Promise.resolve();
    var searched = sources(store, kind);
    var known = knownIn(searched, query);
    var names = searched.filter(function (source, i) {
      return /-full$/.test(source.name) &&
        search.preparePhrases(query, source.lang, search.index(source.name), known[i]).length;
    }).map(function (source) { return phrasesOf(source.name); });
    return Promise.all(names.map(loadData));
  }

  /* A document's display data: in the store, or in its block on a large site. */
  function docOf(store, number) {
    if (store.docs) return store.docs[number];
    var block = window.TreillisSearch.data["docs-" + Math.floor(number / store.block)];
    return block ? block[number % store.block] : null;
  }

  /* The blocks of display data of these results, on a large site (`kind` "docs"), or
   * of their excerpts ("excerpts": after the first results, which can do without). */
  function loadDocs(store, results, kind) {
    if (store.docs) return Promise.resolve();
    var blocks = {};
    results.forEach(function (result) { blocks[Math.floor(result.doc / store.block)] = true; });
    return Promise.all(Object.keys(blocks).map(function (block) {
      return loadData((kind || "docs") + "-" + block);
    }));
  }

  function hasExcerpts(store, results) {
    var data = window.TreillisSearch.data;
    if (store.docs) return !!data.excerpts;
    return results.every(function (result) {
      return !!data["excerpts-" + Math.floor(result.doc / store.block)];
    });
  }

  /* What the filters need of a document (its type, dossier, year, language, partner,
   * descriptors): in the store, or in the facets file of a large site. */
  function facetDoc(store, number) {
    return store.docs ? store.docs[number] : window.TreillisSearch.data.facets[number];
  }

  function hasFacets(store) {
    return !!(store.docs || window.TreillisSearch.data.facets) && !!store.descriptors;
  }

  /* Where a document's page is, from the site's root. */
  function docPath(store, doc) {
    return store.dossiers[doc[F.dossier]][1].replace(/index\.html$/, "") + doc[F.slug] + "/index.html";
  }

  /* A result's link: the document's page, or a network record's address on its base's site
   * (an external link: no page of this site is made for it). */
  function docLink(store, doc, link) {
    if (doc[F.url]) {
      link.href = doc[F.url];
      link.rel = "noopener external";
    } else {
      link.href = ROOT + docPath(store, doc);
    }
    return link;
  }

  /* The names of the bases holding a network record. */
  function baseNames(store, doc) {
    return doc[F.bases].map(function (b) { return store.bases[b]; }).join(", ");
  }

  function excerpt(store, number) {
    var data = window.TreillisSearch.data;
    if (store.docs) return data.excerpts ? data.excerpts[number] : "";
    var block = data["excerpts-" + Math.floor(number / store.block)];
    return block ? block[number % store.block] : "";
  }

  function hasFull(store) {
    return store.languages.every(function (lang) { return !!window.TreillisSearch.data[lang + "-full"]; });
  }

  /* The indexes a query searches for `kind` ("-quick" or "-full"), as {lang, name,
   * network}: the site's, one per language of its documents, then the network's (indexed
   * apart: their records do not move the site's documents' scores), those loaded: of
   * `kind`, else of the other kind. */
  function sources(store, kind) {
    var data = window.TreillisSearch.data;
    var list = store.languages.map(function (lang) { return { lang: lang, name: lang + kind, network: false }; });
    (store.network || []).forEach(function (lang) {
      var other = kind === "-full" ? "-quick" : "-full";
      var name = data[NETWORK + lang + kind] ? NETWORK + lang + kind : NETWORK + lang + other;
      if (data[name]) list.push({ lang: lang, name: name, network: true });
    });
    return list;
  }

  /* Whether each of `searched` knows a term (search-core.js's knowsAcross): the site's
   * indexes among themselves, as without a network; the network's among all. The same in
   * treillis/search/engine.py (search_languages). */
  function knownIn(searched, query) {
    var search = window.TreillisSearch;
    var pairs = searched.map(function (source) { return [source.lang, source.name]; });
    var own = searched.filter(function (source) { return !source.network; }).length;
    var known = search.knowsAcross(pairs.slice(0, own), query);
    return own < pairs.length ? known.concat(search.knowsAcross(pairs, query).slice(own)) : known;
  }

  /* The words' positions of a full index, for phrases. */
  function phrasesOf(name) { return name.replace(/-full$/, "-phrases"); }

  /* Whether every index is there in full, the network's included. */
  function complete(store, searched) {
    return searched.length === store.languages.length + (store.network || []).length &&
      searched.every(function (source) { return /-full$/.test(source.name); });
  }

  /* Documents found in every language's index of `kind` (its shards loaded), best first
   * (the order of search-core.js's compareResults, across languages), then the network's
   * records found in theirs. */
  function findDocuments(store, query, kind) {
    var search = window.TreillisSearch;
    var found = [];
    var prepared = {}; /* by index name */
    var searched = sources(store, kind);
    var known = knownIn(searched, query);
    searched.forEach(function (source, i) {
      var lang = source.lang, name = source.name;
      var lunrQuery = search.prepareQuery(query, lang, search.index(name), known[i]);
      /* A sharded index: the shards this query needs (loaded by loadShards), together. */
      var index = search.mergedIndex(name, search.shardsFor(name, lunrQuery));
      prepared[name] = { query: lunrQuery, index: index, lang: lang, known: known[i] };
      var phrases = search.preparePhrases(query, lang, search.index(name), known[i]);
      var positions = /-full$/.test(name) ? search.data[phrasesOf(name)] : null;
      search.search(index, lunrQuery, phrases, positions).forEach(function (result) {
        result.doc = parseInt(result.ref, 36);
        result.lang = lang;
        result.index = name;
        result.network = source.network;
        found.push(result);
      });
    });
    /* The network's records after the site's documents: their indexes' scores say nothing
     * of the site's (engine.py's search_languages). */
    found.sort(function (a, b) { return (a.network - b.network) || search.compareResults(a, b); });
    var empty = Object.keys(prepared).every(function (name) { return !prepared[name].query; });
    return { results: found, prepared: prepared, empty: empty, complete: kind === "-full" && complete(store, searched) };
  }

  /* Levenshtein distance with transpositions, as lunr's fuzzy matching counts edits. */
  function distance(a, b) {
    var rows = [];
    for (var i = 0; i <= a.length; i++) {
      rows[i] = [i];
      for (var j = 1; j <= b.length; j++) {
        if (i === 0) { rows[i][j] = j; continue; }
        var cost = a.charAt(i - 1) === b.charAt(j - 1) ? 0 : 1;
        rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) === b.charAt(j - 2) && a.charAt(i - 2) === b.charAt(j - 1)) {
          rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
        }
      }
    }
    return rows[a.length][b.length];
  }

  /* The query as searched, when words the indexes did not know were corrected ("budjet"
   * → "budget"), or null. A corrected word is shown as the first word of the results'
   * titles (or of the atlas's labels) that matched in its place; else the indexed term. */
  function corrected(store, query, found) {
    var search = window.TreillisSearch;
    var changed = false;
    var words = query.split(/\s+/).map(function (word) {
      if (/[~*:^"]/.test(word)) return word;
      var replacement = null;
      Object.keys(found.prepared).some(function (name) {
        var entry = found.prepared[name];
        var single = search.prepareQuery(word, entry.lang, entry.index, entry.known);
        var typo = /^\+?([^~]+)~([0-9])$/.exec(single);
        if (!typo) return false;
        var limit = parseInt(typo[2], 10);
        return found.results.some(function (result) {
          if (result.index !== name) return false;
          var terms = Object.keys(result.matchData.metadata).filter(function (term) {
            return term !== typo[1] && distance(term, typo[1]) <= limit;
          });
          if (!terms.length) return false;
          replacement = surfaceWord(store, entry.index, terms[0], result) || terms[0];
          return true;
        });
      });
      if (!replacement) return word;
      changed = true;
      return replacement;
    });
    return changed ? words.join(" ") : null;
  }

  /* A word of a result's title, or of a descriptor's label, whose term is `term`. */
  function surfaceWord(store, index, term, result) {
    var doc = docOf(store, result.doc);
    if (!doc) return null; /* a large site: its block is not loaded */
    var texts = [doc[F.title]];
    if (store.descriptors) {
      doc[F.descriptors].forEach(function (d) { texts.push(store.descriptors[d][0]); });
    }
    var word = null;
    texts.some(function (text) {
      return text.split(/[\s\-]+/).some(function (candidate) {
        var clean = candidate.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
        if (clean && index.pipeline.runString(clean)[0] === term) { word = clean; return true; }
        return false;
      });
    });
    return word;
  }

  function findDescriptors(query) {
    var search = window.TreillisSearch;
    var index = search.index(UI_LANG + "-atlas");
    if (!index) return [];
    return search.search(index, search.prepareQuery(query, UI_LANG, index)).map(function (r) {
      return parseInt(r.ref, 36);
    });
  }

  /* Closest descriptor labels to the words of a query that found nothing. */
  function suggestions(query) {
    var search = window.TreillisSearch;
    var index = search.index(UI_LANG + "-atlas");
    if (!index) return [];
    var words = query.split(/\s+/).filter(function (w) { return /\w{3,}/.test(w); }).slice(0, 6);
    var seen = {};
    var out = [];
    words.forEach(function (word) {
      var clean = word.replace(/[^\p{L}\p{N}'’-]/gu, "");
      if (!clean) return;
      var fuzzy = clean.length > 5 ? "~2" : "~1";
      search.search(index, search.prepareQuery(clean + fuzzy, UI_LANG, index)).slice(0, 5).forEach(function (r) {
        if (!seen[r.ref]) { seen[r.ref] = true; out.push(parseInt(r.ref, 36)); }
      });
    });
    return out.slice(0, 6);
  }

  /* Stems of the query words, to highlight them in titles and excerpts. */
  function highlighter(prepared, results) {
    var tests = [];
    Object.keys(prepared).forEach(function (lang) {
      var entry = prepared[lang];
      if (!entry.query) return;
      entry.query.split(" ").forEach(function (term) {
        if (term.charAt(0) === "-") return;
        var bare = term.replace(/^[+-]/, "").replace(/^[a-z]:/, "").replace(/[~^]\d+$/, "");
        if (bare.slice(-1) === "*") {
          var prefix = bare.replace(/\*/g, "");
          tests.push(function (stem) { return stem.indexOf(prefix) === 0; });
        } else {
          var stem = entry.index.pipeline.runString(bare)[0];
          if (stem) tests.push(function (candidate) { return candidate === stem; });
        }
      });
    });
    /* Terms matched in place of corrected words ("budjet~1" matched "budget"). */
    var matched = {};
    (results || []).slice(0, 50).forEach(function (result) {
      Object.keys(result.matchData.metadata).forEach(function (term) { matched[term] = true; });
    });
    tests.push(function (stem) { return Object.prototype.hasOwnProperty.call(matched, stem); });
    var pipelines = Object.keys(prepared).map(function (lang) { return prepared[lang].index.pipeline; });
    return function (element, text) {
      text.split(/(\s+)/).forEach(function (part) {
        var matches = /\S/.test(part) && pipelines.some(function (pipeline) {
          var stem = pipeline.runString(part.toLowerCase())[0];
          return stem && tests.some(function (test) { return test(stem); });
        });
        if (matches) {
          var mark = document.createElement("mark");
          mark.textContent = part;
          element.appendChild(mark);
        } else {
          element.appendChild(document.createTextNode(part));
        }
      });
    };
  }

  /* User Timing marks: how long the search took to become ready (see benchmarks/search.py). */
  function mark(name) {
    if (window.performance && performance.mark) performance.mark(name);
  }

  function el(tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  }

  /* ---- The search box of every page ---- */

  function setupBox(form) {
    var input = form.querySelector("input[name=q]");
    var list = form.querySelector("[role=listbox]");
    var strings = JSON.parse(form.getAttribute("data-strings"));
    var store = null;
    var active = -1;
    var timer = null;
    var shown = null;

    function close() {
      list.hidden = true;
      list.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function options() { return list.querySelectorAll("[role=option]"); }

    function highlight(position) {
      var items = options();
      if (!items.length) return;
      active = (position + items.length) % items.length;
      Array.prototype.forEach.call(items, function (item, i) {
        item.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      /* The list scrolls within its own height on a short screen: keep the option in view. */
      items[active].scrollIntoView({ block: "nearest" });
    }

    function show() {
      var query = input.value.trim();
      if (!query || !store) { close(); shown = null; return; }
      /* The same query already listed (say, the index finished loading meanwhile):
       * keep the list, and the option the reader moved to. */
      if (query === shown && !list.hidden) return;
      /* On a large site the shards and blocks it needs come first. */
      loadShards(store, query).then(function (kind) {
        var found = findDocuments(store, query, kind);
        return loadDocs(store, found.results.slice(0, 8)).then(function () { return found; });
      }).then(function (found) {
        if (input.value.trim() === query) fill(query, found);
      }).catch(function () { /* data missing: the form still opens the search page */ });
    }

    function fill(query, found) {
      if (query === shown && !list.hidden) return;
      shown = query;
      list.textContent = "";
      if (found.empty && query.indexOf("*") !== -1) {
        list.appendChild(el("li", "search-box__note", strings.bare_wildcard));
      } else if (!found.results.length) {
        list.appendChild(el("li", "search-box__note", strings.no_results));
      }
      found.results.slice(0, 8).forEach(function (result, i) {
        var doc = docOf(store, result.doc);
        var item = el("li", "search-box__option");
        item.id = "search-option-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        var link = docLink(store, doc, el("a", "", doc[F.title]));
        link.setAttribute("lang", doc[F.lang]);
        link.tabIndex = -1;
        item.appendChild(link);
        var kind = doc[F.type] >= 0 ? strings.types[doc[F.type]] : baseNames(store, doc);
        item.appendChild(el("span", "search-box__type", kind));
        list.appendChild(item);
      });
      var all = el("li", "search-box__all");
      var more = el("a", "", strings.all_results);
      more.href = form.action + "?q=" + encodeURIComponent(query);
      all.appendChild(more);
      list.appendChild(all);
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    /* Type-ahead needs only the quick indexes: the full text (megabytes on a large
     * site) is loaded by the search page, not by every page's box. */
    function start() {
      loadQuick().then(function (loaded) {
        store = loaded;
        show();
        /* The network's records next: listed once there, unless the reader has already
         * moved to an option. */
        return loadNetwork(store, "-quick").then(function () {
          if (active < 0) { shown = null; show(); }
        });
      }).catch(function () { /* the form still submits to the search page */ });
    }

    input.addEventListener("focus", start, { once: true });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(show, DEBOUNCE_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); if (list.hidden) show(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Escape") { close(); shown = null; }
      else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.href = options()[active].querySelector("a").href;
      }
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) close();
    });
  }

  /* ---- The search page ---- */

  function facetValues(store, doc) {
    var families = {};
    var descriptors = doc[F.descriptors];
    descriptors.forEach(function (d) { var f = store.descriptors[d][1]; if (f >= 0) families[f] = true; });
    return {
      base: doc[F.bases].map(String),
      type: doc[F.type] >= 0 ? [String(doc[F.type])] : [],
      dossier: doc[F.dossier] >= 0 ? [String(doc[F.dossier])] : [],
      family: Object.keys(families),
      descriptor: descriptors.map(String),
      partner: doc[F.partner] >= 0 ? [String(doc[F.partner])] : [],
      lang: [doc[F.lang]],
      year: doc[F.date] ? [doc[F.date].slice(0, 4)] : []
    };
  }

  /* A value from the address that this site does not have (an old or edited link). */
  function knownValue(store, facet, value) {
    var lists = { type: store.types, dossier: store.dossiers, family: store.families,
                  descriptor: store.descriptors, partner: store.partners, base: store.bases };
    if (facet === "lang") return store.languages.concat(store.network || []).indexOf(value) !== -1;
    if (facet === "year") return true;
    if (!lists[facet]) return true; /* a large site's labels come later: checked then */
    return /^[0-9]+$/.test(value) && +value < lists[facet].length;
  }

  function facetLabel(store, strings, facet, value) {
    if (facet === "base") return store.bases[+value];
    if (facet === "type") return strings.types[+value];
    if (facet === "dossier") return store.dossiers[+value][0];
    if (facet === "family") return store.families[+value][0];
    if (facet === "descriptor") return store.descriptors[+value][0];
    if (facet === "partner") return store.partners[+value];
    if (facet === "lang") return strings.languages[value] || value;
    return value;
  }

  function setupPage(page) {
    var strings = JSON.parse(document.getElementById("search-strings").textContent);
    var form = page.querySelector("form");
    var input = page.querySelector("#search-query");
    var status = page.querySelector("#search-status");
    var correctedLine = page.querySelector("#search-corrected");
    var resultsBox = page.querySelector("#search-results");
    var facetsBox = page.querySelector("#search-facets");
    var atlasBox = page.querySelector("#search-atlas");
    var permalink = page.querySelector("#search-permalink");
    var filters = page.querySelector("#search-filters");
    var filtersCount = page.querySelector("#search-filters-count");
    /* The filters' panel starts open beside the results on a wide screen; on a phone it
     * stays closed so that the results come first. */
    if (filters && !window.matchMedia("(max-width: 48rem)").matches) filters.open = true;
    var params = new URLSearchParams(window.location.search);
    var selected = {}; /* by facet, once the schema has come */
    /* Descriptors (numbers), each with its narrower ones: a document passes if it is
     * indexed with one of them (a descriptor's list including narrower ones links here). */
    var within = params.getAll("within");
    var withinSet = null; /* those descriptors and all below them, once the labels are in */
    input.value = params.get("q") || "";
    var store = null;
    var timer = null;

    function updateAddress() {
      var next = new URLSearchParams();
      if (input.value.trim()) next.set("q", input.value.trim());
      FACETS.forEach(function (facet) {
        selected[facet].forEach(function (value) { next.append(facet, value); });
      });
      within.forEach(function (value) { next.append("within", value); });
      var address = window.location.pathname + (next.toString() ? "?" + next.toString() : "");
      try { window.history.replaceState(null, "", address); } catch (error) { /* file:// may refuse */ }
      permalink.href = address;
      permalink.hidden = !next.toString();
      /* A closed panel still says how many filters are checked. */
      var checked = FACETS.reduce(function (n, facet) { return n + selected[facet].length; }, within.length);
      if (filtersCount) filtersCount.textContent = checked ? "(" + checked + ")" : "";
    }

    /* Results shown at once on a large site; "more" adds as many again. */
    var SHOWN = 20;
    var limit = SHOWN;
    var generation = 0;

    function render() {
      updateAddress();
      var query = input.value.trim();
      var mine = ++generation;
      if (!store) return Promise.resolve(); /* drawn once loaded, address included */
      var filtered = within.length || FACETS.some(function (facet) { return selected[facet].length; });
      if (!query && !filtered) {
        resultsBox.textContent = facetsBox.textContent = atlasBox.textContent = "";
        showCorrected(null);
        if (store) showStatus("");
        return Promise.resolve();
      }
      /* On a large site: the shards of the query, the filters' data if filters are
       * checked, then the display data of the results shown. Without a query, the
       * filters choose among all the documents, newest first. */
      var kind;
      return (query ? loadShards(store, query) : Promise.resolve(null)).then(function (loaded) {
        kind = loaded;
        return filtered && !hasFacets(store) ? loadFacets() : null;
      }).then(function () {
        var found = query ? findDocuments(store, query, kind) : everyDocument();
        found.matching = found.results.filter(function (result) { return passes(result, null); });
        return loadDocs(store, shownResults(found.matching)).then(function () { return found; });
      }).then(function (found) {
        if (mine !== generation) return;
        draw(query, found);
        /* The excerpts of the results shown follow at once, before the full indexes (the
         * largest files): the results take their final size early. On a large site the
         * filters' data follows too. */
        var shown = shownResults(found.matching);
        var later = [];
        if (!hasExcerpts(store, shown)) {
          later.push(store.docs ? loadData("excerpts") : loadDocs(store, shown, "excerpts"));
        }
        if (!hasFacets(store)) later.push(loadFacets());
        if (later.length) {
          return Promise.all(later).then(function () { if (mine === generation) draw(query, found); });
        }
      }).catch(function (error) {
        if (mine === generation) showStatus(strings.failed + " (" + error.message + ")");
      });
    }

    function loadFacets() {
      return Promise.all([loadData("facets"), loadData("labels-" + UI_LANG)]).then(function (loaded) {
        Object.assign(store, loaded[1]);
        forgetUnknownValues();
      });
    }

    function forgetUnknownValues() {
      FACETS.forEach(function (facet) {
        selected[facet] = selected[facet].filter(function (value) { return knownValue(store, facet, value); });
      });
      within = within.filter(function (value) { return knownValue(store, "descriptor", value); });
    }

    /* Every document and record, newest first (by the date the filters' data holds: a
     * large site's is the year), for filters without a query. */
    function everyDocument() {
      var count = store.docs ? store.docs.length : store.count;
      var results = [];
      for (var n = 0; n < count; n++) {
        /* No term matched (what the highlighter reads of a found result). */
        results.push({ doc: n, date: facetDoc(store, n)[F.date] || "", matchData: { metadata: {} } });
      }
      results.sort(function (a, b) { return a.date < b.date ? 1 : a.date > b.date ? -1 : a.doc - b.doc; });
      return { results: results, prepared: {}, empty: false, complete: true };
    }

    /* The descriptors under `within` (themselves included), from the labels' broader ones. */
    function withinDescriptors() {
      if (withinSet || !store.broader) return withinSet;
      var narrower = {};
      store.broader.forEach(function (parents, child) {
        parents.forEach(function (parent) { (narrower[parent] = narrower[parent] || []).push(child); });
      });
      withinSet = {};
      var pending = within.map(Number);
      while (pending.length) {
        var d = pending.pop();
        if (withinSet[d]) continue;
        withinSet[d] = true;
        pending.push.apply(pending, narrower[d] || []);
      }
      return withinSet;
    }

    /* `2015-10-12` (or `2015-10`, `2015`) written as the pages write it in their language:
       the language registry's month names and patterns (languages.Language.format_date). */
    function formatDate(value) {
      var dates = strings.dates;
      var parts = String(value || "").split("-").map(function (part) { return parseInt(part, 10); });
      if (!value || parts.some(isNaN)) return value || "";
      var year = String(parts[0]);
      if (parts.length < 2) return year;
      var month = dates.months[parts[1] - 1];
      if (month === undefined) return value;
      if (parts.length < 3) return dates.month_date.replace("{month}", month).replace("{year}", year);
      var day = parts[2] === 1 && dates.first_day ? dates.first_day : String(parts[2]);
      return dates.date.replace("{day}", day).replace("{month}", month).replace("{year}", year);
    }

    /* A message of the status line (loading, an error…): it wraps as a sentence does. */
    function showStatus(text) {
      status.className = "";
      status.textContent = text;
    }

    /* The count on one line whatever the width: the note that the full indexes are on
     * their way, there a moment, gives way (cut short) rather than wrap onto a second line
     * and push the results down twice. */
    function showCount(count, note) {
      status.className = "search-status--count";
      status.textContent = "";
      status.appendChild(el("span", "", count));
      if (note) status.appendChild(el("span", "search-status__note", " " + note));
    }

    /* "Results for …" with the corrected words, or nothing. */
    function showCorrected(searched) {
      if (!correctedLine) return;
      correctedLine.hidden = !searched;
      correctedLine.textContent = searched ? correctedLine.getAttribute("data-text").replace("{query}", searched) : "";
    }

    function shownResults(matching) {
      return store.docs ? matching : matching.slice(0, limit);
    }

    var drawn = false;
    function draw(query, found) {
      if (!drawn) { drawn = true; mark("treillis-search-results"); } /* the first results */
      resultsBox.textContent = "";
      facetsBox.textContent = "";
      atlasBox.textContent = "";
      var matching = found.matching;
      if (found.empty && query.indexOf("*") !== -1) {
        showStatus(strings.bare_wildcard);
      } else {
        /* The language's plural form of the count, from the table the build gives
           (0 to 199; beyond, a number takes the form of 100 + n % 100). */
        var n = matching.length;
        var form = strings.plural[n < 200 ? n : 100 + n % 100];
        showCount(strings.count[Math.min(form, strings.count.length - 1)].replace("{n}", n),
          found.complete ? null : strings.partial);
      }
      showCorrected(query && found.results.length ? corrected(store, query, found) : null);
      if (hasFacets(store)) renderFacets(found.results);
      var shown = shownResults(matching);
      renderResults(shown, highlighter(found.prepared, shown));
      if (shown.length < matching.length) {
        var more = el("button", "search-more", strings.more_results);
        more.type = "button";
        more.addEventListener("click", function () {
          limit += 50;
          render();
        });
        resultsBox.appendChild(more);
      }
      if (!query) return;
      renderDescriptors(query);
      if (!found.results.length && !found.empty) renderSuggestions(query);
    }

    /* Whether a result passes the selected filters, leaving out one facet (or none). */
    function passes(result, except) {
      if (within.length) {
        var under = withinDescriptors();
        var indexed = facetDoc(store, result.doc)[F.descriptors];
        if (under && !indexed.some(function (d) { return under[d]; })) return false;
      }
      if (!FACETS.some(function (facet) { return facet !== except && selected[facet].length; })) return true;
      var values = facetValues(store, facetDoc(store, result.doc));
      return FACETS.every(function (facet) {
        return facet === except || !selected[facet].length ||
          selected[facet].some(function (v) { return values[facet].indexOf(v) !== -1; });
      });
    }

    function renderResults(matching, mark) {
      var groups = {};
      var positions = {}; /* the place of each result in the ranking, across the type groups */
      matching.forEach(function (result, position) {
        positions[result.doc] = position;
        var type = docOf(store, result.doc)[F.type]; /* -1: a record of the network */
        (groups[type] = groups[type] || []).push(result);
      });
      store.types.concat(["network"]).forEach(function (_type, typeIndex) {
        if (typeIndex === store.types.length) typeIndex = -1;
        var group = groups[typeIndex];
        if (!group) return;
        var section = el("section", "search-group");
        var name = typeIndex >= 0 ? strings.type_groups[typeIndex] : strings.network_group;
        var heading = el("h2", "", name + " (" + group.length + ")");
        section.appendChild(heading);
        var list = el("ol", "search-results");
        group.forEach(function (result) {
          var doc = docOf(store, result.doc);
          var item = el("li", "search-result");
          item.setAttribute("lang", doc[F.lang]);
          item.setAttribute("data-rank", String(positions[result.doc]));
          var title = el("h3", "search-result__title");
          var link = docLink(store, doc, el("a"));
          mark(link, doc[F.title]);
          title.appendChild(link);
          item.appendChild(title);
          var meta = el("p", "search-result__meta");
          var type = doc[F.type];
          if (type < 0) {
            /* A record of the network: its bases and date (it has no dossier here). */
            meta.appendChild(el("span", "search-result__bases", baseNames(store, doc)));
            if (doc[F.date]) meta.appendChild(document.createTextNode(" · " + formatDate(doc[F.date])));
          } else {
            var dossier = store.dossiers[doc[F.dossier]];
            meta.appendChild(el("span", "type-badge type-badge--" + store.types[type], strings.types[type]));
            meta.appendChild(document.createTextNode(" · " + formatDate(doc[F.date]) + " · "));
            var dossierLink = el("a", "", dossier[0]);
            dossierLink.href = ROOT + dossier[1];
            meta.appendChild(dossierLink);
          }
          item.appendChild(meta);
          var lead = excerpt(store, result.doc);
          if (lead) {
            var paragraph = el("p", "search-result__excerpt");
            mark(paragraph, lead);
            item.appendChild(paragraph);
          }
          list.appendChild(item);
        });
        section.appendChild(list);
        resultsBox.appendChild(section);
      });
    }

    function renderFacets(results) {
      if (within.length) {
        /* A descriptor and its narrower ones: unchecked, the filter goes. */
        var fieldset = el("fieldset", "facet facet--within");
        fieldset.appendChild(el("legend", "", strings.within));
        within.forEach(function (value) {
          var label = el("label", "facet__option");
          var box = el("input");
          box.type = "checkbox";
          box.name = "within";
          box.value = value;
          box.checked = true;
          box.addEventListener("change", function () {
            within = within.filter(function (v) { return v !== value; });
            withinSet = null;
            render();
          });
          label.appendChild(box);
          label.appendChild(document.createTextNode(" "));
          label.appendChild(descriptorLink(+value));
          fieldset.appendChild(label);
        });
        facetsBox.appendChild(fieldset);
      }
      FACETS.forEach(function (facet) {
        /* Each facet counts what checking one of its values would show: the results
         * that pass every other facet's filters. */
        var counts = {};
        results.filter(function (result) { return passes(result, facet); }).forEach(function (result) {
          facetValues(store, facetDoc(store, result.doc))[facet].forEach(function (value) {
            counts[value] = (counts[value] || 0) + 1;
          });
        });
        var values = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); });
        if (facet === "descriptor") values = values.slice(0, 12);
        selected[facet].forEach(function (value) { if (values.indexOf(value) === -1) values.push(value); });
        if (!values.length) return;
        var fieldset = el("fieldset", "facet");
        fieldset.appendChild(el("legend", "", strings.facets[facet]));
        values.forEach(function (value) {
          var label = el("label", "facet__option");
          var box = el("input");
          box.type = "checkbox";
          box.name = facet;
          box.value = value;
          box.checked = selected[facet].indexOf(value) !== -1;
          box.addEventListener("change", function () {
            selected[facet] = box.checked ? selected[facet].concat([value])
              : selected[facet].filter(function (v) { return v !== value; });
            render();
          });
          label.appendChild(box);
          label.appendChild(document.createTextNode(" " + facetLabel(store, strings, facet, value) + " "));
          label.appendChild(el("span", "count", "(" + (counts[value] || 0) + ")"));
          fieldset.appendChild(label);
        });
        facetsBox.appendChild(fieldset);
      });
    }

    function descriptorLink(number) {
      var descriptor = store.descriptors[number];
      var link = el("a", "descriptor", descriptor[0]);
      link.href = ROOT + descriptor[2];
      var family = store.families[descriptor[1]];
      if (family) link.style.setProperty("--family-colour", family[1]);
      return link;
    }

    function renderDescriptors(query) {
      if (!store.descriptors) return;
      var found = findDescriptors(query).slice(0, 10);
      if (!found.length) return;
      atlasBox.appendChild(el("h2", "", strings.atlas));
      var list = el("ul", "descriptor-list");
      found.forEach(function (number) {
        var item = el("li");
        item.appendChild(descriptorLink(number));
        list.appendChild(item);
      });
      atlasBox.appendChild(list);
    }

    function renderSuggestions(query) {
      var found = store.descriptors ? suggestions(query) : [];
      if (!found.length) return;
      var box = el("div", "search-suggestions");
      box.appendChild(el("p", "", strings.suggestions));
      var list = el("ul", "descriptor-list");
      found.forEach(function (number) {
        var item = el("li");
        var button = el("button", "search-suggestion", store.descriptors[number][0]);
        button.type = "button";
        button.addEventListener("click", function () {
          input.value = store.descriptors[number][0];
          render();
        });
        item.appendChild(button);
        list.appendChild(item);
      });
      box.appendChild(list);
      resultsBox.appendChild(box);
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); limit = SHOWN; render(); });
    input.addEventListener("input", function () {
      limit = SHOWN;
      clearTimeout(timer);
      timer = setTimeout(render, DEBOUNCE_MS);
    });
    showStatus(strings.loading);
    loadQuick().then(function (loaded) {
      store = loaded;
      FACETS.forEach(function (facet) { selected[facet] = params.getAll(facet); });
      forgetUnknownValues();
      mark("treillis-search-quick");
      /* The full indexes after the first results are on the screen (painted): those come
       * first on a slow network. */
      return render().then(afterPaint).then(function () { return loadFull(store); });
    }).then(function () {
      mark("treillis-search-full");
      render();
    }).catch(function (error) {
      showStatus(strings.failed + " (" + error.message + ")");
    });
  }

  /* ---- The atlas search bar: descriptors by label and synonyms, with and/or ---- */

  function setupAtlasSearch(section) {
    var input = section.querySelector("#atlas-query");
    var status = section.querySelector("#atlas-search-status");
    var list = section.querySelector("#atlas-search-results");
    var labels = null;
    var timer = null;

    function show() {
      list.textContent = "";
      var query = input.value.trim();
      if (!query || !labels || !window.TreillisSearch.index(UI_LANG + "-atlas")) {
        status.textContent = "";
        return;
      }
      var found = findDescriptors(query);
      status.textContent = section.getAttribute("data-count").replace("{n}", found.length);
      found.slice(0, 60).forEach(function (number) {
        var descriptor = labels.descriptors[number];
        var link = el("a", "descriptor", descriptor[0]);
        link.href = ROOT + descriptor[2];
        var family = labels.families[descriptor[1]];
        if (family) link.style.setProperty("--family-colour", family[1]);
        var item = el("li");
        item.appendChild(link);
        list.appendChild(item);
      });
    }

    section.hidden = false;
    section.querySelector("form").addEventListener("submit", function (event) {
      event.preventDefault();
      show();
    });
    input.addEventListener("focus", function () {
      Promise.all([loadData("labels-" + UI_LANG), loadData(UI_LANG + "-atlas")]).then(function (loaded) {
        labels = loaded[0];
        show();
      });
    }, { once: true });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(show, DEBOUNCE_MS);
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("form.search-box"), setupBox);
    var atlas = document.getElementById("atlas-search");
    if (atlas) setupAtlasSearch(atlas);
    var page = document.getElementById("search-page");
    if (page) setupPage(page);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
