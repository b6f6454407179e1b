// The dashboard's charts: each <canvas data-chart> holds its numbers and the link of every number (written by
// diaspora/reports/charts.py); a bar, a point or a country opens the list behind it. The table under each
// chart holds the same numbers and links, for screen readers, printing, and when the charts cannot be drawn.
(function () {
  "use strict";

  var BLUE = "#0d6efd", ORANGE = "#fd7e14", GREEN = "#198754", YELLOW = "#ffc107";
  var SERIES_COLOURS = {months: [BLUE, ORANGE], bars: [BLUE, YELLOW], columns: [GREEN]};
  var locale = document.documentElement.lang || "vi";

  function openTables() {
    document.querySelectorAll("details.chart-table").forEach(function (details) { details.open = true; });
  }

  // Without the chart library (node_modules not installed, a script blocked) the tables stand in for the charts.
  if (typeof window.Chart === "undefined") {
    openTables();
    return;
  }

  // Printing shows the tables (print styles hide the canvases); they close again afterwards.
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    openedForPrint = Array.prototype.filter.call(document.querySelectorAll("details.chart-table"),
      function (details) { return !details.open; });
    openedForPrint.forEach(function (details) { details.open = true; });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (details) { details.open = false; });
  });

  function follow(link) {
    if (link) { window.location.assign(link); }
  }

  function pointer(event, elements) {
    event.native.target.style.cursor = elements.length ? "pointer" : "default";
  }

  function showBox(canvas, height) {
    var box = canvas.parentElement;
    box.classList.add("chart-drawn");
    if (height) { box.style.height = height + "px"; }
  }

  // Bars across (countries, fields, products), columns up (channel statuses), or months: new records as
  // columns on the left axis, activities as a line on the right one.
  function drawCartesian(canvas, spec) {
    var across = spec.kind === "bars";
    var colours = SERIES_COLOURS[spec.kind];
    var datasets = spec.series.map(function (series, index) {
      var dataset = {label: series.label, data: series.values, backgroundColor: colours[index],
                     borderColor: colours[index], links: series.links};
      if (spec.kind === "months" && index === 1) {
        dataset.type = "line";
        dataset.yAxisID = "activities";
        dataset.pointRadius = 4;
        dataset.pointHoverRadius = 6;
      }
      return dataset;
    });
    var scales = {};
    var valueAxis = across ? "x" : "y";
    scales[valueAxis] = {beginAtZero: true, ticks: {precision: 0}};
    scales[across ? "y" : "x"] = {ticks: {autoSkip: !across}};
    if (spec.kind === "months") {
      scales.y.title = {display: true, text: spec.series[0].label};
      scales.activities = {position: "right", beginAtZero: true, ticks: {precision: 0},
                           grid: {drawOnChartArea: false}, title: {display: true, text: spec.series[1].label}};
    }
    showBox(canvas, across ? Math.max(160, spec.labels.length * (22 + 10 * (spec.series.length - 1)) + 50) : 0);
    return new window.Chart(canvas, {
      type: "bar",
      data: {labels: spec.labels, datasets: datasets},
      options: {
        indexAxis: across ? "y" : "x",
        locale: locale,
        maintainAspectRatio: false,
        scales: scales,
        plugins: {legend: {display: spec.series.length > 1, position: "bottom"}},
        onHover: pointer,
        onClick: function (event, elements) {
          var element = elements[0];
          if (element) { follow(datasets[element.datasetIndex].links[element.index]); }
        },
      },
    });
  }

  // People by country on the world's country shapes (world-atlas, ids ISO 3166 numeric); countries too small
  // for the map's scale are named under it.
  function drawMap(canvas, spec) {
    var ChartGeo = window.ChartGeo;
    var byShape = {};
    spec.shape_ids.forEach(function (id, index) {
      if (id) { byShape[id] = {label: spec.labels[index], value: spec.series[0].values[index], link: spec.series[0].links[index]}; }
    });
    return fetch(canvas.dataset.shapes, {credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) { throw new Error("country shapes: HTTP " + response.status); }
        return response.json();
      })
      .then(function (world) {
        var shapes = ChartGeo.topojson.feature(world, world.objects.countries).features
          .filter(function (shape) { return shape.id !== "010"; });  // Antarctica: nobody lives there
        var drawn = {};
        var points = shapes.map(function (shape) {
          var country = byShape[shape.id];
          if (country) { drawn[shape.id] = true; }
          return {feature: shape, value: country ? country.value : null};
        });
        var missing = spec.shape_ids.map(function (id, index) {
          return id && drawn[id] ? null : spec.labels[index] + " (" + spec.series[0].values[index].toLocaleString(locale) + ")";
        }).filter(Boolean);
        var note = canvas.closest(".card-body").querySelector(".chart-missing");
        if (note && missing.length) {
          note.textContent = note.dataset.label + " " + missing.join(", ");
          note.hidden = false;
        }
        showBox(canvas, 0);
        // On a phone the colour legend would cover the Americas; the table gives the numbers.
        var legend = canvas.parentElement.clientWidth >= 500;
        return new window.Chart(canvas, {
          type: "choropleth",
          data: {
            labels: shapes.map(function (shape) {
              return byShape[shape.id] ? byShape[shape.id].label : (shape.properties && shape.properties.name) || "";
            }),
            datasets: [{label: spec.series[0].label, data: points, borderColor: "#adb5bd", borderWidth: 0.5}],
          },
          options: {
            locale: locale,
            aspectRatio: 1.9,
            showOutline: false,
            showGraticule: false,
            plugins: {
              legend: {display: false},
              tooltip: {filter: function (item) { return item.raw.value !== null; }},
            },
            scales: {
              projection: {axis: "x", projection: "equalEarth"},
              color: {axis: "x", type: "colorLogarithmic", interpolate: "blues", missing: "#f1f3f5", display: legend,
                      ticks: {precision: 0}, legend: {position: "bottom-left", align: "right"}},
            },
            onHover: function (event, elements) {
              pointer(event, elements.filter(function (element) { return points[element.index].value !== null; }));
            },
            onClick: function (event, elements) {
              var element = elements[0];
              var country = element && byShape[shapes[element.index].id];
              if (country) { follow(country.link); }
            },
          },
        });
      });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = JSON.parse(canvas.dataset.chart);
    try {
      var drawing = spec.kind === "map" ? drawMap(canvas, spec) : drawCartesian(canvas, spec);
      if (drawing && drawing.catch) {
        drawing.catch(function (error) {
          console.warn(error);
          canvas.closest(".card-body").querySelector("details.chart-table").open = true;
        });
      }
    } catch (error) {
      console.warn(error);
      canvas.closest(".card-body").querySelector("details.chart-table").open = true;
    }
  });
}());
