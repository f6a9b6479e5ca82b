"""PyTorch side of scripts/bench_train: trains and runs one model on synthetic data and prints
one JSON line of timings. Run by /usr/bin/python3 (Debian's python3-torch).

usage: train_torch.py MODEL C H W WIDTH BATCH STEPS THREADS
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def convnet(c, h, w, classes=10):
    def pool_out(n):
        return (n + 2 - 3) // 2 + 1
    feats = 64 * pool_out(pool_out(h)) * pool_out(pool_out(w))
    return nn.Sequential(
        nn.Conv2d(c, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2, 1),
        nn.Conv2d(64, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2, 1),
        nn.Flatten(), nn.Linear(feats, 384), nn.ReLU(), nn.Linear(384, 192), nn.ReLU(), nn.Linear(192, classes))


VGG_PLANS = {16: [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0]}


def scaled(c, width):
    return max(1, int(round(c * width)))


def vgg(depth, c, width, classes=10):
    layers, ch = [], c
    for e in VGG_PLANS[depth]:
        if e == 0:
            layers.append(nn.MaxPool2d(2))
        else:
            out = scaled(e, width)
            layers += [nn.Conv2d(ch, out, 3, padding=1), nn.BatchNorm2d(out), nn.ReLU()]
            ch = out
    hidden = scaled(512, width)
    layers += [nn.Flatten(), nn.Linear(ch, hidden), nn.ReLU(), nn.Dropout(0.5), nn.Linear(hidden, classes)]
    return nn.Sequential(*layers)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)), inplace=True)
        out = self.bn2(self.conv2(out))
        return F.relu(out + (x if self.downsample is None else self.downsample(x)), inplace=True)


class ResNet(nn.Module):
    def __init__(self, depth, c, width, classes=10):
        super().__init__()
        blocks = {18: [2, 2, 2, 2], 34: [3, 4, 6, 3]}[depth]
        stem = scaled(64, width)
        self.conv1 = nn.Conv2d(c, stem, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(stem)
        layers, ch = [], stem
        for stage, count in enumerate(blocks):
            out = scaled(64 << stage, width)
            for b in range(count):
                layers.append(BasicBlock(ch, out, 2 if b == 0 and stage > 0 else 1))
                ch = out
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(ch, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)), inplace=True)
        x = self.layers(x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def build(name, c, h, w, width):
    if name == "convnet":
        return convnet(c, h, w)
    if name.startswith("vgg"):
        return vgg(int(name[3:]), c, width)
    if name.startswith("resnet"):
        return ResNet(int(name[6:]), c, width)
    raise SystemExit("unknown model " + name)


def main():
    name, c, h, w, width, batch, steps, threads = sys.argv[1:9]
    c, h, w, batch, steps, threads = map(int, (c, h, w, batch, steps, threads))
    width = float(width)
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    model = build(name, c, h, w, width)
    x = torch.randn(batch, c, h, w)
    y = torch.randint(0, 10, (batch,))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)

    def train_step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    warmup = 2
    model.train()
    train_times = []
    for i in range(steps + warmup):
        t = time.perf_counter()
        train_step()
        if i >= warmup:
            train_times.append(time.perf_counter() - t)
    model.eval()
    infer_times = []
    with torch.no_grad():
        for i in range(steps + warmup):
            t = time.perf_counter()
            F.cross_entropy(model(x), y)
            if i >= warmup:
                infer_times.append(time.perf_counter() - t)
    print(json.dumps({"train": train_times, "infer": infer_times}))


main()
