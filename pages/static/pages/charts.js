// Draw every chart of the page from its Vega-Lite spec (a json_script beside it) with vega-embed. Expressions are
// evaluated by Vega's interpreter, so the pages need no 'unsafe-eval' in their Content-Security-Policy.
(function () {
  "use strict";
  const dark = window.matchMedia("(prefers-color-scheme: dark)").matches;
  const ink = dark ? "#e8e8e8" : "#1b1b1b";
  const grid = dark ? "#3a3a3a" : "#e2e2e2";
  const config = {
    background: null,
    font: "system-ui, sans-serif",
    axis: { labelColor: ink, titleColor: ink, gridColor: grid, domainColor: ink, tickColor: ink },
    legend: { labelColor: ink, titleColor: ink },
    title: { color: ink, subtitleColor: ink },
    view: { stroke: null },
  };
  for (const view of document.querySelectorAll("[data-chart]")) {
    const spec = JSON.parse(document.getElementById(view.dataset.chart).textContent);
    vegaEmbed(view, spec, {
      actions: false,
      ast: true,
      expr: vega.expressionInterpreter,
      renderer: "svg",
      config: config,
    }).then(
      () => view.classList.add("chart-drawn"),
      (error) => {
        view.textContent = "The chart could not be drawn (" + error.message + "); its table is below.";
      },
    );
  }
})();
