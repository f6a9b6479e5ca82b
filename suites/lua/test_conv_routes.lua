-- m:conv_routes: the convolution route planner's choice per layer and pass.

test("m:conv_routes names each convolution's route per pass", function()
  local m = models.resnet{depth = 18, input = {3, 32, 32}, classes = 10, width = 0.25, seed = 1}
  local r = m:conv_routes()
  check_eq(#r, 20)
  check_eq(r[1].layer, "conv1"); check_eq(r[1].input, "3×32×32")
  local routes = {winograd = true, channels = true, flat = true, im2col = true}
  local projection
  for i = 1, #r do
    check(routes[r[i].forward] and routes[r[i].input_gradient] and routes[r[i].weight_gradient], r[i].layer)
    check(r[i].weight_gradient ~= "winograd", "no Winograd weight gradient")
    if r[i].layer == "layer2.0.downsample.0" then projection = r[i] end
  end
  -- A 1×1 stride-2 projection runs on im2col on every CPU (too little work per output for the
  -- direct kernels), unless PRUNELAB_CONV=channels asks for the channel kernel wherever it runs.
  check(projection ~= nil, "layer2.0.downsample.0 listed")
  if os.getenv("PRUNELAB_CONV") == nil then
    check_eq(projection.forward, "im2col"); check_eq(projection.weight_gradient, "im2col")
  end
  check_eq(r[1].input, "3×32×32")
  -- The sparse kernels (m:compress()): flat on the 32×32 … 8×8 stride-1 planes, where more
  -- than half of the flat positions are outputs (8×8: 64 of 80); batched on 4×4 (16 of 32);
  -- im2col for strides.
  local sparse = {}
  for i = 1, #r do sparse[r[i].layer] = r[i].sparse_forward end
  check_eq(sparse["conv1"], "flat"); check_eq(sparse["layer3.1.conv2"], "flat")
  check_eq(sparse["layer4.1.conv2"], "batched"); check_eq(sparse["layer4.0.conv1"], "im2col")
  check_eq(#m:conv_routes(1), 20)
  check_error(function() m:conv_routes(0) end, "conv_routes", "argument 2 (batch)")
end)
