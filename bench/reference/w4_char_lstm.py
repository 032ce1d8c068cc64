"""W4 char-lstm in PyTorch, with the protocol of bench/SharpGrad.Bench/Workloads/W4CharLstm.cs.

Embedding(65, 64) -> LSTM(64, 256, batch_first) -> Linear(256, 65), cross-entropy over all positions, Adam lr 2e-3;
sequence 64, batch 32, seeded random tokens (drawn outside the timed region). Each timed step: zero_grad, forward, loss,
backward, step. The value is the median of the per-step tokens/s of 30 steps after 5 warm-up steps.
"""
import time

from common import line, median

VOCAB, EMBED, HIDDEN, SEQ, BATCH, WARMUP, STEPS = 65, 64, 256, 64, 32, 5, 30


def run(torch, threads, blas):
    nn = torch.nn

    class CharLstm(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(VOCAB, EMBED)
            self.lstm = nn.LSTM(EMBED, HIDDEN, batch_first=True)
            self.head = nn.Linear(HIDDEN, VOCAB)

        def forward(self, ids):  # (B, T) -> (B, T, V)
            out, _ = self.lstm(self.embedding(ids))
            return self.head(out)

    torch.manual_seed(0)
    model = CharLstm()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(0)
    rates = []
    for step in range(WARMUP + STEPS):
        x = torch.randint(0, VOCAB, (BATCH, SEQ), generator=gen)
        y = torch.randint(0, VOCAB, (BATCH * SEQ,), generator=gen)
        start = time.perf_counter()
        opt.zero_grad()
        logits = model(x).reshape(-1, VOCAB)
        loss_fn(logits, y).backward()
        opt.step()
        seconds = time.perf_counter() - start
        if step >= WARMUP:
            rates.append(BATCH * SEQ / seconds)
    line("W4", "pytorch", threads, "train_tokens_per_sec", round(median(rates)), steps=STEPS, warmup=WARMUP, batch=BATCH, seq=SEQ,
         hidden=HIDDEN, blas=blas)
