/* Explorers in the static book: native range inputs and menus that step through the
 * settings computed when the notebook ran (frames drawn by the explorer's own render at
 * book build; see src/dlcourse/widgets/static.py). No framework, no network.
 *
 * Each .dlc-explorer holds a <script type="application/json" class="dlc-explorer-grid">
 * with controls [{name, label, kind, labels, default}], points [[i, ...]], frames [url],
 * tables [html] and alts [text] (the picture's alt at each point). Moving a control picks the grid point with the chosen value that
 * changes the fewest other controls; frames load on first use.
 */
(function () {
  "use strict";

  function nearest(grid, state, k, v) {
    var best = -1, bestCost = Infinity;
    grid.points.forEach(function (p, j) {
      if (p[k] !== v) return;
      var changed = 0, dist = 0;
      for (var m = 0; m < p.length; m++) {
        if (m === k) continue;
        if (p[m] !== state[m]) { changed += 1; dist += Math.abs(p[m] - state[m]); }
      }
      var cost = changed * 1000 + dist;
      if (cost < bestCost) { bestCost = cost; best = j; }
    });
    return best;
  }

  function upgrade(box) {
    var script = box.querySelector("script.dlc-explorer-grid");
    if (!script || box.dataset.dlcLive) return;
    var grid = JSON.parse(script.textContent);
    box.dataset.dlcLive = "1";
    var img = box.querySelector("img.dlc-explorer-frame");
    var table = box.querySelector(".dlc-explorer-table");
    var list = box.querySelector(".dlc-explorer-controls");
    var state = grid.points[0].slice();
    var inputs = [], readouts = [], preloaded = false;
    var form = document.createElement("div");
    form.className = "dlc-explorer-form";

    function preload() {
      if (preloaded) return;
      preloaded = true;
      grid.frames.forEach(function (url) { var im = new Image(); im.src = url; });
    }

    function show(j) {
      state = grid.points[j].slice();
      inputs.forEach(function (input, m) {
        if (input) input.value = String(state[m]);
        readouts[m].textContent = grid.controls[m].labels[state[m]];
      });
      if (img) {
        img.hidden = !grid.frames[j];  // no frame: the computation failed, the table says why
        if (grid.frames[j]) img.src = grid.frames[j];
        // the alt names the setting this frame shows (a screen reader hears the new one)
        if (grid.alts && grid.alts[j]) img.alt = grid.alts[j];
      }
      if (table) table.innerHTML = grid.tables[j];
      box.dataset.dlcPoint = String(j);
    }

    grid.controls.forEach(function (c, k) {
      var row = document.createElement("label");
      row.className = "dlc-explorer-row";
      var name = document.createElement("span");
      name.className = "dlc-explorer-label";
      name.textContent = c.label;
      var readout = document.createElement("output");
      readout.className = "dlc-explorer-value";
      readout.textContent = c.labels[c.default];
      var input = null;
      if (c.labels.length > 1) {
        if (c.kind === "select") {
          input = document.createElement("select");
          c.labels.forEach(function (text, i) {
            var opt = document.createElement("option");
            opt.value = String(i);
            opt.textContent = text;
            input.appendChild(opt);
          });
        } else {
          input = document.createElement("input");
          input.type = "range";
          input.min = "0";
          input.max = String(c.labels.length - 1);
          input.step = "1";
        }
        input.value = String(c.default);
        input.dataset.control = c.name;
        input.setAttribute("aria-label", c.label);
        input.addEventListener("input", function () {
          preload();
          var j = nearest(grid, state, k, parseInt(input.value, 10));
          if (j >= 0) show(j);
        });
        input.addEventListener("focus", preload);
      } else {
        row.classList.add("dlc-explorer-fixed");
        readout.title = "fixed in the book; run the notebook to change it";
      }
      row.appendChild(name);
      if (input) row.appendChild(input);
      row.appendChild(readout);
      form.appendChild(row);
      inputs.push(input);
      readouts.push(readout);
    });
    if (list) list.replaceWith(form); else box.insertBefore(form, box.firstChild);
    var note = box.querySelector(".dlc-explorer-note");
    if (note) {
      note.textContent = "The controls step through " + grid.points.length +
        " settings computed when the notebook ran; run the notebook to explore every setting.";
    }
  }

  function init() {
    document.querySelectorAll(".dlc-explorer").forEach(upgrade);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
