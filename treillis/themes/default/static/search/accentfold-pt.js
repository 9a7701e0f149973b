/* Treillis: the `accentFold-pt` pipeline step (informação → informacao, plural
 * -ões → -ao), registered in lunr. Same rule as treillis/search/pipelines.py (lunr.pt.js
 * has no fold). Loaded after lunr.pt.js. */
(function (root) {
  "use strict";
  var FOLDS = [
    [/[\u00e0-\u00e4\u00c0-\u00c4]/g, "a"],
    [/[\u00e7\u00c7]/g, "c"],
    [/[\u00e8-\u00eb\u00c8-\u00cb]/g, "e"],
    [/[\u00ec-\u00ef\u00cc-\u00cf]/g, "i"],
    [/[\u00f2-\u00f6\u00d2-\u00d6]/g, "o"],
    [/[\u00f9-\u00fc\u00d9-\u00dc]/g, "u"]
  ];
  var PLURAL = /oes$/;

  function register(lunr) {
    var fold = function (token) {
      return token.update(function (text) {
        FOLDS.forEach(function (pair) { text = text.replace(pair[0], pair[1]); });
        return text.replace(PLURAL, "ao");
      });
    };
    lunr.Pipeline.registerFunction(fold, "accentFold-pt");
  }

  if (typeof module === "object" && module.exports) {
    module.exports = register;
  } else {
    register(root.lunr);
  }
})(this);
