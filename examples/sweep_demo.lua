-- A small sweep: prunelab sweep run examples/sweep_demo.lua --out /tmp/demo-sweep --jobs 2
-- then: prunelab sweep collect /tmp/demo-sweep (mean, std, 95% CI and n over the seeds).
--
-- Stage "baseline" builds one small MLP per width and seed and saves it; stage "main" (the
-- top-level run) reads the baseline of its width and seed, prunes it at 50% by magnitude or at
-- random, and compares the hidden layer before and after on a fixed probe (SVCCA, linear CKA).
-- Real training would go in the baseline; here it stays a second's work.
local function probe(inputs)
  local x = tensor.randn({300, inputs}, {seed = 1000})
  return data.tensors(x, tensor.ones(300))
end

local function wait_if_held(job)
  -- Tests only: the job whose id contains $SWEEP_DEMO_HOLD waits (after writing job.dir/started)
  -- until it is killed, so that a test can kill a worker in the middle of a job.
  local hold = os.getenv("SWEEP_DEMO_HOLD")
  if hold and hold ~= "" and job.id:find(hold, 1, true) then
    io.open(job.dir .. "/started", "w"):close()
    while true do os.execute("sleep 0.05") end
  end
  -- Tests only: the job whose id contains $SWEEP_DEMO_FAIL raises an error.
  local failing = os.getenv("SWEEP_DEMO_FAIL")
  if failing and failing ~= "" and job.id:find(failing, 1, true) then
    error("deliberate failure of " .. job.id)
  end
end

return {
  grid = {width = {8, 16, 32}, method = {"magnitude", "random"}, seed = {1, 2, 3}},
  stages = {
    {name = "baseline", keys = {"width", "seed"}, run = function(job)
      wait_if_held(job)
      local m = models.mlp{input = 20, hidden = {job.width}, classes = 4, seed = job.seed}
      m:save(job.dir .. "/model.safetensors")
      local acts = m:record(probe(20), {layers = {"fc1"}})
      return {activation_std = acts.fc1:std()}
    end},
  },
  run = function(job)
    wait_if_held(job)
    local m = models.load(job:input("baseline") .. "/model.safetensors")
    local p
    if job.method == "magnitude" then
      p = prune.magnitude(m:clone(), 0.5)
    else
      p = prune.random(m:clone(), 0.5, {seed = job.seed})
    end
    local ds = probe(20)
    local a = m:record(ds, {layers = {"fc1"}}).fc1
    local b = p:record(ds, {layers = {"fc1"}}).fc1
    return {svcca = sim.svcca(a, b).value, cka = sim.cka(a, b).value}
  end,
}
