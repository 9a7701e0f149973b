/* Treillis preview: one event stream shared by every open tab (browsers allow only six
 * connections per host: one stream per tab would block the seventh tab). */
"use strict";
var ports = [];
var events = new EventSource("/__treillis/events");
events.onmessage = function (message) {
  ports.forEach(function (port) { port.postMessage(message.data); });
};
self.onconnect = function (connection) {
  var port = connection.ports[0];
  ports.push(port);
  port.start();
};
