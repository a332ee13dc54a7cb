/* Maps of events (Leaflet): points from a GeoJSON address, placed regions, and a picker for a form.
 *
 * Each `.event-map` element says what to draw in data attributes: `data-geojson` (the events, RFC 7946
 * points, longitude first), `data-tiles` and `data-attribution` (the background; none when empty),
 * `.map-region` children (regions placed on the map), `data-picker` (a click places the event and fills
 * the form's latitude and longitude; typing them moves the marker). Without scripts or tiles the page
 * still lists everything: the map only adds to it.
 */
(function () {
  "use strict";

  var DEFAULT_VIEW = [46.6, 2.4];
  var DEFAULT_ZOOM = 5;

  function baseMap(element) {
    var map = L.map(element).setView(DEFAULT_VIEW, DEFAULT_ZOOM);
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: element.dataset.attribution || "" }).addTo(map);
    }
    return map;
  }

  function popup(feature) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = feature.properties.url;
    link.textContent = feature.properties.title;
    box.appendChild(link);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(feature.properties.starts_at));
    return box;
  }

  function showEvents(element, map) {
    var bounds = [];
    element.querySelectorAll(".map-region").forEach(function (region) {
      var point = [parseFloat(region.dataset.latitude), parseFloat(region.dataset.longitude)];
      L.circleMarker(point, { radius: 10, className: "map-region-marker" }).bindTooltip(region.dataset.name).addTo(map);
      bounds.push(point);
    });
    if (!element.dataset.geojson) {
      return;
    }
    fetch(element.dataset.geojson)
      .then(function (response) { return response.json(); })
      .then(function (collection) {
        L.geoJSON(collection, {
          onEachFeature: function (feature, layer) { layer.bindPopup(popup(feature)); }
        }).addTo(map);
        collection.features.forEach(function (feature) {
          bounds.push([feature.geometry.coordinates[1], feature.geometry.coordinates[0]]);
        });
        if (bounds.length) {
          map.fitBounds(bounds, { maxZoom: 12, padding: [20, 20] });
        }
        element.dataset.loaded = String(collection.features.length);
      });
  }

  function picker(element, map) {
    var form = element.closest("form");
    var latitude = form.querySelector('[name="latitude"]');
    var longitude = form.querySelector('[name="longitude"]');
    var marker = null;

    function place(point) {
      if (marker) {
        marker.setLatLng(point);
      } else {
        marker = L.marker(point).addTo(map);
      }
    }

    map.on("click", function (event) {
      var point = event.latlng.wrap();
      latitude.value = point.lat.toFixed(5);
      longitude.value = point.lng.toFixed(5);
      place(point);
    });

    function typed() {
      var lat = parseFloat(latitude.value), lon = parseFloat(longitude.value);
      if (isFinite(lat) && isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
        place([lat, lon]);
        map.setView([lat, lon], Math.max(map.getZoom(), 10));
      }
    }
    latitude.addEventListener("change", typed);
    longitude.addEventListener("change", typed);
    typed();
  }

  function start() {
    if (typeof L === "undefined") {
      return;
    }
    document.querySelectorAll(".event-map").forEach(function (element) {
      element.classList.add("event-map--drawn");
      var map = baseMap(element);
      if (element.dataset.picker) {
        picker(element, map);
      } else {
        showEvents(element, map);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
