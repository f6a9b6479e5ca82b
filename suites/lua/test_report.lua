-- report: tables from Lua rows, columns and results, and their text, Markdown, CSV, JSON and LaTeX.
local H = dofile("suites/lua/prune_helpers.lua")

local function lines(text)
  local out = {}
  for line in (text .. (text:sub(-1) == "\n" and "" or "\n")):gmatch("(.-)\n") do out[#out + 1] = line end
  return out
end

--- Unescaped pipes in a Markdown row: its cell count is that minus one.
local function markdown_cells(line)
  local n = 0
  local i = 1
  while i <= #line do
    local c = line:sub(i, i)
    if c == "\\" then i = i + 1 elseif c == "|" then n = n + 1 end
    i = i + 1
  end
  return n - 1
end

test("rows become columns: identifiers first, then text, then the rest by name", function()
  local t = report.table({{value = 0.8123, k = 3, layer = "conv1"}, {layer = "fc", k = 12, value = 0 / 0}})
  check_eq(table.concat(t.columns, ","), "layer,k,value")
  check_eq(#t, 2)
  check_eq(tostring(t), "layer   k   value\nconv1   3  0.8123\nfc     12     NaN")
  check_eq(t[1].layer, "conv1"); check_eq(math.type(t[2].k), "integer"); check(t[2].value ~= t[2].value, "NaN kept")
  check_eq(t[3], nil)
  local history = {{epoch = 1, loss = 0.5, accuracy = 0.75, lr = 0.1}, {epoch = 2, loss = 0.25, accuracy = 0.875, lr = 0.1, val_loss = 0.3}}
  local h = report.table(history)
  check_eq(table.concat(h.columns, ","), "epoch,accuracy,loss,lr,val_loss")
  check(h[1].val_loss == nil, "a key absent from a row is a missing cell")
  check(h:column("val_loss")[1] == json.null and h:column("val_loss")[2] == 0.3)
  check_eq(h:csv(), "epoch,accuracy,loss,lr,val_loss\n1,0.75,0.5,0.1,\n2,0.875,0.25,0.1,0.3\n")
end)

test("columns = {…} picks and orders; lists of lists and tables of columns", function()
  local t = report.table({{a = 1, b = "x", c = true}}, {columns = {"c", "a"}, title = "T"})
  check_eq(table.concat(t.columns, ","), "c,a"); check_eq(t.title, "T")
  check_eq(tostring(t), "T\nc     a\ntrue  1")
  local p = report.table({{"conv1", 0.5}, {"fc", 0.25}}, {columns = {"layer", "value"}})
  check_eq(p:csv(), "layer,value\nconv1,0.5\nfc,0.25\n")
  check_eq(report.table({{1, 2}}):csv(), "1,2\n1,2\n")
  local c = report.table({value = {0.5, 0.25}, layer = {"conv1", "fc"}})
  check_eq(c:csv(), "layer,value\nconv1,0.5\nfc,0.25\n")
  local v = report.table({x = tensor.from({1, 2})})
  check_eq(v:csv(), "x\n1.0\n2.0\n")
  check_eq(report.table(tensor.from({{1, 2}, {3, 4}}), {columns = {"a", "b"}}):csv(), "a,b\n1.0,2.0\n3.0,4.0\n")
  -- A table of a table: the same table (with a new title or column choice).
  check_eq(report.table(p, {columns = {"value"}}):csv(), "value\n0.5\n0.25\n")
  -- rows() gives rows that make the table again.
  check_eq(report.table(p:rows(), {columns = p.columns}):csv(), p:csv())
end)

test("markdown: every row has the header's cell count; pipes escaped", function()
  local t = report.table({{name = "a|b", v = 1.5}, {name = "c", v = 0 / 0}, {name = "x\ny", v = -2}}, {title = "Results"})
  local md = t:markdown()
  check_eq(md, "**Results**\n\n| name   |    v |\n| :----- | ---: |\n| a\\|b   |  1.5 |\n| c      |  NaN |\n| x<br>y | -2.0 |\n")
  local body = lines(md)
  for i = 3, #body do check_eq(markdown_cells(body[i]), 2, "row " .. i) end
end)

test("latex: booktabs rules and escaped specials", function()
  local t = report.table({{name = "50% & $x_1$ #{~^\\}", v = 2}})
  check_eq(t:latex(), "\\begin{tabular}{lr}\n\\toprule\nname & v \\\\\n\\midrule\n" ..
    "50\\% \\& \\$x\\_1\\$ \\#\\{\\textasciitilde{}\\textasciicircum{}\\textbackslash{}\\} & 2 \\\\\n\\bottomrule\n\\end{tabular}\n")
end)

test("json and csv keep every digit; json.decode reads the json back", function()
  local rows = {{layer = "a", value = 1 / 3, n = 7}, {layer = "b,\"c\"", value = 1e-300, n = -1}}
  local t = report.table(rows)
  check_eq(t:csv(), "layer,n,value\na,7,0.3333333333333333\n\"b,\"\"c\"\"\",-1,1e-300\n")
  local back = json.decode(t:json())
  check_eq(#back, 2)
  for i, r in ipairs(rows) do
    check_eq(back[i].layer, r.layer); check_eq(back[i].value, r.value); check_eq(back[i].n, r.n)
    check_eq(math.type(back[i].n), "integer")
  end
  check_eq(json.encode(t), json.encode(back), "json.encode of a table is its rows")
  check(json.decode(report.table({{x = 0 / 0}}):json())[1].x == json.null, "NaN is null in JSON")
end)

test("save writes each format by extension, atomically", function()
  local dir = os.tmpname(); os.remove(dir); os.execute("mkdir -p " .. dir)
  local t = report.table({{a = 1, b = "x"}})
  for ext, method in pairs({csv = "csv", md = "markdown", json = "json", tex = "latex", txt = "text", MD = "markdown"}) do
    local path = dir .. "/t." .. ext
    check_eq(t:save(path), path)
    local f = assert(io.open(path)); local text = f:read("a"); f:close()
    check_eq(text, t[method](t), ext)
  end
  os.execute("rm -rf " .. dir)
end)

test("results convert: sim.layers, m:sparsity(), prune.overlap, sim.matrix grids", function()
  local a, b = H.mlp(1), H.mlp(2)
  local probe = tensor.randn(64, 4, {seed = 3})
  local s = sim.layers(a, b, probe)
  local st = report.table(s)
  check_eq(table.concat(st.columns, ","), "layer,value,k1,k2,neurons1,neurons2,datapoints")
  check_eq(#st, #s)
  for i = 1, #s do check_eq(st[i].layer, s[i].name); check_eq(st[i].value, s[i].value); check_eq(st[i].datapoints, 64) end
  check_eq(s:table():csv(), st:csv())
  check(st.title:find("per layer on 64 probe samples", 1, true), st.title)

  local mask = tensor.ones(5, 4); mask[1][1] = 0; mask[2][3] = 0; mask[5][4] = 0
  prune.set_masks(a, {["fc1.weight"] = mask})
  local sp = a:sparsity():table()
  check_eq(table.concat(sp.columns, ","), "layer,parameter,weights,zeros,masked,sparsity,dense_bytes,sparse_bytes,dense_flops,effective_flops")
  check_eq(#sp, 3, "two tensors and the total")
  check_eq(sp[1].zeros, 3); check_eq(sp[1].masked, 3); check_eq(sp[1].sparsity, 0.15)
  check_eq(sp[2].masked, nil, "no mask: missing"); check_eq(sp[3].layer, "total"); check_eq(sp[3].weights, 30)

  local o = report.table(prune.overlap(a, a:clone()))
  check_eq(#o, 3); check_eq(o[3].jaccard, 1.0); check_eq(o[1].kept1, 17)

  local x, y = tensor.randn(3, 40, {seed = 4, dtype = "float64"}), tensor.randn(2, 40, {seed = 5, dtype = "float64"})
  local M, rows, cols = sim.matrix({conv1 = x, fc = y}, {conv1 = x}, {measure = "cka"})
  check_eq(rows[2], "fc"); check_eq(cols[1], "conv1")
  check_eq(table.concat(M.rows, ","), "conv1,fc"); check_eq(table.concat(M.cols, ","), "conv1")
  check_eq(M.measure, "cka(linear)"); check_eq(M.row_title, "layer")
  check_eq(#M, 2); check_eq(M:dim(), 2); check_eq(M:shape()[2], 1)
  check_near(M[1][1], 1, 1e-12); check_near(M[2][1], sim.cka(y, x).value, 1e-14)
  check_eq(M[3], nil); check_eq(M[2]:dim(), 1); check_eq(M[2]:shape()[1], 1)
  check_near(M:tensor()[2][1], M[2][1], 0)
  check_near(M:max(), 1, 1e-12, "tensor methods run on the grid's tensor")
  check_near(M:sum(), M[1][1] + M[2][1], 1e-14)
  local g = report.table(M)
  check_eq(table.concat(g.columns, ","), "layer,conv1")
  check_eq(g[2].layer, "fc"); check_eq(g[2].conv1, M[2][1])
  check_eq(M:table():csv(), g:csv())
  local text = tostring(M)
  check(text:find("cka(linear) similarity: 2 layers × 1 layer (1 = identical)", 1, true), text)
  check(text:find("\nfc ", 1, true), text)
end)

test("a t:fit history becomes one row per epoch, epoch first", function()
  local m = H.tiny(1)
  local ds = H.fashion(32)
  local hist = train.sgd{lr = 0.05, batch = 16, epochs = 2, seed = 1}:fit(m, ds, {val = ds, progress = false})
  local t = report.table(hist)
  check_eq(table.concat(t.columns, ","), "epoch,accuracy,images_per_second,loss,lr,seconds,val_accuracy,val_loss")
  check_eq(#t, 2)
  for e = 1, 2 do
    check_eq(t[e].epoch, e); check_eq(t[e].loss, hist[e].loss); check_eq(t[e].val_accuracy, hist[e].val_accuracy)
  end
  local back = json.decode(report.table(hist, {columns = {"epoch", "loss"}}):json())
  check_eq(back[2].loss, hist[2].loss); check_eq(math.type(back[2].epoch), "integer")
end)

test("wide tables print in blocks that repeat the label column; long tables elide rows", function()
  local row = {name = "x"}
  for k = 1, 12 do row[string.format("column_%02d", k)] = k / 8 end
  local text = report.table({row}):text({width = 60})
  local blocks = 0
  for line in text:gmatch("[^\n]+") do if line:match("^name ") then blocks = blocks + 1 end end
  check(blocks >= 3, text)
  for line in text:gmatch("[^\n]+") do check(#line <= 60, "line fits: " .. line) end
  check(text:find("[1 rows × 13 columns]", 1, true), text)
  local rows = {}
  for i = 1, 100 do rows[i] = {i = i} end
  local long = report.table(rows):text({rows = 10})
  check_eq(select(2, long:gsub("\n", "\n")), 13, "header, 5 + … + 5 rows, footer")
  check(long:find("\n  1\n", 1, true) and long:find("\n100\n", 1, true) and long:find("\n  …\n", 1, true), long)
  check(not long:find("\n 50\n", 1, true))
end)
