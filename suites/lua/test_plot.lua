-- plot: figures of every kind, saved as PNG, SVG and PDF; the same figure gives the same bytes;
-- results draw themselves. (Pixels are checked in Tests/EngineTests/Figures.)
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local H = dofile(here .. "prune_helpers.lua")
local dir = os.tmpname(); os.remove(dir); os.execute("mkdir -p " .. dir)

local function read(path)
  local f = assert(io.open(path, "rb")); local s = f:read("a"); f:close(); return s
end

local function every_kind()
  local m = tensor.randn(4, 5, {seed = 3})
  m[2][2] = 0 / 0
  return {
    heatmap = plot.heatmap(m, {rows = {"a", "b", "c", "d"}, cols = {"1", "2", "3", "4", "5"}, title = "heat", colormap = "magma"}),
    line = plot.line({1, 2, 3}, {{1, 2, 3}, tensor.ones(3)}, {labels = {"up", "flat"}, band = {{0.1, 0.1, 0.1}, {0.2, 0.2, 0.2}}, xlabel = "epoch"}),
    bar = plot.bar({"x", "y"}, tensor.ones(2, 2), {labels = {"p", "q"}, err = tensor.ones(2, 2) * 0.1}),
    box = plot.distribution({{1, 2, 3, 4}, tensor.randn(20, {seed = 1})}, {names = {"m1", "m2"}}),
    violin = plot.distribution({{{1, 2, 3}, {2, 3, 4}}, {{1, 1, 2}, {5, 6, 7}}}, {names = {"A", "B"}, labels = {"50%", "90%"}, style = "violin"}),
    strip = plot.distribution({{1, 2, 3}}, {style = "strip"}),
    scatter = plot.scatter({1, 2, 3}, tensor.randn(3, {seed = 2}), {label = "pts"}),
    histogram = plot.histogram(tensor.randn(200, {seed = 4}), {bins = 12, density = true}),
    log = plot.line(nil, {1, 10, 100, 1000}, {yscale = "log"}),
  }
end

test("every kind saves as PNG, SVG and PDF with the right signatures", function()
  for name, fig in pairs(every_kind()) do
    check_eq(fig:save(dir .. "/" .. name .. ".png"), fig, "save returns the figure")
    fig:save(dir .. "/" .. name .. ".svg"); fig:save(dir .. "/" .. name .. ".pdf")
    check_eq(read(dir .. "/" .. name .. ".png"):sub(1, 8), "\137PNG\r\n\26\n", name .. " png")
    check_eq(read(dir .. "/" .. name .. ".pdf"):sub(1, 5), "%PDF-", name .. " pdf")
    check(read(dir .. "/" .. name .. ".svg"):find("<svg", 1, true), name .. " svg")
    check_eq(fig:bytes("png"), read(dir .. "/" .. name .. ".png"), name .. ": bytes = file")
  end
end)

test("the same figure saves to the same bytes, and the same data to the same figure", function()
  local a, b = every_kind(), every_kind()
  for name, fig in pairs(a) do
    for _, format in ipairs({"png", "svg", "pdf"}) do
      check_eq(fig:bytes(format), fig:bytes(format), name .. " " .. format .. " twice")
      check_eq(fig:bytes(format), b[name]:bytes(format), name .. " " .. format .. " rebuilt")
    end
  end
end)

test("size: width and height in inches, dpi for PNG", function()
  local fig = plot.bar(nil, {1, 2})
  local png = fig:bytes("png", {width = 3, height = 2, dpi = 50})
  -- IHDR: width and height as big-endian 32-bit integers at bytes 17..24.
  check_eq(string.unpack(">I4I4", png, 17), 150)
  check_eq(select(2, string.unpack(">I4I4", png, 17)), 100)
  check_eq(string.unpack(">I4", fig:bytes("png"), 17), 640, "default 6.4 in at 100 dpi")
  check(fig:bytes("svg", {width = 3, height = 2}):find('width="216pt" height="144pt"', 1, true), "svg in points")
end)

test("SVG text: titles, labels and ticks are <text>, escaped", function()
  local fig = plot.line({0, 1, 2}, {0, 5, 10}, {title = "loss & <accuracy>", xlabel = "epoch", ylabel = "value"})
  local svg = fig:bytes("svg")
  check(svg:find(">loss &amp; &lt;accuracy&gt;</text>", 1, true), "title")
  check(svg:find(">epoch</text>", 1, true) and svg:find(">value</text>", 1, true), "axis labels")
  check(svg:find(">10</text>", 1, true) and svg:find(">0</text>", 1, true), "tick labels")
end)

test("figures with several panels", function()
  local fig = plot.figure{rows = 2, cols = 2, title = "four"}
  check_eq(#fig, 4); check_eq(fig.rows, 2); check_eq(fig.cols, 2); check_eq(fig.title, "four")
  local p = fig:panel(1, 2)
  check_eq(p:line(nil, {1, 2, 3}, {label = "a"}), p, "kinds return the panel")
  p:line(nil, {3, 2, 1}, {label = "b"}):set{title = "two lines", xlabel = "x"}
  fig[3]:heatmap({{1, 2}, {3, 4}}, {colormap = "coolwarm"})
  fig:panel(4):histogram({1, 2, 2, 3})
  check_eq(tostring(fig), "figure 2×2 (empty | line ×1 + line ×1 | heatmap 2×2 | histogram 20 bins): four")
  check(fig:bytes("png"):sub(2, 4) == "PNG")
  check_eq(tostring(p.figure), tostring(fig))
end)

test("fig:show() without a front end's terminal saves a PNG and prints its path", function()
  local lines = {}
  local print0 = print
  print = function(s) lines[#lines + 1] = s end
  local ok, err = pcall(function() plot.bar(nil, {1}):show() end)
  print = print0
  check(ok, tostring(err))
  check_eq(#lines, 1)
  if lines[1]:sub(1, 1) == "\27" then return end   -- run inside a graphics terminal: an escape sequence instead
  local path = lines[1]:match("^figure saved to (.+%.png)$")
  check(path, lines[1])
  check_eq(read(path):sub(2, 4), "PNG")
  os.remove(path)
end)

test("results draw themselves", function()
  local probe = data.fashion_mnist().test:subset(1, 100):normalize(0.286, 0.353)
  local a = H.tiny(1)
  local b = prune.magnitude(a:clone(), 0.5, {skip_last = false})
  local s = sim.layers(a, b, probe)
  check_eq(tostring(s:plot()), "figure 1×1 (bar " .. #s .. ")")
  check_eq(tostring(b:sparsity():plot()), "figure 1×1 (bar " .. #b:sparsity() .. ")")
  check_eq(tostring(prune.overlap(a, b):plot()), "figure 1×1 (bar " .. #prune.overlap(a, b) .. ")")
  local val = data.fashion_mnist().test:subset(1, 16):normalize(0.286, 0.353)
  local hist = train.sgd{lr = 0.05, batch = 16, epochs = 2, seed = 1}:fit(H.tiny(2), H.fashion(32), {val = val, progress = false})
  check_eq(#hist, 2); check(hist[1].loss > 0, "the history is still a table of epochs")
  local fig = hist:plot()
  check_eq(tostring(fig), "figure 1×2 (line ×2 | line ×2): training history")
  check(fig:bytes("svg"):find(">validation</text>", 1, true), "legend names validation")
end)

test("help documents plot and its kinds", function()
  for _, name in ipairs({"figure", "heatmap", "line", "bar", "distribution", "scatter", "histogram"}) do
    check(type(plot[name]) == "function", name)
  end
  check_eq(table.concat(plot.colormaps, ","), "viridis,magma,coolwarm")
end)

os.execute("rm -rf " .. dir)

test("similarity grids draw themselves and label plot.heatmap with their names and measure", function()
  local a = {conv1 = tensor.randn(6, 200, {seed = 1}), fc = tensor.randn(4, 200, {seed = 2})}
  local b = {conv1 = tensor.randn(6, 200, {seed = 3}), fc = tensor.randn(4, 200, {seed = 4})}
  local M = sim.matrix(a, b, {measure = "cka"})
  for _, fig in ipairs({M:plot(), plot.heatmap(M)}) do
    check(tostring(fig):find("heatmap 2×2", 1, true), tostring(fig))
    local svg = fig:bytes("svg")
    for _, text in ipairs({">conv1<", ">fc<", "cka(linear) similarity"}) do
      check(svg:find(text, 1, true), "the SVG holds " .. text)
    end
  end
  -- Options still win over the grid's own labels.
  local svg = plot.heatmap(M, {rows = {"r1", "r2"}, title = "mine"}):bytes("svg")
  check(svg:find(">r1<", 1, true) and svg:find(">mine<", 1, true) and not svg:find("cka(linear) similarity", 1, true), "options override")
  check_error(function() plot.heatmap(M, {rows = {"only one"}}) end, "plot.heatmap", "rows")
end)

test("fig:set takes the title with the size (one option list for all of them)", function()
  local fig = plot.figure{}
  check(fig:set{title = "overall", width = 3, dpi = 50} == fig, "returns the figure")
  check_eq(fig.title, "overall")
  check_eq(fig.width, 3)
  check_eq(fig.dpi, 50)
  check(fig:bytes("svg"):find(">overall<", 1, true), "the title is drawn")
  check_error(function() fig:set{colour = 1} end, "figure:set", "unknown option 'colour'", "title, width, height, dpi")
end)
