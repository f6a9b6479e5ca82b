-- The sweep module on a sweep run by the binary itself: the job table run(job) sees, the rows
-- sweep.load gives and the known mean / std / Student-t 95% interval of sweep.summary.
local bin = arg and arg[-1] or "prunelab"
local dir = os.tmpname(); os.remove(dir)
os.execute("mkdir -p '" .. dir .. "'")
local spec = dir .. "/spec.lua"
local f = assert(io.open(spec, "w"))
f:write([[
return {
  grid = {scale = {1, 10}, seed = {1, 2, 3}},
  stages = {{name = "prep", keys = {"seed"}, run = function(job)
    local out = assert(io.open(job.dir .. "/prep.txt", "w")); out:write(tostring(job.seed * 100)); out:close()
    return {prepared = true}
  end}},
  run = function(job)
    local input = assert(io.open(job:input("prep") .. "/prep.txt")):read("a")
    assert(job.inputs.prep == job:input("prep"))
    return {value = job.seed * job.scale, from_prep = tonumber(input), label = job.id,
            has_dir = io.open(job.dir) ~= nil, maybe = job.seed == 3 and 0 / 0 or job.seed}
  end,
}
]])
f:close()
local ok = os.execute("'" .. bin .. "' sweep run '" .. spec .. "' --out '" .. dir .. "/out' --jobs 2 2>/dev/null")
local out = dir .. "/out"

test("sweep run finished every job", function()
  check(ok, "prunelab sweep run failed")
  local s = sweep.status(out)
  check_eq(s.total, 9); check_eq(s.done, 9); check_eq(s.failed, 0); check_eq(s.missing, 0)
end)

test("sweep.load: one row per job, parameters and results as fields", function()
  local rows = sweep.load(out)
  check_eq(#rows, 9)
  local main = sweep.load(out, {stage = "main"})
  check_eq(#main, 6)
  for _, r in ipairs(main) do
    check_eq(r.stage, "main")
    check_eq(r.value, r.seed * r.scale)
    check_eq(r.from_prep, r.seed * 100)      -- read from the prep job of the same seed
    check_eq(r.label, r.id)
    check_eq(r.has_dir, true)
    check(r.id:find("^main/scale=%d+,seed=%d%-%x+$"), r.id)
    check(type(r.seconds) == "number" and r.seconds >= 0)
  end
  check_eq(main[1].scale, 1); check_eq(main[1].seed, 1); check_eq(main[6].scale, 10); check_eq(main[6].seed, 3)
  check_eq(main[3].maybe, "nan"); check_eq(main[2].maybe, 2)   -- NaN is stored as "nan"
  local prep = sweep.load(out, {stage = "prep"})
  check_eq(#prep, 3); check_eq(prep[1].prepared, true)
end)

test("sweep.summary: mean, std, 95% Student-t half-width and n over seeds", function()
  local t = sweep.summary(out)
  check_eq(#t, 2)
  local t975_2 = 4.302652729749462           -- scipy.stats.t.ppf(0.975, 2)
  check_eq(t[1].scale, 1); check_near(t[1].value_mean, 2, 1e-12); check_near(t[1].value_std, 1, 1e-12)
  check_near(t[1].value_ci95, t975_2 / math.sqrt(3), 1e-12); check_eq(t[1].value_n, 3)
  check_eq(t[2].scale, 10); check_near(t[2].value_mean, 20, 1e-12); check_near(t[2].value_std, 10, 1e-12)
  check_near(t[2].value_ci95, 10 * t975_2 / math.sqrt(3), 1e-12)
  check_eq(t[1].maybe_n, 2); check_near(t[1].maybe_mean, 1.5, 1e-12)   -- the NaN of seed 3 left out
  check(t:csv():find("^scale,") ~= nil)
  local by_scale = sweep.summary(out, {over = "scale"})
  check_eq(#by_scale, 3)                          -- one row per seed, n = 2 scales
  check_eq(by_scale[1].value_n, 2); check_near(by_scale[1].value_mean, 5.5, 1e-12)
  local all = sweep.summary(out, {stage = "all"})
  check_eq(#all, 3)                               -- prep (one row: only seed varies) + 2 main rows
  check_eq(all[1].stage, "prep")
end)

os.execute("rm -rf '" .. dir .. "'")
