/* Treillis search core: data registry, query preparation and search over lunr indexes.
 * Shared by the browser (window.TreillisSearch) and node (tests). prepareQuery does
 * exactly what treillis/search/query.py does (preparePhrases too), search what
 * treillis/search/engine.py does (the same ranking, phrases); the tests compare them. It needs the data file "schema"
 * (each language's pipeline steps) before a query. */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) {
    module.exports = factory;
  } else {
    root.TreillisSearch = factory(root.lunr);
  }
})(this, function (lunr) {
  "use strict";

  var WORD = /^([+-]?)(?:([^:*~^]+):)?([^~^]*)((?:[~^][0-9]+)*)$/;
  var SPACES = /[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+/;
  var APOSTROPHES = /[\u2019\u2018\u02bc]/g;

  /* A language's steps before the stop word filter, and the filter: named by the schema
   * (data file "schema", written by treillis/search/schema.py), registered in lunr by the
   * scripts the schema lists. */
  function languageTools(lang) {
    var described = data.schema.languages[lang];
    var registered = lunr.Pipeline.registeredFunctions;
    return {
      clean: described.clean.map(function (label) { return registered[label]; }),
      stop: registered[described.stop]
    };
  }

  function run(functions, word) {
    var pipeline = new lunr.Pipeline();
    functions.forEach(function (fn) { pipeline.add(fn); });
    return pipeline.runString(word);
  }

  function prepareTerm(term, lang, index) {
    var tools = languageTools(lang);
    if (term.indexOf("*") === -1) {
      var cleaned = run(tools.clean, term)[0] || "";
      if (!cleaned || !tools.stop(new lunr.Token(cleaned))) return "";
      return term;
    }
    var core = term.replace(/\*/g, "");
    if ((run(tools.clean, core)[0] || "").length < 2) return "";
    var processed = index.pipeline.runString(core)[0];
    if (!processed) return "";
    return (term.charAt(0) === "*" ? "*" : "") + processed + (term.charAt(term.length - 1) === "*" ? "*" : "");
  }

  /* "~1" or "~2" for a word the index does not know, long enough to be a typo. */
  function typoSuffix(term, lang, index, known) {
    var rules = data.schema.query;
    if (term.indexOf("*") !== -1) return "";
    var letters = run(languageTools(lang).clean, term)[0] || "";
    var length = Array.from(letters).length;
    if (length < rules.typoMinLength || length > rules.maxFuzzyLength || !/^\p{L}+$/u.test(letters)) return "";
    var stems = index.pipeline.runString(term);
    if (!stems.length || stems.some(known)) return "";
    return length >= rules.typoLongLength ? "~2" : "~1";
  }

  /* The lunr query for a reader's query ("" when nothing can be searched). `known`
   * tells whether the index has a term (see `knows`); without it no word is corrected. */
  function prepareQuery(text, lang, index, known) {
    return prepare(text, lang, index, known).terms.map(clauseText).join(" ");
  }

  function clauseText(t) { return t[0] + (t[1] ? t[1] + ":" : "") + t[2] + t[3]; }

  /* The clauses of each phrase of two words or more (in double quotes), without presence:
   * their words must follow one another (search checks it where positions are kept). */
  function preparePhrases(text, lang, index, known) {
    var prepared = prepare(text, lang, index, known);
    var groups = {}, order = [];
    prepared.terms.forEach(function (t, i) {
      var phrase = prepared.phrases[i];
      if (!phrase) return;
      if (!groups[phrase]) { groups[phrase] = []; order.push(phrase); }
      groups[phrase].push(clauseText(["", t[1], t[2], t[3]]));
    });
    return order.map(function (p) { return groups[p]; }).filter(function (g) { return g.length > 1; });
  }

  /* The query's clauses ([presence, field, term, suffix]) and the phrase of each (0: none). */
  function prepare(text, lang, index, known) {
    /* Field names, and/or words, fuzzy limits: from the schema (treillis/search/query.py). */
    var rules = data.schema.query;
    var fields = index.fields;
    var words = text.normalize("NFC").replace(APOSTROPHES, "'").split(SPACES).filter(Boolean);
    var terms = [];
    var phrases = [];
    var joinNext = false;
    var inPhrase = false;
    var phraseNumber = 0;
    words.forEach(function (word) {
      var phrase = inPhrase;
      if (rules.quotes.indexOf(word.charAt(0)) !== -1) {
        phrase = inPhrase = !inPhrase;
        if (inPhrase) phraseNumber += 1;
        word = word.slice(1);
      }
      if (word && rules.quotes.indexOf(word.charAt(word.length - 1)) !== -1) {
        phrase = phrase || inPhrase;
        inPhrase = false;
        word = word.slice(0, -1);
      }
      if (!word) return;
      if (rules.and.indexOf(word) !== -1) { joinNext = terms.length > 0; return; }
      if (rules.or.indexOf(word) !== -1) return;
      var match = WORD.exec(word);
      if (!match) return;
      var alias = (match[2] || "").toLowerCase();
      var presence = match[1];
      var field = Object.prototype.hasOwnProperty.call(rules.fields, alias) ? rules.fields[alias] : "";
      var termLength = match[3].length;
      var suffix = match[4].replace(/~([0-9]+)/g, function (_all, distance) {
        return termLength <= rules.maxFuzzyLength ? "~" + Math.min(parseInt(distance, 10), rules.maxEditDistance) : "";
      });
      /* A field this index does not have (the quick one): the full index will answer. */
      if (match[2] && fields.indexOf(field) === -1) return;
      var term = prepareTerm(match[3].toLowerCase(), lang, index);
      if (!term) return;
      if (!suffix && presence !== "-" && known) suffix = typoSuffix(term, lang, index, known);
      if (phrase) presence = presence || "+";
      if (joinNext) {
        terms[terms.length - 1][0] = terms[terms.length - 1][0] || "+";
        presence = presence || "+";
        joinNext = false;
      }
      terms.push([presence, field, term, suffix]);
      phrases.push(phrase ? phraseNumber : 0);
    });
    return { terms: terms, phrases: phrases };
  }

  /* Each document's score for one clause of a prepared query, in some fields only (all
   * when `only` is not given). */
  function clauseScores(index, clause, only) {
    var parsed = new lunr.Query(index.fields);
    new lunr.QueryParser(clause, parsed).parse();
    var any = false;
    parsed.clauses.forEach(function (part) {
      part.fields = part.fields.filter(function (f) { return !only || only.indexOf(f) !== -1; });
      any = any || part.fields.length > 0;
    });
    var scores = {};
    if (!any) return scores;
    index.query(function (query) { query.clauses = parsed.clauses; })
      .forEach(function (r) { scores[r.ref] = r.score; });
    return scores;
  }

  function rankOf(score) { return Math.floor(score * 1e6); }

  /* A phrase's fields and its words' terms; null when it cannot be checked (fuzzy, wildcard). */
  function phraseStems(index, phrase) {
    var fields = index.fields.slice();
    var stems = [];
    for (var i = 0; i < phrase.length; i++) {
      var clause = phrase[i];
      if (clause.indexOf("~") !== -1 || clause.indexOf("*") !== -1) return null;
      clause = clause.split("^")[0];
      var colon = clause.indexOf(":");
      if (colon !== -1) {
        var field = clause.slice(0, colon);
        fields = fields.filter(function (f) { return f === field; });
        clause = clause.slice(colon + 1);
      }
      var terms = index.pipeline.runString(clause);
      if (!terms.length) return null;
      stems.push(terms[0]);
    }
    return { fields: fields, stems: stems };
  }

  /* Whether the terms follow one another in one of the fields of document `ref`
   * (`positions`: the phrases data file, ref → field → term → positions). */
  function adjacent(positions, ref, fields, stems) {
    function own(object, key) {
      return object && Object.prototype.hasOwnProperty.call(object, key) ? object[key] : null;
    }
    var byField = own(positions, ref);
    return fields.some(function (field) {
      var terms = own(byField, field);
      function at(stem) { return own(terms, stem) || []; }
      return at(stems[0]).some(function (start) {
        return stems.every(function (stem, k) { return at(stem).indexOf(start + k) !== -1; });
      });
    });
  }

  /* Results of a prepared query, best first: the documents matching more of its words,
   * then by the score of titles and descriptors (what the quick index holds, with the
   * full index's weights: the first results keep their order when it arrives), then
   * by the score of every field; each word scored alone, as in engine.py. Equal: by
   * reference. */
  function search(index, prepared, phrases, positions) {
    if (!prepared) return [];
    var results;
    try {
      results = index.search(prepared);
    } catch (error) {
      if (error instanceof lunr.QueryParseError) return [];
      throw error;
    }
    /* With the words' positions, the words of each phrase must follow one another. */
    if (positions) {
      (phrases || []).map(function (p) { return phraseStems(index, p); }).filter(Boolean).forEach(function (p) {
        results = results.filter(function (r) { return adjacent(positions, r.ref, p.fields, p.stems); });
      });
    }
    var quickFields = data.schema.query.quickFields;
    var quickOnly = index.fields.every(function (f) { return quickFields.indexOf(f) !== -1; });
    var words = prepared.split(" ").filter(function (c) { return c.charAt(0) !== "-"; })
      .map(function (c) { return c.replace(/^\+/, ""); });
    var rows = results.map(function (r) {
      return { ref: r.ref, score: r.score, matched: 0, quick: 0, total: words.length ? 0 : r.score, matchData: r.matchData };
    });
    words.forEach(function (word) {
      var every = clauseScores(index, word);
      var some = quickOnly ? every : clauseScores(index, word, quickFields);
      rows.forEach(function (row) {
        if (Object.prototype.hasOwnProperty.call(every, row.ref)) {
          row.matched += 1;
          row.total += every[row.ref];
          row.quick += some[row.ref] || 0;
        }
      });
    });
    rows.forEach(function (row) {
      row.quickRank = rankOf(row.quick);
      row.rank = rankOf(row.total);
    });
    return rows.sort(compareResults);
  }

  /* The order of results, engine.py's `order` (across languages too: references are numbers
   * in base 36). Equal titles' and descriptors' ranks: the reference when the quick index
   * sees the documents (its own order), the rank of every field when it does not. */
  function compareResults(a, b) {
    return (b.matched - a.matched) || (b.quickRank - a.quickRank) ||
      ((b.quickRank ? 0 : b.rank) - (a.quickRank ? 0 : a.rank)) ||
      (parseInt(a.ref, 36) - parseInt(b.ref, 36));
  }

  var data = {};
  var waiting = {};

  /* Called by each data file: TreillisSearch.add(name, json). */
  function add(name, json) {
    data[name] = JSON.parse(json);
    (waiting[name] || []).forEach(function (resolve) { resolve(data[name]); });
    delete waiting[name];
  }

  /* A serialised lunr index from the compact form of treillis/search/index.py
   * (compact_index: the postings are what the field vectors say), or from counts
   * (index.py's Postings: a head and its terms' postings), whose weights are computed
   * here as lunr.Builder computes them: the same operations as index.py's _weighed, in the
   * same order, so the same floats (Python and the browser give the same scores). */
  function expandIndex(compact) {
    if (compact.postings) return weighed(compact);
    if (!compact.terms) return compact;
    var postings = compact.terms.map(function (_term, n) {
      var posting = { _index: n };
      compact.fields.forEach(function (field) { posting[field] = {}; });
      return posting;
    });
    compact.fieldVectors.forEach(function (vector) {
      var cut = vector[0].indexOf("/");
      var field = vector[0].slice(0, cut), ref = vector[0].slice(cut + 1);
      for (var i = 0; i < vector[1].length; i += 2) postings[vector[1][i]][field][ref] = {};
    });
    return {
      version: compact.version, fields: compact.fields, fieldVectors: compact.fieldVectors,
      invertedIndex: compact.terms.map(function (term, n) { return [term, postings[n]]; }),
      pipeline: compact.pipeline
    };
  }

  /* Postings: for each term, each field's [document number (the gap from the previous
   * one), term frequency, field length, ...]; "df": each term's number of documents in
   * every field of the full index, for an index of some fields only (the quick one). */
  function weighed(data) {
    var weighing = weighingOf(data);
    weighing.step(Infinity);
    return weighing.result();
  }

  var clock = typeof performance !== "undefined" ? performance : Date;

  /* `weighed`, a slice at a time: `step(until)` weighs terms until the clock passes `until`
   * and says whether every term is weighed; `result()` is then `weighed(data)`. */
  function weighingOf(data) {
    var k1 = data.bm25[0], b = data.bm25[1], count = data.count;
    var fields = data.fields, boosts = data.boosts, df = data.df;
    var averages = data.lengths.map(function (length) { return count ? length / count : 0; });
    var saturation = k1 + 1;
    var inverted = new Array(data.terms.length);
    /* Each field's vectors by document number, in the order they are first met (as
     * index.py's _weighed orders them); references made once per document. */
    var vectors = fields.map(function () { return []; });
    var order = [], refs = [];
    /* No metadata is kept: one empty object serves every posting (lunr only reads it). */
    var none = {};
    var n = 0;
    function step(until) {
      for (; n < data.terms.length; n++) {
        if ((n & 63) === 0 && n && clock.now() > until) return false;
        weigh(n);
      }
      return true;
    }
    function weigh(n) {
      var lists = data.postings[n];
      var posting = { _index: n };
      var withTerm = 0;
      if (df) withTerm = df[n];
      else for (var f = 0; f < lists.length; f++) withTerm += lists[f].length / 3;
      var x = (count - withTerm + 0.5) / (withTerm + 0.5);
      var weight = Math.log(1 + Math.abs(x));
      for (var g = 0; g < fields.length; g++) {
        var flat = lists[g], documents = {}, number = 0, own = vectors[g];
        var boost = boosts[g], average = averages[g];
        posting[fields[g]] = documents;
        for (var i = 0; i < flat.length; i += 3) {
          number += flat[i];
          var tf = flat[i + 1], length = flat[i + 2];
          var ref = refs[number];
          if (ref === undefined) ref = refs[number] = number.toString(36);
          documents[ref] = none;
          var norm = k1 * (1 - b + b * (length / average));
          var value = Math.floor(weight * (saturation * tf) / (norm + tf) * boost * 1000 + 0.5);
          var vector = own[number];
          if (vector === undefined) { own[number] = [n, value / 1000]; order.push(g, number); }
          else vector.push(n, value / 1000);
        }
      }
      inverted[n] = [data.terms[n], posting];
    }
    function result() {
      var fieldVectors = new Array(order.length / 2);
      for (var j = 0; j < order.length; j += 2) {
        fieldVectors[j / 2] = [fields[order[j]] + "/" + refs[order[j + 1]], vectors[order[j]][order[j + 1]]];
      }
      return {
        version: data.version, fields: fields, fieldVectors: fieldVectors,
        invertedIndex: inverted, pipeline: data.pipeline
      };
    }
    return { step: step, result: result };
  }

  var indexes = {};
  var preparing = {};

  /* Index `name` (of counts, not sharded) weighed a slice of time at a time, so that a
   * full index arriving in the background never holds a reader's tap for long (a phone
   * takes hundreds of milliseconds to weigh one). Resolves once it is ready; `index(name)`
   * meanwhile does what is left at once. */
  function prepareIndex(name) {
    var serialized = data[name];
    if (indexes[name] || !serialized || !serialized.postings || serialized.shards) {
      return Promise.resolve();
    }
    if (!preparing[name]) {
      var weighing = weighingOf(serialized);
      preparing[name] = {
        weighing: weighing,
        ready: new Promise(function (resolve) {
          function slice() {
            if (!preparing[name] || preparing[name].weighing !== weighing) return resolve();
            if (!weighing.step(clock.now() + 30)) return setTimeout(slice, 0);
            index(name);
            resolve();
          }
          setTimeout(slice, 0);
        })
      };
    }
    return preparing[name].ready;
  }
  /* An index by name; for a sharded one, an index with no terms that knows the
   * fields and the pipeline (what prepareQuery needs). */
  function index(name) {
    if (!indexes[name] && preparing[name]) {
      var weighing = preparing[name].weighing;
      delete preparing[name];
      weighing.step(Infinity);
      indexes[name] = lunr.Index.load(weighing.result());
    }
    if (!indexes[name] && data[name]) {
      var serialized = data[name];
      if (serialized.shards) serialized = Object.assign({ terms: [], postings: [] }, serialized);
      indexes[name] = lunr.Index.load(expandIndex(serialized));
    }
    return indexes[name];
  }

  /* Whether index `name` has a term: for prepareQuery, which corrects unknown words. On
   * a sharded index, a term whose shard is not loaded yet counts as known (no correction);
   * the caller prepares the query again once its shards are in. */
  var shardTerms = {};
  function knows(name) {
    var meta = data[name];
    if (meta && meta.shards) {
      return function (term) {
        var shardName = name + "-" + meta.files[shardOf(meta.shards, term)];
        var shard = data[shardName];
        if (!shard) return true;
        if (!shardTerms[shardName]) {
          shardTerms[shardName] = {};
          shard.terms.forEach(function (term) { shardTerms[shardName][term] = true; });
        }
        return Object.prototype.hasOwnProperty.call(shardTerms[shardName], term);
      };
    }
    var whole = index(name);
    return function (term) {
      return !!whole && Object.prototype.hasOwnProperty.call(whole.invertedIndex, term);
    };
  }

  /* ---- Sharded indexes (large sites, see treillis/search/shards.py) ---- */

  /* The shard holding a term: the last one whose first term is not after it. */
  function shardOf(firsts, term) {
    var low = 0, high = firsts.length - 1;
    while (low < high) {
      var middle = (low + high + 1) >> 1;
      if (firsts[middle] <= term) low = middle; else high = middle - 1;
    }
    return low;
  }

  /* Names of the shards of index `name` that a prepared query needs ([] when the
   * index is whole). Terms go through the index's pipeline as lunr does; a
   * wildcard needs the shards of its prefix, a fuzzy or leading wildcard all. */
  function shardsFor(name, prepared) {
    var meta = data[name];
    if (!meta || !meta.shards || !prepared) return [];
    var firsts = meta.shards;
    var base = index(name);
    var query = new lunr.Query(base.fields);
    try {
      new lunr.QueryParser(prepared, query).parse();
    } catch (error) {
      if (error instanceof lunr.QueryParseError) return [];
      throw error;
    }
    var wanted = {};
    function range(from, to) { for (var i = from; i <= to; i++) wanted[i] = true; }
    /* Only excluded words: lunr lists every document without them, so it needs them all. */
    if (query.isNegated()) range(0, firsts.length - 1);
    query.clauses.forEach(function (clause) {
      var terms = clause.usePipeline ? base.pipeline.runString(clause.term, { fields: clause.fields }) : [clause.term];
      terms.forEach(function (term) {
        var star = term.indexOf("*");
        if (clause.editDistance > 0 || star === 0) range(0, firsts.length - 1);
        else if (star > 0) {
          var prefix = term.slice(0, star);
          range(shardOf(firsts, prefix), shardOf(firsts, prefix + "\uffff"));
        } else range(shardOf(firsts, term), shardOf(firsts, term));
      });
    });
    return Object.keys(wanted).map(Number).sort(function (a, b) { return a - b; })
      .map(function (n) { return name + "-" + meta.files[n]; });
  }

  /* A lunr index made of some shards of `name` (loaded, in term order, as shardsFor names
   * them): for the query that needs them, it finds what the whole index finds, with the
   * same scores (terms are numbered in order: the same order as in the whole index). */
  var merged = {}; /* by index name: the last shards put together, and the result */
  function mergedIndex(name, shardNames) {
    if (!shardNames.length) return index(name);
    var key = shardNames.join(",");
    if (merged[name] && merged[name].key === key) return merged[name].index;
    var whole = Object.assign({}, data[name], { terms: [], postings: [] });
    shardNames.forEach(function (shardName) {
      var shard = data[shardName];
      whole.terms = whole.terms.concat(shard.terms);
      whole.postings = whole.postings.concat(shard.postings);
      if (shard.df) whole.df = (whole.df || []).concat(shard.df);
    });
    merged[name] = { key: key, index: lunr.Index.load(expandIndex(whole)) };
    return merged[name].index;
  }

  /* For each index ([lang, index name] pairs), whether it knows a term, where a word
   * another language's index knows counts as known: it is no typo ("habitants" is French,
   * not a misspelt English word). One function per pair, in their order. The same in
   * treillis/search/engine.py (_known_across). */
  function knowsAcross(pairs, text) {
    var own = pairs.map(function (pair) { return knows(pair[1]); });
    var words = text.normalize("NFC").replace(APOSTROPHES, "'").split(SPACES).filter(Boolean);
    var sure = words.filter(function (word) {
      return pairs.some(function (pair, i) {
        var prepared = prepareQuery(word, pair[0], index(pair[1]), own[i]);
        return prepared !== "" && prepared.indexOf("~") === -1;
      });
    });
    return pairs.map(function (pair, i) {
      var also = {};
      sure.forEach(function (word) {
        index(pair[1]).pipeline.runString(word).forEach(function (stem) { also[stem] = true; });
      });
      return function (term) { return also[term] === true || own[i](term); };
    });
  }

  return {
    knowsAcross: knowsAcross,
    prepareQuery: prepareQuery,
    preparePhrases: preparePhrases,
    search: search,
    compareResults: compareResults,
    knows: knows,
    add: add,
    data: data,
    waiting: waiting,
    index: index,
    prepareIndex: prepareIndex,
    expandIndex: expandIndex,
    shardsFor: shardsFor,
    mergedIndex: mergedIndex
  };
});
