-- Helpers shared by test_data.lua and misuse_data.lua: scratch files in the exact IDX and
-- CIFAR binary formats, and raw bytes read independently of prunelab (gzip and io).
local H = {}

H.fmnist = "/usr/share/datasets/fashion-mnist"

local scratch_dirs = {}

--- A fresh scratch directory (removed by H.cleanup()).
function H.scratch()
  local path = os.tmpname()
  os.remove(path)
  assert(os.execute("mkdir -p '" .. path .. "'"))
  scratch_dirs[#scratch_dirs + 1] = path
  return path
end

--- Removes every scratch directory made so far.
function H.cleanup()
  for _, path in ipairs(scratch_dirs) do os.execute("rm -rf '" .. path .. "'") end
  scratch_dirs = {}
end

function H.write(path, bytes)
  local f = assert(io.open(path, "wb"))
  f:write(bytes)
  f:close()
  return path
end

--- gzip-compresses path into path .. ".gz" (with the system's gzip), keeping the original.
function H.gzip(path)
  assert(os.execute("gzip -kf '" .. path .. "'"))
  return path .. ".gz"
end

--- The first n bytes of a gzip file, decompressed by the system's gzip, as numbers.
function H.gunzip_bytes(path, first, n)
  local p = assert(io.popen("gzip -dc '" .. path .. "' | head -c " .. (first + n)))
  local s = p:read("a")
  p:close()
  local out = {}
  for i = first + 1, first + n do out[#out + 1] = s:byte(i) end
  return out
end

--- An IDX file of unsigned bytes: dims is a table of sizes, values a table of bytes.
function H.idx(dims, values)
  local parts = { string.char(0, 0, 8, #dims) }
  for _, d in ipairs(dims) do parts[#parts + 1] = string.pack(">I4", d) end
  parts[#parts + 1] = string.char(table.unpack(values))
  return table.concat(parts)
end

--- The byte value of image n's pixel (r, c) in the generated IDX images (1-based).
function H.pixel(n, r, c) return (n * 37 + r * 11 + c * 3) % 256 end

--- N images of h×w and their labels (label of n is (n-1) % classes, 0-based in the file).
function H.idx_pair(dir, n, h, w, classes, gz)
  local pixels, labels = {}, {}
  for i = 1, n do
    labels[i] = (i - 1) % classes
    for r = 1, h do for c = 1, w do pixels[#pixels + 1] = H.pixel(i, r, c) end end
  end
  local images = H.write(dir .. "/images.idx", H.idx({ n, h, w }, pixels))
  local labelfile = H.write(dir .. "/labels.idx", H.idx({ n }, labels))
  if gz then return H.gzip(images), H.gzip(labelfile) end
  return images, labelfile
end

--- The CIFAR image byte of record n (1-based within its file, file index f), channel ch, row r, column c.
function H.cifar_pixel(f, n, ch, r, c) return (f * 53 + n * 29 + ch * 101 + r * 7 + c) % 256 end

--- A CIFAR binary batch of `count` records; labels(n) gives the label bytes (a table).
function H.cifar_batch(path, f, count, labels)
  local parts = {}
  for n = 1, count do
    local rec = { string.char(table.unpack(labels(n))) }
    local img = {}
    for ch = 1, 3 do for r = 1, 32 do for c = 1, 32 do img[#img + 1] = H.cifar_pixel(f, n, ch, r, c) end end end
    -- string.char takes at most a few thousand arguments at once: 3072 is fine.
    rec[2] = string.char(table.unpack(img))
    parts[#parts + 1] = table.concat(rec)
  end
  return H.write(path, table.concat(parts))
end

--- A CIFAR-10 folder: data_batch_1..5 with 2 records each, test_batch with 3; label of record
--- n in file f is (f + n) % 10.
function H.cifar10_dir(with_names)
  local dir = H.scratch()
  for f = 1, 5 do H.cifar_batch(dir .. "/data_batch_" .. f .. ".bin", f, 2, function(n) return { (f + n) % 10 } end) end
  H.cifar_batch(dir .. "/test_batch.bin", 6, 3, function(n) return { (6 + n) % 10 } end)
  if with_names then
    H.write(dir .. "/batches.meta.txt", "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n")
  end
  return dir
end

--- A CIFAR-100 folder: train.bin with 4 records, test.bin with 2; record n of file f has
--- coarse label (f + n) % 20 and fine label (f * 7 + n * 13) % 100.
function H.cifar100_dir(with_names)
  local dir = H.scratch()
  local function labels(f) return function(n) return { (f + n) % 20, (f * 7 + n * 13) % 100 } end end
  H.cifar_batch(dir .. "/train.bin", 1, 4, labels(1))
  H.cifar_batch(dir .. "/test.bin", 2, 2, labels(2))
  if with_names then
    local fine, coarse = {}, {}
    for i = 1, 100 do fine[i] = "fine" .. i end
    for i = 1, 20 do coarse[i] = "coarse" .. i end
    H.write(dir .. "/fine_label_names.txt", table.concat(fine, "\n") .. "\n")
    H.write(dir .. "/coarse_label_names.txt", table.concat(coarse, "\n") .. "\n")
  end
  return dir
end

--- A dataset of n samples 1×h×w whose sample i holds values i*1000 + r*10 + c (row r, column
--- c, 1-based), labels ((i-1) % classes) + 1.
function H.numbered(n, h, w, classes)
  local x = tensor.zeros(n, 1, h, w)
  local y = {}
  for i = 1, n do
    y[i] = ((i - 1) % classes) + 1
    for r = 1, h do
      local row = x[i][1][r]
      for c = 1, w do row[c] = i * 1000 + r * 10 + c end
    end
  end
  return data.tensors(x, y), x
end

--- The id of a numbered sample (its value at row 1, column 1 is id*1000 + 11, unless shifted).
function H.id_of(x1)
  return math.floor(x1[1][1][1] / 1000 + 0.5)
end

return H
