"""W2 fmnist-mlp and W3 fmnist-cnn in PyTorch, with the protocol of bench/SharpGrad.Bench/Workloads/ClassifierWorkload.cs.

Adam (lr 1e-3, PyTorch defaults), softmax cross-entropy, batch 128 over a fresh permutation each epoch (the last, smaller
batch is kept, as Trainer.Fit with dropLast false), PyTorch's default initialisation. Each step does what Trainer.Fit does:
forward, loss, loss.item(), zero_grad, backward, step, and the running accuracy of the batch. First a throwaway copy of the
model trains for WARMUP_SECONDS (untimed), as the SharpGrad bench does; then a fresh model is timed. The value is the median
of the epoch times (the loop only: batching, shuffling and training; no evaluation), test_accuracy after the last epoch.
"""
import time

import fashion_mnist
from common import line, median

BATCH, LR, SEED, WARMUP_SECONDS = 128, 1e-3, 0, 2.0


def w2_model(nn):
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))


def w3_model(nn):
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(1600, 128), nn.ReLU(),
        nn.Linear(128, 10))


def run(torch, threads, blas, workload, data_directory=None):
    (xtr, ytr), (xte, yte) = fashion_mnist.load(data_directory)
    xtr, ytr, xte, yte = (torch.from_numpy(a) for a in (xtr, ytr, xte, yte))
    if workload == "W2":
        epochs, model_fn = 5, w2_model
    else:
        epochs, model_fn = 3, w3_model
        xtr, xte = xtr.view(-1, 1, 28, 28), xte.view(-1, 1, 28, 28)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = xtr.shape[0]

    def epoch(model, opt, shuffle, stop_at=None):
        model.train()
        order = torch.randperm(n, generator=shuffle)
        correct = 0
        for first in range(0, n, BATCH):
            index = order[first:first + BATCH]
            xb, yb = xtr[index], ytr[index]
            out = model(xb)
            loss = loss_fn(out, yb)
            loss.item()
            opt.zero_grad()
            loss.backward()
            opt.step()
            correct += (out.detach().argmax(1) == yb).sum().item()
            if stop_at is not None and time.perf_counter() >= stop_at:
                return False
        return True

    # warm-up on a throwaway model
    torch.manual_seed(SEED + 1)
    warm = model_fn(torch.nn)
    warm_opt = torch.optim.Adam(warm.parameters(), lr=LR)
    warm_shuffle = torch.Generator().manual_seed(SEED + 1)
    stop_at = time.perf_counter() + WARMUP_SECONDS
    while epoch(warm, warm_opt, warm_shuffle, stop_at):
        pass
    del warm, warm_opt

    torch.manual_seed(SEED)
    model = model_fn(torch.nn)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    shuffle = torch.Generator().manual_seed(SEED)
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        epoch(model, opt, shuffle)
        times.append(time.perf_counter() - start)
    model.eval()
    with torch.no_grad():
        hits = sum((model(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item() for i in range(0, xte.shape[0], 1000))
    params = sum(p.numel() for p in model.parameters())
    line(workload, "pytorch", threads, "sec_per_epoch", round(median(times), 3), test_accuracy=round(hits / xte.shape[0], 4),
         params=params, epochs=epochs, epoch_seconds=[round(t, 3) for t in times], blas=blas)
