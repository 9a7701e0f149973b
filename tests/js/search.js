// Run queries with lunr.js under node against the data files of a built site.
// usage: node search.js NODE_MODULES ASSETS_SEARCH INDEX_NAME LANG < queries.json
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [nodeModules, searchAssets, indexName, lang] = process.argv.slice(2);
const lunr = require(path.join(nodeModules, "lunr"));
const TreillisSearch = require(path.join(searchAssets, "search-core.js"))(lunr);

// Each data file is a script calling TreillisSearch.add(name, json), as in the browser:
// the schema, the index and, when it is sharded, its shards.
const folder = path.join(searchAssets, "data");
const load = (file) => vm.runInNewContext(fs.readFileSync(path.join(folder, file), "utf8"), { TreillisSearch });
load("schema.js");
// The scripts of the site's languages, as the schema lists them for the browser.
for (const script of TreillisSearch.data.schema.scripts) require(path.join(searchAssets, script))(lunr);
load(indexName + ".js");
// A sharded index's head names its shards.
for (const file of TreillisSearch.data[indexName].files || []) load(indexName + "-" + file + ".js");
const index = TreillisSearch.index(indexName);
// A full index's words' positions, for phrases (as the search page loads them).
const phrasesFile = indexName.replace(/-full$/, "-phrases") + ".js";
const positions = indexName.endsWith("-full") && fs.existsSync(path.join(folder, phrasesFile))
  ? (load(phrasesFile), TreillisSearch.data[indexName.replace(/-full$/, "-phrases")])
  : null;

const queries = JSON.parse(fs.readFileSync(0, "utf8"));
const started = process.hrtime.bigint();
const results = queries.map((query) => {
  const prepared = TreillisSearch.prepareQuery(query, lang, index, TreillisSearch.knows(indexName));
  // A sharded index: only the shards this query needs, put together as the browser does.
  const shards = TreillisSearch.shardsFor(indexName, prepared);
  const phrases = TreillisSearch.preparePhrases(query, lang, index, TreillisSearch.knows(indexName));
  const found = TreillisSearch.search(TreillisSearch.mergedIndex(indexName, shards), prepared, phrases, positions);
  return { query, prepared, shards: shards.length, refs: found.map((r) => r.ref), scores: found.map((r) => r.score) };
});
const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
process.stdout.write(JSON.stringify({ results, elapsed_ms: elapsed }));
