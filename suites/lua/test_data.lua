-- The data module: Fashion-MNIST checked against the raw files, IDX and CIFAR files generated
-- here in their exact formats, dataset views, batches, epoch order, normalisation, augmentation.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local H = dofile(here .. "data_helpers.lua")

local fm = data.fashion_mnist()

-- Values of a 1×h×w image tensor as a flat Lua table, row-major.
local function flat(img)
  local out = {}
  local shape = img:shape()
  for ch = 1, shape[1] do
    local plane = img[ch]
    for r = 1, shape[2] do
      local row = plane[r]
      for c = 1, shape[3] do out[#out + 1] = row[c] end
    end
  end
  return out
end

test("fashion_mnist: 60,000 + 10,000 images of 1×28×28 in 10 named classes", function()
  check_eq(#fm.train, 60000)
  check_eq(#fm.test, 10000)
  check_eq(fm.train.classes, 10)
  check_eq(table.concat(fm.train.shape, "x"), "1x28x28")
  check_eq(#fm.train.class_names, 10)
  check_eq(fm.train.class_names[1], "T-shirt/top")
  check_eq(fm.train.class_names[10], "Ankle boot")
  local s = tostring(fm.train)
  check(s:find("60000 samples", 1, true) and s:find("1×28×28", 1, true) and s:find("10 classes", 1, true), s)
end)

test("fashion_mnist: labels are the raw files' bytes + 1", function()
  for _, part in ipairs({ { fm.train, "train" }, { fm.test, "t10k" } }) do
    local raw = H.gunzip_bytes(H.fmnist .. "/" .. part[2] .. "-labels-idx1-ubyte.gz", 8, 30)
    local labels = part[1]:labels()
    for i = 1, 30 do
      check_eq(labels[i], raw[i] + 1, part[2] .. " label " .. i)
      check_eq(part[1][i][2], raw[i] + 1, part[2] .. " ds[i] label " .. i)
    end
  end
  check_eq(fm.train[1][2], 10)  -- the first training image is an ankle boot
end)

test("fashion_mnist: pixels are the raw files' bytes / 255", function()
  local raw = H.gunzip_bytes(H.fmnist .. "/train-images-idx3-ubyte.gz", 16 + 784, 784)  -- image 2
  local x, y = fm.train:get(2)
  check_eq(x:dtype(), "float32")
  check_eq(table.concat(x:shape(), "x"), "1x28x28")
  local v = flat(x)
  for i = 1, 784 do check_near(v[i], raw[i] / 255, 1e-6, "pixel " .. i) end
  check_eq(y, fm.train[2][2])
end)

test("fashion_mnist: pixel statistics are the published ones", function()
  local mean, std = fm.train:stats()
  check_eq(#mean, 1); check_eq(#std, 1)
  check_near(mean[1], 0.2860, 1e-4)
  check_near(std[1], 0.3530, 1e-4)
end)

test("normalize: statistics give mean 0 and std 1; values are (x - mean) / std", function()
  local mean, std = fm.train:stats()
  local n = fm.train:normalize(mean, std)
  local m2, s2 = n:stats()
  check_near(m2[1], 0, 1e-9); check_near(s2[1], 1, 1e-9)
  local auto = fm.train:normalize()
  local m3, s3 = auto:stats()
  check_near(m3[1], 0, 1e-9); check_near(s3[1], 1, 1e-9)
  local raw, got = flat(fm.train[5][1]), flat(n[5][1])
  for i = 1, 784, 7 do check_near(got[i], (raw[i] - mean[1]) / std[1], 1e-5) end
  -- The test set normalised with the training statistics is close to, not exactly, standard.
  local tm, ts = fm.test:normalize(mean, std):stats()
  check(math.abs(tm[1]) < 0.05 and math.abs(ts[1] - 1) < 0.05, "test set stats " .. tm[1] .. " " .. ts[1])
  check(tostring(n):find("normalized (mean 0.2860, std 0.3530)", 1, true), tostring(n))
  -- Normalising twice composes: ((x - 0.5)/2 - 1)/4 = (x - 2.5)/8.
  local twice = fm.test:normalize(0.5, 2):normalize(1, 4)
  local direct = fm.test:normalize(2.5, 8)
  local a, b = flat(twice[3][1]), flat(direct[3][1])
  for i = 1, 784, 13 do check_near(a[i], b[i], 1e-6) end
end)

test("normalize: per-channel tables on 3-channel samples", function()
  -- Two samples of 3×1×2 with hand-computable channel statistics.
  local x = tensor.zeros(2, 3, 1, 2)
  local vals = { { { 1, 3 }, { 0, 0 }, { 10, 20 } }, { { 5, 7 }, { 2, 2 }, { 30, 40 } } }
  for n = 1, 2 do for ch = 1, 3 do for c = 1, 2 do x[n][ch][1][c] = vals[n][ch][c] end end end
  local ds = data.tensors(x, { 1, 2 })
  local mean, std = ds:stats()
  check_table_near(mean, { 4, 1, 25 }, 1e-12)
  check_table_near(std, { math.sqrt(5), 1, math.sqrt(125) }, 1e-12)
  local n = ds:normalize(mean, std)
  local m2, s2 = n:stats()
  check_table_near(m2, { 0, 0, 0 }, 1e-6); check_table_near(s2, { 1, 1, 1 }, 1e-6)
  check_near(n[1][1][3][1][2], (20 - 25) / math.sqrt(125), 1e-6)
  -- One number applies to every channel.
  check_near(ds:normalize(1, 2)[2][1][2][1][1], (2 - 1) / 2, 1e-7)
end)

test("subset: a view of consecutive samples", function()
  local s = fm.train:subset(11, 5)
  check_eq(#s, 5)
  check_eq(s[1][2], fm.train[11][2])
  check_eq(s[5][2], fm.train[15][2])
  check_eq(flat(s[2][1])[400], flat(fm.train[12][1])[400])
  check_eq(#fm.train:subset(59991), 10)        -- to the end
  check_eq(#fm.train:subset(1, 0), 0)          -- empty
  local ss = s:subset(2, 3)                    -- a subset of a subset
  check_eq(#ss, 3); check_eq(ss[1][2], fm.train[12][2])
  check(tostring(s):find("[11…15]", 1, true), tostring(s))
end)

test("split: disjoint, complete, seeded", function()
  local ds = H.numbered(100, 2, 2, 10)
  local a, b = ds:split(0.3, 7)
  check_eq(#a, 30); check_eq(#b, 70)
  local seen = {}
  for _, part in ipairs({ a, b }) do
    for i = 1, #part do
      local id = H.id_of(part[i][1])
      check(not seen[id], "sample " .. id .. " in both parts")
      seen[id] = true
      check_eq(part[i][2], ((id - 1) % 10) + 1, "label follows its image")
    end
  end
  for id = 1, 100 do check(seen[id], "sample " .. id .. " missing") end
  local a2 = ds:split(0.3, 7)
  local a3 = ds:split(0.3, 8)
  local same, differ = true, false
  for i = 1, 30 do
    if H.id_of(a2[i][1]) ~= H.id_of(a[i][1]) then same = false end
    if H.id_of(a3[i][1]) ~= H.id_of(a[i][1]) then differ = true end
  end
  check(same, "the same seed gives the same split")
  check(differ, "another seed gives another split")
  local all, none = ds:split(1, 1)
  check_eq(#all, 100); check_eq(#none, 0)
  check_eq(#fm.train:split(0.1, 1), 6000)
end)

-- The sample ids of every batch of an epoch, in order.
local function epoch_ids(ds, n, opts)
  local ids, sizes = {}, {}
  for x, y in ds:batches(n, opts) do
    sizes[#sizes + 1] = #x
    check_eq(x:dtype(), "float32"); check_eq(y:dtype(), "float32")
    check_eq(#y, #x)
    for i = 1, #x do
      local id = H.id_of(x[i])
      ids[#ids + 1] = id
      check_eq(y[i], ((id - 1) % 3) + 1, "label of sample " .. id)
    end
  end
  return ids, sizes
end

test("batches: in order without shuffle, seeded permutations with it", function()
  local ds = H.numbered(10, 2, 3, 3)
  local ids, sizes = epoch_ids(ds, 4)
  check_eq(table.concat(ids, ","), "1,2,3,4,5,6,7,8,9,10")
  check_eq(table.concat(sizes, ","), "4,4,2")
  local _, dropped = epoch_ids(ds, 4, { drop_last = true })
  check_eq(table.concat(dropped, ","), "4,4")
  local s1 = epoch_ids(ds, 4, { shuffle = true, seed = 1 })
  local s1b = epoch_ids(ds, 4, { shuffle = true, seed = 1 })
  local s2 = epoch_ids(ds, 4, { shuffle = true, seed = 2 })
  local e2 = epoch_ids(ds, 4, { shuffle = true, seed = 1, epoch = 2 })
  check_eq(table.concat(s1, ","), table.concat(s1b, ","), "same seed, same order")
  check(table.concat(s1, ",") ~= table.concat(s2, ","), "another seed, another order")
  check(table.concat(s1, ",") ~= table.concat(e2, ","), "another epoch, another order")
  local sorted = { table.unpack(s1) }; table.sort(sorted)
  check_eq(table.concat(sorted, ","), "1,2,3,4,5,6,7,8,9,10", "a permutation")
  -- ds:batches follows data.epoch_order.
  local order = data.epoch_order(10, 4, { seed = 1 })
  local flat_order = {}
  for _, b in ipairs(order) do for _, i in ipairs(b) do flat_order[#flat_order + 1] = i end end
  check_eq(table.concat(flat_order, ","), table.concat(s1, ","))
  local b = fm.test:batches(128)
  local x, y = b()
  check_eq(table.concat(x:shape(), "x"), "128x1x28x28")
  check_eq(y[1], fm.test[1][2]); check_eq(y[128], fm.test[128][2])
end)

test("epoch_order: a permutation in batches, seeded by (seed, epoch)", function()
  local order = data.epoch_order(1000, 128, { seed = 42 })
  check_eq(#order, 8); check_eq(#order[1], 128); check_eq(#order[8], 1000 - 7 * 128)
  local seen, n = {}, 0
  for _, b in ipairs(order) do for _, i in ipairs(b) do
    check(i >= 1 and i <= 1000 and not seen[i], "index " .. i); seen[i] = true; n = n + 1
  end end
  check_eq(n, 1000)
  check_eq(#data.epoch_order(1000, 128, { seed = 42, drop_last = true }), 7)
  check_eq(data.epoch_order(1000, 128, { seed = 42 })[3][5], order[3][5])
  local other = data.epoch_order(1000, 128, { seed = 42, epoch = 2 })
  local moved = 0
  for k = 1, 128 do if other[1][k] ~= order[1][k] then moved = moved + 1 end end
  check(moved > 100, "epoch 2 reorders")
  local plain = data.epoch_order(5, 2, { shuffle = false })
  check_eq(#plain, 3); check_eq(plain[1][1], 1); check_eq(plain[3][1], 5)
end)

-- Where an augmented numbered image came from: returns dy, dx, flipped such that
-- out[r][c] = src[r + dy][(flipped and w + 1 - c or c) + dx] (0 outside), or nil.
local function placement(out, id, h, w, pad)
  for dy = -pad, pad do for dx = -pad, pad do for _, flipped in ipairs({ false, true }) do
    local ok = true
    for r = 1, h do
      for c = 1, w do
        local sr, sc = r + dy, (flipped and (w + 1 - c) or c) + dx
        local want = (sr >= 1 and sr <= h and sc >= 1 and sc <= w) and (id * 1000 + sr * 10 + sc) or 0
        if out[1][r][c] ~= want then ok = false; break end
      end
      if not ok then break end
    end
    if ok then return dy, dx, flipped end
  end end end
  return nil
end

test("augment: every image is a zero-padded crop and/or mirror of its source", function()
  local h, w = 4, 5
  local ds = H.numbered(60, h, w, 3)
  local aug = ds:augment{ crop = 1, flip = true }
  check(tostring(aug):find("augmented (crop 1, flip)", 1, true), tostring(aug))
  -- Without a generator (ds[i], plain batches) images are untouched.
  check_eq(placement(aug[7][1], 7, h, w, 0), 0)
  for x in aug:batches(60) do for i = 1, 60 do check_eq(placement(x[i], i, h, w, 0), 0, "unaugmented " .. i) end end
  local seen, shifted_with_zeros, flips = {}, 0, 0
  local first = {}
  for x, y in aug:batches(20, { augment = true, seed = 5 }) do
    for i = 1, #x do
      local found
      for cand = 1, 60 do
        local dy, dx, f = placement(x[i], cand, h, w, 1)
        if dy then found = { cand, dy, dx, f }; break end
      end
      check(found ~= nil, "augmented image " .. #first + 1 .. " is a placement of some source")
      first[#first + 1] = found
      check_eq(found[1], #first, "batches keep the order without shuffle")
      check_eq(y[i], ((found[1] - 1) % 3) + 1)
      seen[found[2] .. "," .. found[3] .. "," .. tostring(found[4])] = true
      if (found[2] ~= 0 or found[3] ~= 0) then shifted_with_zeros = shifted_with_zeros + 1 end
      if found[4] then flips = flips + 1 end
    end
  end
  local kinds = 0
  for _ in pairs(seen) do kinds = kinds + 1 end
  check(kinds >= 10, "many of the 18 placements occur (" .. kinds .. ")")
  check(shifted_with_zeros > 30 and flips > 15 and flips < 45, "shifts " .. shifted_with_zeros .. ", flips " .. flips)
  -- The same seed repeats the draws; another seed changes them.
  local function all_values(seed)
    local out = {}
    for x in aug:batches(20, { augment = true, seed = seed }) do
      for i = 1, #x do for _, v in ipairs(flat(x[i])) do out[#out + 1] = v end end
    end
    return table.concat(out, ",")
  end
  local a, b, c = all_values(5), all_values(5), all_values(6)
  local same, differ = a == b, a ~= c
  check(same, "same seed, same augmentation"); check(differ, "another seed, another augmentation")
end)

test("augment: a crop shifts values and fills zeros; flipping mirrors; normalisation follows", function()
  local ds = H.numbered(1, 3, 3, 1)
  local flip = ds:augment{ flip = true }
  local mirrored, plain = 0, 0
  for e = 1, 40 do
    local x = flip:batches(1, { augment = true, seed = e })()
    local dy, dx, f = placement(x[1], 1, 3, 3, 0)
    check(dy == 0 and dx == 0, "flip only never shifts")
    if f then
      mirrored = mirrored + 1
      check_eq(x[1][1][2][1], 1000 + 2 * 10 + 3)  -- row 2, column 1 shows source column 3
    else plain = plain + 1 end
  end
  check(mirrored > 5 and plain > 5, "both outcomes occur: " .. mirrored .. " / " .. plain)
  -- Crop 2 of a 3×3 image with normalisation: uncovered pixels read (0 - mean) / std.
  local crop = ds:augment{ crop = 2 }:normalize(100, 4)
  local zeros_seen = false
  for e = 1, 20 do
    local x = crop:batches(1, { augment = true, seed = e })()
    for r = 1, 3 do for c = 1, 3 do
      local v = x[1][1][r][c]
      if v == -25 then zeros_seen = true else check_eq((v * 4 + 100 - 1000) % 1, 0) end
    end end
  end
  check(zeros_seen, "padding reads (0 - mean) / std")
end)

test("tensors: samples, labels and options", function()
  local x = tensor.zeros(4, 6)
  for i = 1, 4 do x[i][i] = i end
  local y = tensor.zeros(4)
  for i = 1, 4 do y[i] = 5 - i end
  local ds = data.tensors(x, y, { classes = 5, class_names = { "a", "b", "c", "d", "e" }, name = "toy" })
  check_eq(#ds, 4); check_eq(ds.classes, 5); check_eq(ds.class_names[5], "e"); check_eq(ds.name, "toy")
  check_eq(table.concat(ds.shape, "x"), "6")
  check_eq(ds[2][1][2], 2); check_eq(ds[2][2], 3)
  x[2][2] = 99                                   -- the dataset holds a copy
  check_eq(ds[2][1][2], 2)
  check_eq(data.tensors(x, y).classes, 4)        -- default: the largest label
  local all_x, all_y = ds:tensors()
  check_eq(table.concat(all_x:shape(), "x"), "4x6"); check_eq(all_y[4], 1)
  check(tostring(ds):find("toy, 4 samples of 6 (float32), 5 classes", 1, true), tostring(ds))
end)

test("idx: generated files, plain and gzip", function()
  local dir = H.scratch()
  for _, gz in ipairs({ false, true }) do
    local images, labels = H.idx_pair(dir, 7, 3, 4, 4, gz)
    local ds = data.idx(images, labels)
    check_eq(#ds, 7); check_eq(ds.classes, 4); check_eq(table.concat(ds.shape, "x"), "1x3x4")
    for n = 1, 7 do
      check_eq(ds[n][2], (n - 1) % 4 + 1)
      local v = flat(ds[n][1])
      for r = 1, 3 do for c = 1, 4 do check_near(v[(r - 1) * 4 + c], H.pixel(n, r, c) / 255, 1e-7) end end
    end
    check_eq(data.idx(images, labels, { classes = 10 }).classes, 10)
    check_eq(data.idx(images, labels, { class_names = { "w", "x", "y", "z" } }).class_names[4], "z")
  end
  -- N×D images give samples of D values.
  local flat_images = H.write(dir .. "/flat.idx", H.idx({ 2, 5 }, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }))
  local flat_labels = H.write(dir .. "/flat-labels.idx", H.idx({ 2 }, { 0, 1 }))
  local f = data.idx(flat_images, flat_labels)
  check_eq(table.concat(f.shape, "x"), "5"); check_near(f[2][1][5], 10 / 255, 1e-7)
end)

test("cifar10: generated binary batches", function()
  local dir = H.cifar10_dir(true)
  local c = data.cifar10(dir)
  check_eq(#c.train, 10); check_eq(#c.test, 3)
  check_eq(c.train.classes, 10); check_eq(c.train.class_names[1], "airplane"); check_eq(c.test.class_names[10], "truck")
  check_eq(table.concat(c.train.shape, "x"), "3x32x32")
  for f = 1, 5 do for n = 1, 2 do
    local i = (f - 1) * 2 + n
    local img, label = c.train:get(i)
    check_eq(label, (f + n) % 10 + 1)
    for _, p in ipairs({ { 1, 1, 1 }, { 2, 5, 7 }, { 3, 32, 32 }, { 3, 1, 32 } }) do
      check_near(img[p[1]][p[2]][p[3]], H.cifar_pixel(f, n, p[1], p[2], p[3]) / 255, 1e-7)
    end
  end end
  check_eq(c.test[3][2], (6 + 3) % 10 + 1)
  check_near(c.test[2][1][2][3][4], H.cifar_pixel(6, 2, 2, 3, 4) / 255, 1e-7)
  -- Without batches.meta.txt the classes are numbered.
  local bare = data.cifar10(H.cifar10_dir(false))
  check_eq(bare.train.class_names[3], "3")
  check(tostring(c.train):find("CIFAR-10 train, 10 samples of 3×32×32", 1, true), tostring(c.train))
end)

test("cifar100: fine and coarse labels", function()
  local dir = H.cifar100_dir(true)
  local fine = data.cifar100(dir)
  local coarse = data.cifar100(dir, { labels = "coarse" })
  check_eq(#fine.train, 4); check_eq(#fine.test, 2)
  check_eq(fine.train.classes, 100); check_eq(coarse.train.classes, 20)
  for n = 1, 4 do
    check_eq(fine.train[n][2], (1 * 7 + n * 13) % 100 + 1)
    check_eq(coarse.train[n][2], (1 + n) % 20 + 1)
  end
  check_eq(fine.test[2][2], (2 * 7 + 2 * 13) % 100 + 1)
  check_eq(fine.train.class_names[100], "fine100"); check_eq(coarse.test.class_names[20], "coarse20")
  check_near(coarse.train[3][1][1][1][2], H.cifar_pixel(1, 3, 1, 1, 2) / 255, 1e-7)
  check_eq(data.cifar100(dir, { labels = "fine" }).train[1][2], fine.train[1][2])
end)

test("batches: dead batches are collected while the loop runs", function()
  -- Lua cannot see a batch tensor's memory; the iterator reports it to the collector, so a
  -- loop keeps only a few batches alive instead of every batch since the last collection.
  collectgarbage(); collectgarbage()
  local ds = data.tensors(tensor.zeros(4000, 1024), tensor.ones(4000))
  local alive = setmetatable({}, { __mode = "k" })
  local batches = 0
  for x in ds:batches(16) do alive[x] = true; batches = batches + 1 end
  local n = 0
  for _ in pairs(alive) do n = n + 1 end
  check_eq(batches, 250)
  check(n < 100, n .. " of 250 batches still alive")
end)

test("help documents the module and the dataset class", function()
  help(data); help(fm.train)
end)

H.cleanup()
