// Build the offline basemap for sitroom's web UI.
//
// Reads Natural Earth country boundaries from the `world-atlas` npm package
// (TopoJSON), converts them with `topojson-client`, and writes one compact
// JSON file of SVG path strings in plate carree coordinates (x = lon,
// y = -lat), so the browser draws the map with no projection library and no
// tile server. Output: ../src/sitroom/web/static/world.json (committed).
import { readFileSync, writeFileSync } from "node:fs";
import { feature } from "topojson-client";

const RES = process.env.WORLD_RES || "50m";
const STEP = Number(process.env.WORLD_STEP || "0.1"); // degrees; drops finer vertices
const topo = JSON.parse(
  readFileSync(new URL(`./node_modules/world-atlas/countries-${RES}.json`, import.meta.url)),
);
const fc = feature(topo, topo.objects.countries);

const r = (v) => Math.round(v / STEP) * STEP;
const fmt = (v) => String(Number(v.toFixed(2)));

function ring(coords) {
  const pts = [];
  for (const [lon, lat] of coords) {
    const p = [r(lon), r(-lat)];
    const last = pts[pts.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) pts.push(p);
  }
  if (pts.length < 3) return "";
  return "M" + pts.map((p) => fmt(p[0]) + " " + fmt(p[1])).join("L") + "Z";
}

function path(geom) {
  if (!geom) return "";
  const polys = geom.type === "Polygon" ? [geom.coordinates] : geom.coordinates;
  return polys.map((poly) => poly.map(ring).join("")).join("");
}

const countries = fc.features
  .map((f) => ({ id: f.id || "", name: (f.properties && f.properties.name) || "", d: path(f.geometry) }))
  .filter((c) => c.d);

const out = {
  source: `Natural Earth ${RES} admin-0 countries via world-atlas 2.0.2 (public domain / ISC)`,
  projection: "plate carree: x = longitude, y = -latitude",
  countries,
};
const target = new URL("../src/sitroom/web/static/world.json", import.meta.url);
writeFileSync(target, JSON.stringify(out));
console.log(`wrote ${countries.length} countries to ${target.pathname}`);
