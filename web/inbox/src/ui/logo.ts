// Kith's mark: two speech bubbles, drawn inline (no image to fetch).

const SVG = "http://www.w3.org/2000/svg";

export function logo(): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "logo");
  svg.setAttribute("viewBox", "0 0 32 32");
  svg.setAttribute("aria-hidden", "true");
  const rect = document.createElementNS(SVG, "rect");
  for (const [k, v] of [["width", "32"], ["height", "32"], ["rx", "9"], ["class", "logo-bg"]]) rect.setAttribute(k, v);
  svg.appendChild(rect);
  for (const [d, cls] of [
    ["M8 10.5A2.5 2.5 0 0 1 10.5 8h8A2.5 2.5 0 0 1 21 10.5v5a2.5 2.5 0 0 1-2.5 2.5H13l-3.5 3v-3A2.5 2.5 0 0 1 8 15.5z", "logo-a"],
    ["M23 13.5h.5A2.5 2.5 0 0 1 26 16v5a2.5 2.5 0 0 1-2.5 2.5V26l-3-2.5h-4A2.5 2.5 0 0 1 14 21v-.5", "logo-b"],
  ]) {
    const p = document.createElementNS(SVG, "path");
    p.setAttribute("d", d);
    p.setAttribute("class", cls);
    svg.appendChild(p);
  }
  return svg;
}
