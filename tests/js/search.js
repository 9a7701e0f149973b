// Run queries with lunr.js under node against the data files of a built site.
// usage: node search.js NODE_MODULES ASSETS_SEARCH INDEX_NAME LANG < queries.json
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [nodeModules, searchAssets, indexName, lang] = process.argv.slice(2);
const lunr = require(path.join(nodeModules, "lunr"));
require(path.join(nodeModules, "lunr-languages", "lunr.stemmer.support.js"))(lunr);
require(path.join(nodeModules, "lunr-languages", "lunr.fr.js"))(lunr);
require(path.join(nodeModules, "lunr-languages", "lunr.es.js"))(lunr);
require(path.join(searchAssets, "elision-fr.js"))(lunr);
const TreillisSearch = require(path.join(searchAssets, "search-core.js"))(lunr);

// The data file is a script calling TreillisSearch.add(name, json), as in the browser.
const script = fs.readFileSync(path.join(searchAssets, "data", indexName + ".js"), "utf8");
vm.runInNewContext(script, { TreillisSearch });
const index = TreillisSearch.index(indexName);

const queries = JSON.parse(fs.readFileSync(0, "utf8"));
const started = process.hrtime.bigint();
const results = queries.map((query) => {
  const prepared = TreillisSearch.prepareQuery(query, lang, index);
  return { query, prepared, refs: TreillisSearch.search(index, prepared).map((r) => r.ref) };
});
const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
process.stdout.write(JSON.stringify({ results, elapsed_ms: elapsed }));
