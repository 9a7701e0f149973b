/* Treillis: the `elision-fr` pipeline step (l'habitant → habitant), registered in lunr.
 * Same rule as treillis/search/pipelines.py. Loaded after lunr.fr.js. */
(function (root) {
  "use strict";
  var APOSTROPHES = /[\u2019\u2018\u02bc]/g;
  var ELISION = /^(?:qu|jusqu|lorsqu|puisqu|quoiqu|c|d|j|l|m|n|s|t)'/;

  function register(lunr) {
    var elision = function (token) {
      return token.update(function (text) {
        return text.replace(APOSTROPHES, "'").replace(ELISION, "");
      });
    };
    lunr.Pipeline.registerFunction(elision, "elision-fr");
    lunr.fr.elision = elision;
  }

  if (typeof module === "object" && module.exports) {
    module.exports = register;
  } else {
    register(root.lunr);
  }
})(this);
