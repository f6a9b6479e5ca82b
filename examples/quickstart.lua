-- prunelab quickstart: tensors (more arrives as the engine grows).
local t = tensor.ones(2, 3)
print(t)
