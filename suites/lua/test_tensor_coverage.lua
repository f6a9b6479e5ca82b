-- Keeps the tensor suites complete: every tensor function and method must be called by a
-- known-answer suite (test_tensor*.lua) and by the misuse suites (misuse_tensor*.lua).
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"

local function read(name)
  local f = io.open(here .. name)
  if not f then return "" end
  local text = f:read("a")
  f:close()
  return text
end

local function mentions(text, name)
  -- esc: name may contain "_"; plain find for each calling form
  return text:find(":" .. name .. "(", 1, true) or text:find(":" .. name .. "{", 1, true)
      or text:find("tensor." .. name .. "(", 1, true) or text:find("tensor." .. name .. "{", 1, true)
end

test("every tensor function has known-answer tests and misuse tests", function()
  local suites = ""
  for _, f in ipairs{"test_tensor_basics.lua", "test_tensor_views.lua", "test_tensor_math.lua",
                     "test_tensor_reductions.lua", "test_tensor_files.lua", "test_tensor_print.lua", "test_tensor_ops.lua"} do
    suites = suites .. read(f)
  end
  local misuse = read("misuse_tensor.lua") .. read("misuse_tensor_ops.lua")
  check(#suites > 1000 and #misuse > 1000, "suites found next to this file")
  local names = {}
  for name, f in pairs(tensor) do if type(f) == "function" then names[#names + 1] = name end end
  table.sort(names)
  local untested, unmisused = {}, {}
  for _, name in ipairs(names) do
    if not mentions(suites, name) then untested[#untested + 1] = name end
    if not mentions(misuse, name) then unmisused[#unmisused + 1] = name end
  end
  check(#untested == 0, "no known-answer test calls: " .. table.concat(untested, ", "))
  check(#unmisused == 0, "no misuse test calls: " .. table.concat(unmisused, ", "))
end)
