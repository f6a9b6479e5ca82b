"""PyTorch side of scripts/bench_layers: one conv + BatchNorm + ReLU in evaluation mode, batch
128, with torch.set_num_threads(2); prints the fastest of REPS forward passes in milliseconds.

usage: layer_torch.py CIN COUT SIZE STRIDE REPS
"""
import sys
import time

import torch

cin, cout, size, stride, reps = map(int, sys.argv[1:6])
torch.set_num_threads(2)
m = torch.nn.Sequential(torch.nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False),
                        torch.nn.BatchNorm2d(cout), torch.nn.ReLU()).eval()
x = torch.randn(128, cin, size, size)
best = float("inf")
with torch.no_grad():
    for _ in range(reps):
        t0 = time.perf_counter()
        m(x)
        best = min(best, time.perf_counter() - t0)
print("%.4f" % (best * 1000))
