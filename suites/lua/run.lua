-- prunelab's Lua test runner.
--   prunelab suites/lua/run.lua suites/lua/test_*.lua
-- Each file defines tests with test(name, fn) and checks with the check_* functions below.
-- Prints every failure with its location, then "N passed, N failed"; exits 1 on any failure.

local passed, failed = 0, 0
local current_file = "?"

local function fail(msg, level)
  error({ test_failure = true, msg = msg, where = debug.traceback("", (level or 2) + 1) }, 0)
end

--- Runs fn as one test; an error or failed check marks it failed.
function test(name, fn)
  local ok, err = xpcall(fn, function(e)
    if type(e) == "table" and e.test_failure then return e end
    return { msg = "error: " .. tostring(e), where = debug.traceback("", 2) }
  end)
  if ok then
    passed = passed + 1
  else
    failed = failed + 1
    io.write(string.format("FAIL %s: %s\n  %s\n", current_file, name, err.msg))
    local frames = {}
    for line in (err.where or ""):gmatch("[^\n]+") do
      if line:find(current_file, 1, true) then frames[#frames + 1] = line end
    end
    if #frames > 0 then io.write("  at", frames[1]:gsub("^%s+", " "), "\n") end
  end
end

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

function check(cond, msg)
  if not cond then fail(msg or "check failed", 2) end
end

function check_eq(got, want, msg)
  if got ~= want then fail(string.format("%sexpected %s, got %s", msg and (msg .. ": ") or "", show(want), show(got)), 2) end
end

--- |got - want| <= tol (tol defaults to 1e-12 relative-or-absolute).
function check_near(got, want, tol, msg)
  tol = tol or 1e-12
  if type(got) ~= "number" or math.abs(got - want) > tol * math.max(1, math.abs(want)) or got ~= got then
    fail(string.format("%sexpected %s ± %g, got %s", msg and (msg .. ": ") or "", show(want), tol, show(got)), 2)
  end
end

--- fn must raise an error whose message contains every given fragment (plain text).
function check_error(fn, ...)
  local ok, err = pcall(fn)
  if ok then fail("expected an error, but the call succeeded", 2) end
  local text = tostring(err)
  for _, fragment in ipairs({ ... }) do
    if not text:find(fragment, 1, true) then
      fail(string.format("error message %s does not contain %s", show(text), show(fragment)), 2)
    end
  end
  return text
end

--- Element-wise comparison of a tensor (or nested table) with a nested Lua table.
function check_table_near(got, want, tol, msg)
  if type(got) == "userdata" then got = got:totable() end
  local function walk(g, w, path)
    if type(w) == "table" then
      if type(g) ~= "table" or #g ~= #w then
        fail(string.format("%sat %s: expected %d entries, got %s", msg and (msg .. ": ") or "", path, #w, type(g) == "table" and #g or show(g)), 4)
      end
      for i = 1, #w do walk(g[i], w[i], path .. "[" .. i .. "]") end
    else
      if type(g) ~= "number" or math.abs(g - w) > (tol or 1e-12) * math.max(1, math.abs(w)) or g ~= g then
        fail(string.format("%sat %s: expected %s, got %s", msg and (msg .. ": ") or "", path, show(w), show(g)), 4)
      end
    end
  end
  walk(got, want, "")
end

local files = { ... }
if #files == 0 then
  io.stderr:write("usage: prunelab suites/lua/run.lua FILE.lua ...\n")
  os.exit(2)
end
for _, file in ipairs(files) do
  current_file = file
  local chunk, err = loadfile(file)
  if not chunk then
    failed = failed + 1
    io.write("FAIL ", file, ": cannot load: ", err, "\n")
  else
    local ok, e = pcall(chunk)
    if not ok then
      failed = failed + 1
      io.write("FAIL ", file, ": error outside a test: ", tostring(e), "\n")
    end
  end
end
io.write(string.format("%d passed, %d failed\n", passed, failed))
-- Close the state on the way out (__gc of every live object runs), so that LeakSanitizer
-- (scripts/sanitize) sees only real leaks: objects still alive at a bare exit are held
-- through Swift enums whose spare pointer bits hide them from its scan.
os.exit(failed == 0 and 0 or 1, true)
