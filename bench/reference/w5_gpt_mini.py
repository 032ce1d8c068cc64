"""W5 gpt-mini in PyTorch (nanoGPT's model.py, written out here), with the protocol of
bench/SharpGrad.Bench/Workloads/W5GptMini.cs.

4 layers, 4 heads, width 256, context 128, vocab 65, GELU (exact) MLP 4x, pre-LayerNorm, learned positions, untied output
head without bias, biases elsewhere, dropout 0; 3,225,600 parameters; nanoGPT's initialisation (N(0, 0.02), residual
projections N(0, 0.02/sqrt(2 * layers)), zero biases). PyTorch 1.13 has no fused scaled_dot_product_attention, so attention
is nanoGPT's explicit path (q k^T / sqrt(hs), causal mask, softmax, @ v).

Training: AdamW lr 3e-4 (PyTorch defaults: weight decay 0.01 on every parameter, as SharpGrad's AdamW), batch 16 x
context 128 of seeded random tokens drawn outside the timed region; each timed step: zero_grad, forward, cross-entropy,
backward, step, loss.item(). Value: batch * context / median step time of 20 steps after 3 warm-up steps.

Generation: greedy, batch 1, prompt [0], 200 new tokens, no KV cache; past the context the input is cropped to its last
128 tokens (nanoGPT's generate; SharpGrad's ContextOverflow.Slide) and the head runs on the last position only. Each figure:
one untimed run, then the median of 3 timed runs. Also 127 tokens (all within the context).
"""
import math
import time

from common import line, median

VOCAB, CTX, LAYERS, HEADS, WIDTH, BATCH, WARMUP, STEPS, GEN_TOKENS = 65, 128, 4, 4, 256, 16, 3, 20, 200


def build(torch):
    nn, F = torch.nn, torch.nn.functional

    class CausalSelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_attn = nn.Linear(WIDTH, 3 * WIDTH)
            self.c_proj = nn.Linear(WIDTH, WIDTH)
            self.register_buffer("mask", torch.tril(torch.ones(CTX, CTX, dtype=torch.bool)).view(1, 1, CTX, CTX))

        def forward(self, x):
            b, t, c = x.shape
            q, k, v = self.c_attn(x).split(WIDTH, dim=2)
            q, k, v = (z.view(b, t, HEADS, c // HEADS).transpose(1, 2) for z in (q, k, v))  # (B, NH, T, HS)
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.shape[-1]))  # (B, NH, T, T)
            att = att.masked_fill(~self.mask[:, :, :t, :t], float("-inf")).softmax(dim=-1)
            y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
            return self.c_proj(y)

    class Mlp(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_fc = nn.Linear(WIDTH, 4 * WIDTH)
            self.gelu = nn.GELU()
            self.c_proj = nn.Linear(4 * WIDTH, WIDTH)

        def forward(self, x):
            return self.c_proj(self.gelu(self.c_fc(x)))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1, self.attn, self.ln_2, self.mlp = nn.LayerNorm(WIDTH), CausalSelfAttention(), nn.LayerNorm(WIDTH), Mlp()

        def forward(self, x):
            x = x + self.attn(self.ln_1(x))
            return x + self.mlp(self.ln_2(x))

    class Gpt(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte, self.wpe = nn.Embedding(VOCAB, WIDTH), nn.Embedding(CTX, WIDTH)
            self.h = nn.ModuleList(Block() for _ in range(LAYERS))
            self.ln_f = nn.LayerNorm(WIDTH)
            self.lm_head = nn.Linear(WIDTH, VOCAB, bias=False)
            for name, p in self.named_parameters():
                if "ln_" in name:
                    continue
                if name.endswith(".bias"):
                    nn.init.zeros_(p)
                elif name.endswith("c_proj.weight"):
                    nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * LAYERS))
                else:
                    nn.init.normal_(p, 0.0, 0.02)

        def forward(self, ids, last_only=False):  # (B, T) -> (B, T, V), or (B, 1, V) with last_only
            t = ids.shape[1]
            x = self.wte(ids) + self.wpe(torch.arange(t))
            for block in self.h:
                x = block(x)
            x = self.ln_f(x)
            return self.lm_head(x[:, [-1], :] if last_only else x)

        @torch.no_grad()
        def generate(self, ids, new_tokens):
            for _ in range(new_tokens):
                window = ids if ids.shape[1] <= CTX else ids[:, -CTX:]
                logits = self(window, last_only=True)
                ids = torch.cat((ids, logits[:, -1, :].argmax(dim=-1, keepdim=True)), dim=1)
            return ids

    return Gpt()


def run(torch, threads, blas):
    F = torch.nn.functional
    torch.manual_seed(0)
    model = build(torch)
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    data = torch.Generator().manual_seed(1)
    times, loss_value = [], 0.0
    model.train()
    for step in range(WARMUP + STEPS):
        x = torch.randint(0, VOCAB, (BATCH, CTX), generator=data)
        y = torch.randint(0, VOCAB, (BATCH, CTX), generator=data)
        start = time.perf_counter()
        opt.zero_grad()
        logits = model(x)
        loss = F.cross_entropy(logits.view(BATCH * CTX, VOCAB), y.view(BATCH * CTX))
        loss.backward()
        opt.step()
        loss_value = loss.item()
        seconds = time.perf_counter() - start
        if step >= WARMUP:
            times.append(seconds)
    train_tps = BATCH * CTX / median(times)

    model.eval()
    prompt = torch.zeros(1, 1, dtype=torch.long)

    def tokens_per_second(tokens):
        model.generate(prompt, tokens)
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            model.generate(prompt, tokens)
            runs.append(tokens / (time.perf_counter() - start))
        return median(runs)

    crop = tokens_per_second(GEN_TOKENS)
    in_context = tokens_per_second(CTX - 1)
    line("W5", "pytorch", threads, "train_tokens_per_sec", round(train_tps, 1), params=params, batch=BATCH, context=CTX, steps=STEPS,
         last_loss=round(loss_value, 4), step_seconds=[round(t, 4) for t in times], blas=blas)
    # The value is PyTorch's only generation mode (no KV cache, crop): SharpGrad's like-for-like figure is its
    # slide_gen_tokens_per_sec_no_cache key (its own value is with the KV cache).
    line("W5", "pytorch", threads, "gen_tokens_per_sec", round(crop, 1), overflow="slide", kv_cache=False, tokens=GEN_TOKENS, batch=1,
         slide_gen_tokens_per_sec_no_cache=round(crop, 1), gen_tokens_per_sec_127_in_context_no_cache=round(in_context, 1), blas=blas)
