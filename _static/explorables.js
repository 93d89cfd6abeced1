/* The book's explorable figures: readers move distributions and watch KL and cross-entropy.
 *
 * A chapter places <div class="klce-explorable" data-kind="..."> in its text; this script builds
 * labelled, keyboard-operable controls (range inputs), an SVG figure and text readouts
 * (aria-live) inside it. Without JavaScript, and in the PDF, the chapter's static figure next to
 * it shows the same thing. The formulas here are the few lines below (kl, entropy, softmax);
 * tests/test_site.py moves every control in Chromium and checks every readout against klce.
 *
 * Kinds:
 *   kl-pair      P and Q on three outcomes (weights w, normalised p = w / sum w, shown):
 *                KL(P||Q), KL(Q||P) and the pointwise terms p log(p/q).       data-p, data-q
 *   ce-identity  the same controls; a stacked bar H(P,Q) = H(P) + KL(P||Q).  data-p, data-q
 *   temperature  teacher and student logits softened by T:
 *                p_T = softmax(z_t/T), q_T = softmax(z_s/T), KL(p_T||q_T) and T^2 KL.
 *                data-teacher, data-student (comma-separated logits)
 */
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const COLORS = { p: "#0072B2", q: "#D55E00", kl: "#CC79A7", ce: "#E69F00", h: "#009E73" };
  let serial = 0;

  const sum = (a) => a.reduce((s, x) => s + x, 0);
  const normalise = (w) => w.map((x) => x / sum(w));
  const kl = (p, q) => sum(p.map((pi, i) => (pi > 0 ? pi * Math.log(pi / q[i]) : 0)));
  const entropy = (p) => -sum(p.map((pi) => (pi > 0 ? pi * Math.log(pi) : 0)));
  const softmax = (z) => {
    const m = Math.max(...z);
    const e = z.map((x) => Math.exp(x - m));
    return e.map((x) => x / sum(e));
  };
  const fmt = (x) => x.toFixed(4);
  const numbers = (text) => text.split(",").map(Number);

  function el(tag, attrs, parent, ns) {
    const node = ns ? document.createElementNS(SVG, tag) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (parent) parent.appendChild(node);
    return node;
  }

  function slider(box, label, value, min, max, step) {
    const id = `klce-x${++serial}`;
    const row = el("div", { class: "klce-control" }, box);
    el("label", { for: id }, row).textContent = label;
    const input = el("input", { type: "range", id, min, max, step, value }, row);
    const shown = el("output", { for: id, class: "klce-value" }, row);
    shown.textContent = value;
    input.addEventListener("input", () => { shown.textContent = input.value; });
    return input;
  }

  function readout(box, name, label) {
    const row = el("div", { class: "klce-readout" }, box);
    el("span", {}, row).textContent = `${label} = `;
    const out = el("output", { "data-readout": name, "aria-live": "polite" }, row);
    el("span", {}, row).textContent = " nats";
    return out;
  }

  function legend(box, items) {
    /* the figure's key in the page's own text size: a colour swatch and a label per series */
    const list = el("ul", { class: "klce-legend" }, box);
    for (const [color, text] of items) {
      const item = el("li", {}, list);
      el("span", { class: "klce-swatch", style: `background:${color}`, "aria-hidden": "true" },
        item);
      el("span", {}, item).textContent = text;
    }
    return list;
  }

  function bars(svg, groups, colors) {
    /* grouped bars from a baseline at 0: groups[k][j] is bar j of outcome k */
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const values = groups.flat();
    const hi = Math.max(1, ...values), lo = Math.min(0, ...values);
    const W = 320, H = 150, pad = 30, gw = (W - pad) / groups.length, top = 8, bottom = H - 22;
    const y = (v) => top + ((hi - v) / (hi - lo)) * (bottom - top);
    groups.forEach((g, k) => {
      const bw = (gw - 12) / g.length;
      g.forEach((v, j) => {
        el("rect", { x: pad + k * gw + 6 + j * bw, y: Math.min(y(v), y(0)), width: bw - 2,
          height: Math.max(1, Math.abs(y(v) - y(0))), fill: colors[j] }, svg, true);
      });
      el("text", { x: pad + k * gw + gw / 2, y: H - 6, "text-anchor": "middle",
        "font-size": 13 }, svg, true).textContent = `x${k + 1}`;
    });
    el("line", { x1: pad, x2: W, y1: y(0), y2: y(0), stroke: "#999" }, svg, true);
    const ticks = [0, 0.5, 1].concat(lo < -0.25 ? [Math.ceil(lo * 2) / 2] : []);
    for (const v of ticks) {
      el("text", { x: pad - 4, y: y(v) + 4, "text-anchor": "end", "font-size": 12 }, svg, true)
        .textContent = String(v);
    }
  }

  function distributionControls(root, name, weights) {
    const box = el("fieldset", { class: "klce-group" }, root);
    el("legend", {}, box).textContent =
      `${name}: weights of the three outcomes (divided by their sum)`;
    return weights.map((w, k) => slider(box, `${name} weight of x${k + 1}`, w, 1, 20, 1));
  }

  function setup(root) {
    const kind = root.dataset.kind;
    root.textContent = "";
    root.setAttribute("role", "group");
    const controls = el("div", { class: "klce-controls" }, root);
    const figure = el("svg", { viewBox: "0 0 320 150", role: "img",
      class: "klce-figure" }, root, true);
    const readouts = el("div", { class: "klce-readouts" }, root);

    if (kind === "kl-pair" || kind === "ce-identity") {
      root.setAttribute("aria-label", kind === "kl-pair"
        ? "Explorable figure: KL divergence in both directions"
        : "Explorable figure: cross-entropy equals entropy plus KL divergence");
      const pIn = distributionControls(controls, "P", numbers(root.dataset.p));
      const qIn = distributionControls(controls, "Q", numbers(root.dataset.q));
      if (kind === "kl-pair") {
        legend(readouts, [[COLORS.p, "p(x), a probability"], [COLORS.q, "q(x), a probability"],
          [COLORS.kl, "p(x) log(p(x)/q(x)), in nats"]]);
      } else {
        legend(readouts, [[COLORS.h, "H(P), in nats"], [COLORS.kl, "KL(P \u2016 Q), in nats"]]);
      }
      const probs = el("p", { class: "klce-probs", "aria-live": "polite" }, readouts);
      const outs = kind === "kl-pair"
        ? { kl_pq: readout(readouts, "kl_pq", "KL(P \u2016 Q)"),
            kl_qp: readout(readouts, "kl_qp", "KL(Q \u2016 P)") }
        : { h_p: readout(readouts, "h_p", "H(P)"), kl_pq: readout(readouts, "kl_pq", "KL(P \u2016 Q)"),
            ce: readout(readouts, "ce", "H(P, Q)") };
      const update = () => {
        const p = normalise(pIn.map((i) => Number(i.value)));
        const q = normalise(qIn.map((i) => Number(i.value)));
        probs.textContent = `P = (${p.map(fmt).join(", ")}), Q = (${q.map(fmt).join(", ")})`;
        if (kind === "kl-pair") {
          const a = kl(p, q), b = kl(q, p);
          outs.kl_pq.textContent = fmt(a);
          outs.kl_qp.textContent = fmt(b);
          const terms = p.map((pi, i) => pi * Math.log(pi / q[i]));
          bars(figure, p.map((pi, i) => [pi, q[i], terms[i]]), [COLORS.p, COLORS.q, COLORS.kl]);
          figure.setAttribute("aria-label",
            `P, Q and the terms of KL(P||Q) = ${fmt(a)} nats; KL(Q||P) = ${fmt(b)} nats`);
        } else {
          const h = entropy(p), d = kl(p, q);
          outs.h_p.textContent = fmt(h);
          outs.kl_pq.textContent = fmt(d);
          outs.ce.textContent = fmt(h + d);
          stacked(figure, h, d);
        }
      };
      [...pIn, ...qIn].forEach((i) => i.addEventListener("input", update));
      update();
    } else if (kind === "temperature") {
      root.setAttribute("aria-label", "Explorable figure: temperature softens soft targets");
      const teacher = numbers(root.dataset.teacher), student = numbers(root.dataset.student);
      const tIn = slider(controls, "temperature T", 1, 0.5, 10, 0.5);
      const outs = { kl_t: readout(readouts, "kl_t", "KL(p_T \u2016 q_T)"),
        kl_t2: readout(readouts, "kl_t2", "T\u00b2 \u00b7 KL(p_T \u2016 q_T)"),
        h_t: readout(readouts, "h_t", "H(p_T)") };
      legend(readouts, [[COLORS.p, "teacher p_T"], [COLORS.q, "student q_T"]]);
      const update = () => {
        const T = Number(tIn.value);
        const p = softmax(teacher.map((z) => z / T)), q = softmax(student.map((z) => z / T));
        const d = kl(p, q);
        outs.kl_t.textContent = fmt(d);
        outs.kl_t2.textContent = fmt(T * T * d);
        outs.h_t.textContent = fmt(entropy(p));
        bars(figure, p.map((pi, i) => [pi, q[i]]), [COLORS.p, COLORS.q]);
        figure.setAttribute("aria-label",
          `At T = ${T} the teacher's soft targets and the student's probabilities`);
      };
      tIn.addEventListener("input", update);
      update();
    }
  }

  function stacked(svg, h, d) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const top = Math.max(3, h + d), x = (v) => 20 + (v / top) * 280;
    el("rect", { x: x(0), y: 40, width: x(h) - x(0), height: 40, fill: COLORS.h }, svg, true);
    el("rect", { x: x(h), y: 40, width: Math.max(1, x(h + d) - x(h)), height: 40,
      fill: COLORS.kl }, svg, true);
    el("text", { x: 20, y: 30, "font-size": 13 }, svg, true).textContent =
      "H(P, Q) = H(P) + KL(P \u2016 Q), in nats";
    el("line", { x1: x(0), x2: x(top), y1: 95, y2: 95, stroke: "#999" }, svg, true);
    for (let v = 0; v <= top; v += 1) {
      el("text", { x: x(v), y: 112, "font-size": 12, "text-anchor": "middle" }, svg, true)
        .textContent = String(v);
    }
    svg.setAttribute("aria-label",
      `Stacked bar: H(P) = ${fmt(h)} plus KL = ${fmt(d)} gives H(P,Q) = ${fmt(h + d)} nats`);
  }

  function init() {
    document.querySelectorAll("div.klce-explorable").forEach(setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
