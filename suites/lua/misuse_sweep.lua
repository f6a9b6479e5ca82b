-- The sweep module's misuse: each bad call is one clear error naming the function.
test("sweep.load: not a sweep directory", function()
  check_error(function() sweep.load("/nonexistent-sweep") end, "sweep.load: argument 1 (dir): expected a sweep directory", "/nonexistent-sweep")
  check_error(function() sweep.load(42) end, "sweep.load: argument 1 (dir): expected a string, got number 42")
  check_error(function() sweep.load() end, "sweep.load: argument 1 (dir): expected a string")
end)

test("sweep functions: bad options and extra arguments", function()
  check_error(function() sweep.load("/tmp", {stge = "x"}) end, "sweep.load: unknown option 'stge'")
  check_error(function() sweep.summary("/tmp", "seed") end, "sweep.summary: argument 2 (options): expected a table of options")
  check_error(function() sweep.status("/tmp", {}, 3) end, "sweep.status: expected at most 2 arguments, got 3")
end)
