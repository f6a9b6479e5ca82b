-- Tables, figures and RESULTS.md of an examples/paper sweep.
--
-- usage: prunelab examples/paper/report.lua results/<preset>    (reads results/<preset>/sweep)
--
-- Writes into results/<preset>/:
--   table1.csv / .md       accuracy per method and sparsity (mean, std, n over seeds), the
--                          baseline and the dense control (Table 1; .md in the paper's layout)
--   table3.csv / .md       iterative magnitude pruning 60→90% against single-shot (Table 3)
--   similarity.csv / .md   SVCCA per method, sparsity and layer (mean, std, n), with the probe
--                          datapoints per neuron and a flag where there are fewer than 5
--   similarity_epochs.csv  SVCCA per layer after each retraining epoch at the top sparsity
--   figure2_5_methods.png  per-layer SVCCA distributions per method and sparsity (Figures 2/5)
--   figure3_layer_epoch.png, figure4_layer_sparsity.png, training_curves.png
--   RESULTS.md             the paper's three findings, measured, with a verdict at this scale
-- Standard deviations are sample ones (n − 1); absent when n = 1.
local dir = arg[1]
if not dir or arg[2] then
  io.stderr:write("usage: prunelab examples/paper/report.lua results/<preset>\n")
  os.exit(2)
end
local sweep_dir = dir .. "/sweep"

local function read_json(path)
  local f = io.open(path, "r")
  if not f then return nil end
  local text = f:read("a")
  f:close()
  return json.decode(text)
end
local function write(path, text)
  local f = assert(io.open(path .. ".tmp", "w"))
  f:write(text)
  f:close()
  assert(os.rename(path .. ".tmp", path))
end

local function stats(values)
  local n, sum = #values, 0
  if n == 0 then return nil, nil, 0 end
  for _, v in ipairs(values) do sum = sum + v end
  local mean = sum / n
  if n < 2 then return mean, nil, n end
  local ss = 0
  for _, v in ipairs(values) do ss = ss + (v - mean) ^ 2 end
  return mean, math.sqrt(ss / (n - 1)), n
end
-- Missing cells (a std of one seed, no flag) as json.null, so that every column exists.
local function cell(v) if v == nil then return json.null end return v end
local function pct(s) return string.format("%d%%", math.floor(s * 100 + 0.5)) end
local function key(s) return string.format("%.4f", s) end
local function pm(mean, std, scale, digits)
  scale, digits = scale or 1, digits or 1
  if not mean then return "–" end
  local fmt = "%." .. digits .. "f"
  local text = string.format(fmt, mean * scale)
  if std then text = text .. " ± " .. string.format(fmt, std * scale) end
  return text
end

local rows = {}
for _, stage in ipairs({"baseline", "control", "iterative", "main"}) do
  rows[stage] = sweep.load(sweep_dir, {stage = stage})
end
if #rows.baseline == 0 then error("report: no finished baseline in " .. sweep_dir) end
local function job_dir(row) return sweep_dir .. "/jobs/" .. row.id end
local settings = read_json(job_dir(rows.baseline[1]) .. "/settings.json")
local chance = 1 / settings.classes
local near_chance = chance + 0.1  -- accuracies below this are flagged
local min_per_neuron = 5
local preset = settings.name

-- Accuracy and similarity samples, by method and sparsity.
local acc, svcca, layer_values, layer_meta, curves = {}, {}, {}, {}, {}
local order = {}
local function add(method, sparsity, row, layers, curve)
  local k = method .. "@" .. key(sparsity)
  if not acc[k] then
    acc[k], svcca[k], layer_values[k], curves[k] = {}, {}, {}, {}
    order[#order + 1] = {method = method, sparsity = sparsity, k = k}
  end
  acc[k][#acc[k] + 1] = row.accuracy
  if layers then
    local sum = 0
    for _, l in ipairs(layers) do
      layer_values[k][l.layer] = layer_values[k][l.layer] or {}
      table.insert(layer_values[k][l.layer], l.svcca)
      layer_meta[l.layer] = layer_meta[l.layer] or {neurons = l.neurons, datapoints = l.datapoints, index = #layer_meta + 1}
      sum = sum + l.svcca
    end
    svcca[k][#svcca[k] + 1] = sum / #layers
  end
  if curve then curves[k][#curves[k] + 1] = curve end
end
local layer_order = {}
for _, row in ipairs(rows.baseline) do
  local layers = read_json(job_dir(row) .. "/layers.json")
  if #layer_order == 0 then for _, l in ipairs(layers) do layer_order[#layer_order + 1] = l.layer end end
  add("baseline", 0, row, layers, read_json(job_dir(row) .. "/curve.json"))
end
for _, row in ipairs(rows.control) do
  add("control", 0, row, read_json(job_dir(row) .. "/layers.json"), read_json(job_dir(row) .. "/curve.json"))
end
local methods = {"magnitude", "reinit", "random"}
local sparsities = settings.sparsities
for _, row in ipairs(rows.main) do
  add(row.method, row.sparsity, row, read_json(job_dir(row) .. "/layers.json"), read_json(job_dir(row) .. "/curve.json"))
end
for _, row in ipairs(rows.iterative) do
  for _, step in ipairs(read_json(job_dir(row) .. "/steps.json")) do
    add("iterative", step.sparsity, {accuracy = step.accuracy}, step.layers, step.curve)
  end
end
local function summary(method, sparsity)
  local k = method .. "@" .. key(sparsity)
  local am, as, an = stats(acc[k] or {})
  local sm, ss, sn = stats(svcca[k] or {})
  return {acc = am, acc_std = as, n = an, svcca = sm, svcca_std = ss, svcca_n = sn, k = k}
end
local function flag_accuracy(mean)
  if mean and mean < near_chance then
    return string.format("near chance (%.0f%% < chance %.0f%% + 10 points)", mean * 100, chance * 100)
  end
  return nil
end

-- Table 1.
local t1 = {}
for _, o in ipairs(order) do
  if o.method ~= "iterative" then
    local s = summary(o.method, o.sparsity)
    t1[#t1 + 1] = {method = o.method, sparsity = o.sparsity, accuracy_mean = s.acc, accuracy_std = cell(s.acc_std), n = s.n,
                   flag = cell(flag_accuracy(s.acc))}
  end
end
local t1_columns = {"method", "sparsity", "accuracy_mean", "accuracy_std", "n", "flag"}
report.table(t1, {columns = t1_columns}):save(dir .. "/table1.csv")
do  -- the paper's layout: one row per method, Ref (0%) then the sparsities; mean ± std in %.
  local base = summary("baseline", 0)
  local wide, cols = {}, {"method", "Ref (0%)"}
  for _, s in ipairs(sparsities) do cols[#cols + 1] = pct(s) end
  local labels = {magnitude = "Mag.", reinit = "Re-Init.", random = "Rand."}
  for _, m in ipairs(methods) do
    local r = {method = labels[m], ["Ref (0%)"] = pm(base.acc, base.acc_std, 100)}
    for _, s in ipairs(sparsities) do
      local x = summary(m, s)
      r[pct(s)] = pm(x.acc, x.acc_std, 100) .. (flag_accuracy(x.acc) and " ⚠" or "")
    end
    wide[#wide + 1] = r
  end
  local c = summary("control", 0)
  local r = {method = "dense control", ["Ref (0%)"] = pm(c.acc, c.acc_std, 100)}
  for _, s in ipairs(sparsities) do r[pct(s)] = "" end
  wide[#wide + 1] = r
  write(dir .. "/table1.md", string.format("Table 1: test accuracy (%%), mean ± std over %d seed%s (⚠: near chance)\n\n", base.n, base.n == 1 and "" or "s")
        .. report.table(wide, {columns = cols}):markdown())
end

-- Table 3: iterative against single-shot magnitude pruning.
local t3 = {}
for _, s in ipairs(settings.iterative) do
  for _, m in ipairs({"iterative", "magnitude"}) do
    local x = summary(m, s)
    if x.n > 0 then
      t3[#t3 + 1] = {method = m, sparsity = s, accuracy_mean = x.acc, accuracy_std = cell(x.acc_std), n = x.n,
                     svcca_mean = x.svcca, svcca_std = cell(x.svcca_std), flag = cell(flag_accuracy(x.acc))}
    end
  end
end
local t3_table = report.table(t3, {columns = {"method", "sparsity", "accuracy_mean", "accuracy_std", "n", "svcca_mean", "svcca_std", "flag"},
                                   title = "Table 3: iterative magnitude pruning (60→70→80→90%, retraining after each step) against single-shot"})
t3_table:save(dir .. "/table3.csv")
t3_table:save(dir .. "/table3.md")

-- Similarity per layer.
local sim_rows = {}
local function layer_flag(layer)
  local meta = layer_meta[layer]
  local per = meta.datapoints / meta.neurons
  if per < min_per_neuron then return per, string.format("%.1f probe datapoints per neuron (< %d)", per, min_per_neuron) end
  return per, nil
end
for _, o in ipairs(order) do
  for _, layer in ipairs(layer_order) do
    local v = layer_values[o.k][layer]
    if v then
      local mean, std, n = stats(v)
      local per, flag = layer_flag(layer)
      sim_rows[#sim_rows + 1] = {method = o.method, sparsity = o.sparsity, layer = layer, svcca_mean = mean, svcca_std = cell(std), n = n,
                                 datapoints_per_neuron = per, flag = cell(flag)}
    end
  end
end
local sim_table = report.table(sim_rows, {columns = {"method", "sparsity", "layer", "svcca_mean", "svcca_std", "n", "datapoints_per_neuron", "flag"},
                                          title = "SVCCA (99% variance) of every layer with its seed's baseline"})
sim_table:save(dir .. "/similarity.csv")
sim_table:save(dir .. "/similarity.md")

-- Similarity over retraining epochs at the top sparsity (Figure 3).
local top = sparsities[#sparsities]
local epochs_rows, epoch_grid, epoch_count = {}, {}, 0
do
  local acc_values = {}
  for _, row in ipairs(rows.main) do
    if row.method == "magnitude" and key(row.sparsity) == key(top) then
      for _, r in ipairs(read_json(job_dir(row) .. "/over_time.json") or {}) do
        acc_values[r.layer] = acc_values[r.layer] or {}
        acc_values[r.layer][r.epoch + 1] = acc_values[r.layer][r.epoch + 1] or {}
        table.insert(acc_values[r.layer][r.epoch + 1], r.svcca)
        epoch_count = math.max(epoch_count, r.epoch + 1)
      end
    end
  end
  for l, layer in ipairs(layer_order) do
    epoch_grid[l] = {}
    for e = 1, epoch_count do
      local mean, std, n = stats((acc_values[layer] or {})[e] or {})
      epoch_grid[l][e] = mean or 0 / 0
      epochs_rows[#epochs_rows + 1] = {layer = layer, epoch = e - 1, svcca_mean = cell(mean), svcca_std = cell(std), n = n}
    end
  end
  report.table(epochs_rows, {columns = {"layer", "epoch", "svcca_mean", "svcca_std", "n"}}):save(dir .. "/similarity_epochs.csv")
end

-- Figures (the plot module).
local figures = {}
if plot then
  local function save(fig, file) fig:save(dir .. "/" .. file); figures[#figures + 1] = file end
  -- Figures 2/5: per-layer SVCCA (mean over seeds) per method, one sample per sparsity.
  local groups, labels = {}, {}
  for _, s in ipairs(sparsities) do labels[#labels + 1] = pct(s) end
  local names = {}
  for _, m in ipairs(methods) do
    local g = {}
    for j, s in ipairs(sparsities) do
      local sample = {}
      for _, layer in ipairs(layer_order) do
        local v = layer_values[m .. "@" .. key(s)][layer]
        if v then sample[#sample + 1] = (stats(v)) end
      end
      g[j] = sample
    end
    groups[#groups + 1] = g
    names[#names + 1] = m
  end
  save(plot.distribution(groups, {names = names, labels = labels, style = "box", ylabel = "SVCCA with the baseline (per layer)",
                                  title = string.format("Figures 2/5: layer similarity per method and sparsity (%s)", preset), ylim = {0, 1}}),
       "figure2_5_methods.png")
  if epoch_count > 0 then
    local cols = {}
    for e = 1, epoch_count do cols[e] = tostring(e - 1) end
    save(plot.heatmap(epoch_grid, {rows = layer_order, cols = cols, vmin = 0, vmax = 1, xlabel = "retraining epoch (0: just pruned)",
                                   title = string.format("Figure 3: SVCCA with the baseline during retraining at %s", pct(top))}),
         "figure3_layer_epoch.png")
  end
  -- Figure 4: layer × sparsity, iterative (left) and single-shot magnitude (right).
  local g = plot.figure{rows = 1, cols = 2, title = "Figure 4: SVCCA with the baseline per layer and sparsity", width = 11, height = 5}
  for p, m in ipairs({"iterative", "magnitude"}) do
    local list = m == "iterative" and settings.iterative or sparsities
    local grid, cols = {}, {}
    for j, s in ipairs(list) do cols[j] = pct(s) end
    for l, layer in ipairs(layer_order) do
      grid[l] = {}
      for j, s in ipairs(list) do
        local v = (layer_values[m .. "@" .. key(s)] or {})[layer]
        grid[l][j] = v and (stats(v)) or 0 / 0
      end
    end
    g:panel(p):heatmap(grid, {rows = layer_order, cols = cols, vmin = 0, vmax = 1, title = m, xlabel = "sparsity"})
  end
  save(g, "figure4_layer_sparsity.png")
  -- Training curves: test accuracy after each epoch (mean ± std over seeds).
  local series, band, labels2 = {}, {}, {}
  local longest = 0
  for _, spec in ipairs({{"baseline", 0}, {"control", 0}, {"reinit", top}, {"random", top}}) do
    local list = curves[spec[1] .. "@" .. key(spec[2])]
    if list and #list > 0 then
      local mean_curve, std_curve = {}, {}
      for e = 1, #list[1] do
        local v = {}
        for _, c in ipairs(list) do v[#v + 1] = c[e].val_accuracy end
        local m, s = stats(v)
        mean_curve[e], std_curve[e] = m, s or 0
      end
      longest = math.max(longest, #mean_curve)
      series[#series + 1], band[#band + 1] = mean_curve, std_curve
      labels2[#labels2 + 1] = spec[2] > 0 and (spec[1] .. " " .. pct(spec[2])) or spec[1]
    end
  end
  local same = true
  for _, s in ipairs(series) do same = same and #s == longest end
  if #series > 0 and same then
    local x = {}
    for e = 1, longest do x[e] = e end
    save(plot.line(x, series, {labels = labels2, band = band, markers = true, xlabel = "epoch", ylabel = "test accuracy",
                               title = "Training curves (mean ± std over seeds)"}), "training_curves.png")
  end
end

-- RESULTS.md
local out = {}
local function say(fmt, ...) out[#out + 1] = string.format(fmt, ...) end
local base, control = summary("baseline", 0), summary("control", 0)
local function acc_text(x) return pm(x.acc, x.acc_std, 100) .. "%" .. (flag_accuracy(x.acc) and " ⚠ near chance" or "") end
local function sim_text(x) return pm(x.svcca, x.svcca_std, 1, 3) end
local few = {}
for _, layer in ipairs(layer_order) do
  local per, flag = layer_flag(layer)
  if flag then few[#few + 1] = string.format("%s (%.1f)", layer, per) end
end
-- Mean SVCCA over the layers with enough probe datapoints per neuron.
local function well_sampled(method, s)
  local v = {}
  for _, layer in ipairs(layer_order) do
    local per = layer_flag(layer)
    local values = (layer_values[method .. "@" .. key(s)] or {})[layer]
    if per >= min_per_neuron and values then v[#v + 1] = (stats(values)) end
  end
  return (stats(v))
end
-- A verdict, or "inconclusive" when a model it rests on is near chance (named).
local function verdict(holds, needed)
  local failed = {}
  for _, pair in ipairs(needed or {}) do
    if flag_accuracy(pair[2].acc) then failed[#failed + 1] = pair[1] end
  end
  if #failed > 0 then
    return "**inconclusive at this scale** (degenerate: " .. table.concat(failed, ", ") .. " near chance: the comparison means little)"
  end
  return holds and "**holds at this scale**" or "**does not hold at this scale**"
end

say("# \"Is Pruning Compression?\" at the `%s` preset", preset)
say("")
say("Generated by `prunelab examples/paper/report.lua %s` on %s from the sweep in `%s` (%d seed%s).", dir, os.date("!%Y-%m-%d %H:%M UTC"),
    sweep_dir, base.n, base.n == 1 and "" or "s")
say("Model %s on %s: %d training images, %d test images for accuracy, %d probe images for SVCCA (99%% variance, conv layers' datapoints capped at %d).",
    settings.model, settings.dataset, settings.train, settings.test, settings.probe, settings.max_datapoints)
say("Recipe for every training: %s init%s, SGD lr %g with %d epoch of linear warm-up, momentum %g, weight decay %g, batch %d; %d epoch(s) for the baseline, the control, Re-Init. and Rand., %d epoch(s) of retraining after magnitude pruning; every model of a seed sees the same data order.",
    settings.recipe.init, settings.recipe.density_scaled and " (fresh sparse weights scaled by 1/√density per layer)" or "", settings.recipe.lr, settings.recipe.warmup, settings.recipe.momentum, settings.recipe.weight_decay,
    settings.recipe.batch, settings.epochs, settings.retrain)
say("Numbers are mean ± std over seeds (std absent for one seed); n = %d. Chance is %.0f%%; accuracies below %.0f%% are flagged ⚠.", base.n, chance * 100, near_chance * 100)
say("")
if base.n < 3 then
  say("⚠ **%d seed%s: no spread across seeds** — single-run differences of a few points (accuracy) or a few hundredths (SVCCA) are within seed-to-seed noise; the verdicts below are provisional (the `convnet` preset runs 3 seeds).",
      base.n, base.n == 1 and "" or "s")
  say("")
end
if flag_accuracy(base.acc) then
  say("⚠ **The baseline is near chance: every similarity below compares against an untrained network and is degenerate.**")
  say("")
end
say("Baseline: %s. Dense control (fresh init, same data order): %s, SVCCA with the baseline %s (mean over layers) — the level of \"unrelated representations that solve the same task\".",
    acc_text(base), acc_text(control), sim_text(control))
if #few > 0 then
  say("")
  say("⚠ Layers with fewer than %d probe datapoints per neuron (CCA is biased towards 1 there): %s. Means over layers are given both over all layers and over the well-sampled ones only.",
      min_per_neuron, table.concat(few, ", "))
end
say("")
say("## Finding 1 (Table 1): re-initialised and random sparse networks match magnitude pruning's accuracy")
say("")
say("The paper (ConvNet, CIFAR-10, 90%%): Mag. 83.6%%, Re-Init. 81.0%%, Rand. 80.1%% — the pruned architecture, not the surviving weights, carries most of the accuracy.")
say("")
say("| sparsity | Mag. | Re-Init. | Rand. |")
say("|---|---|---|---|")
for _, s in ipairs(sparsities) do
  say("| %s | %s | %s | %s |", pct(s), acc_text(summary("magnitude", s)), acc_text(summary("reinit", s)), acc_text(summary("random", s)))
end
local mag, rei, ran = summary("magnitude", top), summary("reinit", top), summary("random", top)
local f1 = mag.acc and rei.acc and ran.acc and (mag.acc - rei.acc) <= 0.05 and (mag.acc - ran.acc) <= 0.05
    and not flag_accuracy(rei.acc) and not flag_accuracy(ran.acc)
say("")
say("At %s: Mag. − Re-Init. = %.1f points, Mag. − Rand. = %.1f points. Rule: holds if both gaps are at most 5 points and neither model is near chance. Verdict: %s.",
    pct(top), ((mag.acc or 0) - (rei.acc or 0)) * 100, ((mag.acc or 0) - (ran.acc or 0)) * 100,
    verdict(f1, {{"the baseline", base}, {"Mag. at " .. pct(top), mag}}))
say("")
say("## Finding 2 (Figures 2 and 4, Table 3): magnitude pruning is not compression — the retrained layers drift from the baseline's as sparsity grows")
say("")
say("| sparsity | Mag. SVCCA (all layers) | Mag. SVCCA (well-sampled layers) | iterative SVCCA | iterative accuracy |")
say("|---|---|---|---|---|")
for _, s in ipairs(sparsities) do
  local it = summary("iterative", s)
  local w = well_sampled("magnitude", s)
  say("| %s | %s | %s | %s | %s |", pct(s), sim_text(summary("magnitude", s)), w and string.format("%.3f", w) or "–",
      it.n > 0 and sim_text(it) or "–", it.n > 0 and acc_text(it) or "–")
end
local first = summary("magnitude", sparsities[1])
local drop = (first.svcca or 0) - (mag.svcca or 0)
local spread = math.max(first.svcca_std or 0, mag.svcca_std or 0, 0.01)
local f2 = drop > 2 * spread
say("")
say("Mean SVCCA falls by %.3f from %s to %s (spread used: %.3f, the larger std, at least 0.01). Rule: holds if the fall exceeds twice the spread. Verdict: %s.",
    drop, pct(sparsities[1]), pct(top), spread,
    verdict(f2, {{"the baseline", base}, {"Mag. at " .. pct(sparsities[1]), first}, {"Mag. at " .. pct(top), mag}}))
if epoch_count > 0 then
  local e0, eN = {}, {}
  for l = 1, #layer_order do
    if epoch_grid[l][1] == epoch_grid[l][1] then e0[#e0 + 1] = epoch_grid[l][1] end
    if epoch_grid[l][epoch_count] == epoch_grid[l][epoch_count] then eN[#eN + 1] = epoch_grid[l][epoch_count] end
  end
  say("During retraining at %s (Figure 3), the mean SVCCA over layers goes from %.3f just after pruning to %.3f after %d epoch%s.",
      pct(top), stats(e0) or 0 / 0, stats(eN) or 0 / 0, epoch_count - 1, epoch_count == 2 and "" or "s")
end
say("")
say("## Finding 3 (Figures 2/5): re-initialised and random sparse networks learn different representations from the baseline")
say("")
say("| sparsity | Mag. | Re-Init. | Rand. | dense control |")
say("|---|---|---|---|---|")
for _, s in ipairs(sparsities) do
  say("| %s | %s | %s | %s | %s |", pct(s), sim_text(summary("magnitude", s)), sim_text(summary("reinit", s)), sim_text(summary("random", s)), sim_text(control))
end
local f3 = mag.svcca and rei.svcca and ran.svcca and rei.svcca < mag.svcca and ran.svcca < mag.svcca
    and not flag_accuracy(rei.acc) and not flag_accuracy(ran.acc)
say("")
say("At %s, Re-Init. %s and Rand. %s against Mag. %s and the dense control %s (SVCCA, mean over layers). Rule: holds if both fresh sparse models are less similar to the baseline than magnitude pruning is, and neither is near chance (a failed model's SVCCA is meaningless). Verdict: %s.",
    pct(top), sim_text(rei), sim_text(ran), sim_text(mag), sim_text(control),
    verdict(f3, {{"the baseline", base}, {"Mag. at " .. pct(top), mag}, {"Re-Init. at " .. pct(top), rei}, {"Rand. at " .. pct(top), ran}}))
say("")
say("## Files")
say("")
say("`table1.csv`/`.md`, `table3.csv`/`.md`, `similarity.csv`/`.md` (per layer, with datapoints per neuron and flags), `similarity_epochs.csv`%s.",
    #figures > 0 and (", " .. table.concat((function() local t = {} for i, f in ipairs(figures) do t[i] = "`" .. f .. "`" end return t end)(), ", ")) or
    " (no figures: the plot module is not in this build)")
write(dir .. "/RESULTS.md", table.concat(out, "\n") .. "\n")
print(string.format("report: tables, %d figure%s and RESULTS.md in %s", #figures, #figures == 1 and "" or "s", dir))
