// The console's map: every located case the filters keep, a marker coloured by priority, clustered;
// a marker opens its case. With no tiles (or none reachable) the markers show on a plain background.
"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  const area = document.getElementById("map");
  if (!area || !window.L) return;
  const colours = { P1: "#b3261e", P2: "#a15c00", P3: "#31608f" };
  if (area.dataset.here) {  // a case's page: its one place
    const [lat, lon] = area.dataset.here.split(",").map(Number);
    const one = L.map(area, { maxZoom: 19 }).setView([lat, lon], 14);
    if (area.dataset.tiles) {
      L.tileLayer(area.dataset.tiles, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(one);
    }
    L.circleMarker([lat, lon], { radius: 9, color: colours[area.dataset.priority] || "#555", weight: 2, fillOpacity: 0.7 })
      .bindTooltip(area.dataset.reference).addTo(one);
    area.dataset.shown = "1";
    return;
  }
  const map = L.map(area, { maxZoom: 19 }).setView([12.5, 104.9], 7);  // clustering needs maxZoom
  if (area.dataset.tiles) {
    L.tileLayer(area.dataset.tiles, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
  }
  const answer = await fetch(area.dataset.points, { credentials: "same-origin", cache: "no-store" });
  if (!answer.ok) return;
  const points = await answer.json();
  const group = L.markerClusterGroup({ maxClusterRadius: 40 });
  for (const [reference, priority, sos, lat, lon] of points) {
    const marker = L.circleMarker([lat, lon], {
      radius: sos ? 10 : 7, color: colours[priority] || "#555", weight: 2, fillOpacity: 0.7,
    });
    marker.bindTooltip(reference + (sos ? " 🆘" : ""));
    marker.on("click", () => window.location.assign("/cases/" + encodeURIComponent(reference)));
    group.addLayer(marker);
  }
  map.addLayer(group);
  if (points.length) map.fitBounds(group.getBounds(), { maxZoom: 14, padding: [20, 20] });
  const count = document.getElementById("map-count");
  if (count) count.textContent = area.dataset.count.replace("{count}", String(points.length));
  area.dataset.shown = String(points.length);
});
