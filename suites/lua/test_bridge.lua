-- The Lua bridge: objects, errors through the trampoline, options, help.

test("tensor.zeros accepts sizes as arguments or as a table", function()
  local a, b = tensor.zeros(2, 3), tensor.zeros{2, 3}
  check_eq(a:dim(), 2); check_eq(b:dim(), 2)
  check_eq(a:numel(), 6); check_eq(b:shape()[2], 3)
  check_eq(a:dtype(), "float32")
  check_eq(tensor.zeros({2}, {dtype = "float64"}):dtype(), "float64")
  check_eq(tensor.ones{2, dtype = "float64"}:dtype(), "float64")
end)

test("errors name the function, the argument, what was expected and what was given", function()
  check_error(function() tensor.zeros("a") end, "tensor.zeros", "argument 1", "got string \"a\"")
  check_error(function() tensor.zeros(2, {dtyp = 1}) end, "unknown option 'dtyp'", "dtype")
  check_error(function() tensor.zeros(2, {dtype = "int8"}) end, "option 'dtype'", "\"float32\"")
end)

test("errors carry the caller's position", function()
  local ok, err = pcall(function() tensor.zeros(-1) end)
  check(not ok)
  check(tostring(err):find("test_bridge.lua:%d+:") ~= nil, "message has a position: " .. tostring(err))
end)

test("objects are freed by the garbage collector", function()
  collectgarbage(); collectgarbage()
  local before = collectgarbage("count")
  for _ = 1, 10000 do local _ = tensor.zeros(4) end
  collectgarbage(); collectgarbage()
  check(collectgarbage("count") < before + 200, "Lua memory returns after collection")
end)

test("help knows modules, functions, objects and names", function()
  check_eq(type(help), "function")
  -- help prints; it must not fail on any kind of value.
  help(); help(tensor); help(tensor.zeros); help(tensor.zeros(1)); help("tensor.zeros"); help("tensor:shape"); help(42)
end)
