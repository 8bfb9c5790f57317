// Draws the launch-site map from the GeoJSON and settings embedded in the page (see templates/maps/_map.html).
// Markers, popups and legend need no tiles: they work where the tile server cannot be reached.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("launch-map-data").textContent);
  var config = JSON.parse(document.getElementById("launch-map-config").textContent);
  var largest = data.features.reduce(function (most, feature) {
    return Math.max(most, feature.properties.launches);
  }, 1);

  function radius(launches) {
    // Marker area proportional to launches, as on the PNG map.
    return Math.max(4, 26 * Math.sqrt(launches / largest));
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function popup(properties) {
    var box = element("div", "site-popup");
    box.appendChild(element("h2", "", properties.name));
    var facts = element("dl");
    var rows = [
      ["Country", properties.country],
      ["Launches", properties.launches],
      ["Successes", properties.successes],
      ["Failures", properties.failures],
      ["Success rate", (properties.success_rate * 100).toFixed(1) + "%"],
      ["First launch", properties.first_launch.slice(0, 10)],
      ["Last launch", properties.last_launch.slice(0, 10)],
      ["Organisations", properties.organisations.join(", ")],
    ];
    if (properties.precision === "country") rows.push(["Located", "by country only"]);
    rows.forEach(function (row) {
      facts.appendChild(element("dt", "", row[0]));
      facts.appendChild(element("dd", "", String(row[1])));
    });
    box.appendChild(facts);
    return box;
  }

  var map = L.map("launch-map", { worldCopyJump: true, minZoom: 1 }).setView([20, 0], 2);
  // The app's own land outline stands in for the tiles when there are none or they fail to load.
  map.createPane("land").style.zIndex = 250;
  var landShown = false;
  function showLand() {
    if (landShown || !config.landUrl) return;
    landShown = true;
    fetch(config.landUrl)
      .then(function (response) { return response.json(); })
      .then(function (land) {
        L.geoJSON(land, {
          pane: "land",
          interactive: false,
          style: { color: "#7a8a99", weight: 0.6, fillColor: config.landColour, fillOpacity: 1 },
        }).addTo(map);
        document.getElementById("launch-map").classList.add("land-drawn");
      });
  }
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 12 })
      .on("tileerror", showLand)
      .addTo(map);
  } else {
    showLand();
  }
  var sites = L.geoJSON(data, {
    pointToLayer: function (feature, latlng) {
      return L.circleMarker(latlng, {
        radius: radius(feature.properties.launches),
        color: "#333333",
        weight: 1,
        fillColor: feature.properties["marker-color"],
        fillOpacity: 0.8,
        className: "site-marker",
      });
    },
    onEachFeature: function (feature, layer) {
      layer.bindPopup(popup(feature.properties));
      layer.bindTooltip(feature.properties.name + ": " + feature.properties.launches + " launches");
    },
  }).addTo(map);
  if (data.features.length) map.fitBounds(sites.getBounds(), { padding: [30, 30], maxZoom: 6 });

  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    var box = element("div", "map-legend");
    box.appendChild(element("h2", "", "Success rate"));
    config.bands.forEach(function (band) {
      var line = element("div");
      var swatch = element("i");
      swatch.style.background = band.colour;
      line.appendChild(swatch);
      line.appendChild(document.createTextNode(band.label));
      box.appendChild(line);
    });
    box.appendChild(element("div", "", "Marker area: launches (largest " + largest + ")"));
    return box;
  };
  legend.addTo(map);
})();
