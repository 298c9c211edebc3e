// Event map: an offline basemap (Natural Earth countries shipped in
// /static/world.json as plate carree paths) drawn in SVG, with pan and zoom
// done by moving the viewBox. No tiles, no CDN, no projection library.
import { clean, svg } from "./common.js";

const K = 0.86; // horizontal squeeze (≈ cos 30°) so mid-latitudes are not too stretched
const px = (lon) => lon * K;
const py = (lat) => -lat;

export class EventMap {
  constructor(root, { onPick } = {}) {
    this.root = root;
    this.onPick = onPick || (() => {});
    this.view = { cx: px(20), cy: py(20), w: 360 * K };
    this.points = [];
    this.selected = null;
    this.base = svg("g", { class: "base" });
    this.world = svg("g", { transform: `scale(${K},1)` });
    this.dots = svg("g", { class: "dots" });
    this.base.append(this.world);
    root.append(this.base, this.dots);
    this._graticule();
    this._interact();
    new ResizeObserver(() => this._apply()).observe(root);
  }

  async loadWorld(url = "/static/world.json") {
    const res = await fetch(url);
    const data = await res.json();
    const frag = document.createDocumentFragment();
    for (const c of data.countries) {
      const p = svg("path", { d: c.d, class: "country" });
      p.append(svg("title", {}, c.name));
      frag.append(p);
    }
    this.world.append(frag);
  }

  _graticule() {
    const g = svg("g", { transform: `scale(${K},1)` });
    for (let lon = -180; lon <= 180; lon += 30) g.append(svg("path", { class: "graticule", d: `M${lon} -90V90` }));
    for (let lat = -60; lat <= 60; lat += 30) g.append(svg("path", { class: "graticule", d: `M-180 ${-lat}H180` }));
    this.world.before(g);
  }

  _scale() {
    // viewBox units per screen pixel
    const w = this.root.clientWidth || 800;
    return this.view.w / w;
  }

  _apply() {
    const cw = this.root.clientWidth || 800;
    const ch = this.root.clientHeight || 380;
    const w = this.view.w;
    const h = (w * ch) / cw;
    this.root.setAttribute("viewBox", `${this.view.cx - w / 2} ${this.view.cy - h / 2} ${w} ${h}`);
    const s = this._scale();
    for (const c of this.dots.querySelectorAll("circle")) {
      const r = Number(c.dataset.r) * s;
      c.setAttribute("r", c.classList.contains("halo") ? r * 1.9 : r);
    }
  }

  zoom(factor, cx, cy) {
    const nw = Math.min(400 * K, Math.max(1.5, this.view.w / factor));
    if (cx !== undefined) {
      const f = nw / this.view.w;
      this.view.cx = cx + (this.view.cx - cx) * f;
      this.view.cy = cy + (this.view.cy - cy) * f;
    }
    this.view.w = nw;
    this._apply();
  }

  fit() {
    const pts = this.points;
    if (!pts.length) {
      this.view = { cx: px(30), cy: py(25), w: 300 * K };
      return this._apply();
    }
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const p of pts) {
      x0 = Math.min(x0, px(p.lon)); x1 = Math.max(x1, px(p.lon));
      y0 = Math.min(y0, py(p.lat)); y1 = Math.max(y1, py(p.lat));
    }
    const cw = this.root.clientWidth || 800;
    const ch = this.root.clientHeight || 380;
    const w = Math.max((x1 - x0) * 1.5, ((y1 - y0) * 1.5 * cw) / ch, 36);
    this.view = { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, w: Math.min(w, 400 * K) };
    this._apply();
  }

  setPoints(points, { refit = true } = {}) {
    this.points = points || [];
    this.dots.replaceChildren();
    const max = Math.max(1, ...this.points.map((p) => p.count));
    // largest first so small dots stay clickable on top
    const sorted = [...this.points].sort((a, b) => b.count - a.count);
    for (const p of sorted) {
      const r = 4 + 14 * Math.sqrt(p.count / max);
      const x = px(p.lon);
      const y = py(p.lat);
      const q = p.quad_class || "none";
      const halo = svg("circle", { cx: x, cy: y, class: `halo stroke-${q}`, "data-r": r });
      const dot = svg("circle", { cx: x, cy: y, class: `pt fill-${q}`, "data-r": r, "data-id": p.event_id, tabindex: 0 });
      const label = `${clean(p.place, 80) || "?"} — ${p.count} event${p.count === 1 ? "" : "s"}` +
        (p.top_type ? ` (mostly ${p.top_type})` : "");
      dot.append(svg("title", {}, label));
      dot.addEventListener("click", () => this.onPick(p));
      dot.addEventListener("keydown", (e) => { if (e.key === "Enter") this.onPick(p); });
      this.dots.append(halo, dot);
    }
    if (refit) this.fit();
    else this._apply();
    this.mark(this.selected);
  }

  mark(eventId) {
    this.selected = eventId;
    for (const c of this.dots.querySelectorAll(".pt")) c.classList.toggle("sel", c.dataset.id === eventId);
  }

  _toView(clientX, clientY) {
    const r = this.root.getBoundingClientRect();
    const s = this._scale();
    const h = (this.view.w * r.height) / r.width;
    return [this.view.cx - this.view.w / 2 + (clientX - r.left) * s, this.view.cy - h / 2 + (clientY - r.top) * s];
  }

  _interact() {
    const root = this.root;
    root.addEventListener("wheel", (e) => {
      e.preventDefault();
      const [x, y] = this._toView(e.clientX, e.clientY);
      this.zoom(e.deltaY < 0 ? 1.25 : 0.8, x, y);
    }, { passive: false });
    let drag = null;
    root.addEventListener("pointerdown", (e) => {
      if (e.target.classList && e.target.classList.contains("pt")) return;
      drag = { x: e.clientX, y: e.clientY, cx: this.view.cx, cy: this.view.cy };
      root.setPointerCapture(e.pointerId);
      root.classList.add("dragging");
    });
    root.addEventListener("pointermove", (e) => {
      if (!drag) return;
      const s = this._scale();
      this.view.cx = drag.cx - (e.clientX - drag.x) * s;
      this.view.cy = drag.cy - (e.clientY - drag.y) * s;
      this._apply();
    });
    const end = () => { drag = null; root.classList.remove("dragging"); };
    root.addEventListener("pointerup", end);
    root.addEventListener("pointercancel", end);
  }

  /** The visible area as minlon,minlat,maxlon,maxlat (clamped), for a bbox filter. */
  visibleBbox() {
    const cw = this.root.clientWidth || 800;
    const ch = this.root.clientHeight || 380;
    const h = (this.view.w * ch) / cw;
    const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
    const minlon = clamp((this.view.cx - this.view.w / 2) / K, -180, 180);
    const maxlon = clamp((this.view.cx + this.view.w / 2) / K, -180, 180);
    const maxlat = clamp(-(this.view.cy - h / 2), -90, 90);
    const minlat = clamp(-(this.view.cy + h / 2), -90, 90);
    return [minlon, minlat, maxlon, maxlat].map((v) => v.toFixed(3)).join(",");
  }
}
