/* Draws the plotly figures the server built (div.chart[data-figure]) with plotly.js (its core and the traces
   the pages draw: web/vendor/plotly-charts.min.js, from scripts/vendor-plotly), on load and after every htmx
   swap. No CDN, nothing fetched at run time. */
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

/* A form that starts long work (computing a cycle, a correction that recomputes it) says so while the server
   works: on submit its buttons are disabled (no second submission) and a progress bar with the form's
   data-busy text is shown until the answer arrives. */
(function () {
  "use strict";
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-busy") || evt.defaultPrevented) { return; }
    var box = document.createElement("div");
    box.className = "busy";
    box.setAttribute("role", "status");
    var bar = document.createElement("progress");
    bar.setAttribute("aria-label", form.getAttribute("data-busy"));
    var text = document.createElement("span");
    text.textContent = form.getAttribute("data-busy");
    box.appendChild(bar);
    box.appendChild(text);
    form.appendChild(box);
    setTimeout(function () {  // after the submission has taken the clicked button's value
      form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
})();
