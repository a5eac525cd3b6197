/* Draws the plotly figures the server built (div.chart[data-figure]) with the plotly.js the plotly wheel
   ships, on load and after every htmx swap. No CDN, nothing fetched at run time. */
(function () {
  "use strict";
  var config = {responsive: true, displaylogo: false, modeBarButtonsToRemove: ["lasso2d", "select2d"]};
  function draw(root) {
    if (typeof window.Plotly === "undefined") { return; }
    (root || document).querySelectorAll("div.chart[data-figure]:not([data-drawn])").forEach(function (el) {
      var fig = JSON.parse(el.getAttribute("data-figure"));
      el.setAttribute("data-drawn", "1");
      window.Plotly.newPlot(el, fig.data, fig.layout, config).then(function () {
        el.setAttribute("data-drawn", "done");
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (evt) { draw(evt.target); });
})();
