/* Draws the dashboards' charts: each element with data-chart-spec names the json_script
   element holding its Vega-Lite specification (built on the server). Vega's expression
   interpreter (ast: true) keeps the Content-Security-Policy free of 'unsafe-eval'; the default
   style sheet, tooltips and action menu are off, because they would need inline styles and
   the data table beside the chart already gives every figure. */
(function () {
  "use strict";
  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-chart-spec"));
    if (!source || !window.vegaEmbed || !window.vegaInterpreter) return;
    window.vegaEmbed(container, JSON.parse(source.textContent), {
      renderer: "svg",
      actions: false,
      tooltip: false,
      defaultStyle: false,
      ast: true,
      expr: window.vegaInterpreter.expressionInterpreter,
    }).catch(function () {
      container.hidden = true; /* the table still has the figures */
    });
  }
  function drawAll() {
    document.querySelectorAll("[data-chart-spec]").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
