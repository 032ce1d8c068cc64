#!/usr/bin/python3
"""Safetensors fixtures made with PyTorch (Debian's python3-torch), and the check that PyTorch reads SharpGrad's files.

    /usr/bin/python3 tools/make_safetensors_fixture.py
        writes tests/SharpGrad.Tests/Fixtures/torch_tensors.safetensors: one tensor of every dtype the tests cover
        (F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL), a scalar, an empty tensor and __metadata__, laid out as the
        safetensors library does (tensors sorted by dtype size, then name; data contiguous; header padded to 8 bytes);
        and tests/SharpGrad.Tests/Fixtures/torch_tensors.json: each tensor's dtype, shape and values (as float64 numbers).

    /usr/bin/python3 tools/make_safetensors_fixture.py --check FILE
        reads FILE (written by SharpGrad: the SafeTensorsTests write one as sharpgrad_tensors.safetensors) with PyTorch and
        compares every tensor, dtype and shape with the JSON above; exits 1 on any difference.

Debian has no python3-safetensors, so the format (8-byte little-endian header length, JSON header, raw little-endian data)
is written and read here by hand: the bytes are PyTorch's own (tensor.view(torch.uint8)), the layout the specification's.
"""
import json
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "tests", "SharpGrad.Tests", "Fixtures")

DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool,
}
NAMES = {v: k for k, v in DTYPES.items()}


def tensors():
    g = torch.Generator().manual_seed(0)
    t = {
        "f64": torch.randn(2, 3, generator=g, dtype=torch.float64),
        "f32": torch.randn(3, 4, generator=g),
        # values beyond float16 precision and range, subnormals and signed zero: the conversions are part of the test
        "f16": torch.tensor([[1.0, -2.5, 65504.0, 6.1e-5], [5.96e-8, -0.0, 3.14159, 1e-3]], dtype=torch.float16),
        "bf16": torch.tensor([1.0, -2.5, 3.0e38, 1.0e-38, 3.14159, -0.0], dtype=torch.bfloat16),
        "i64": torch.tensor([[-(2 ** 40), 0, 7], [1, -1, 2 ** 40]], dtype=torch.int64),
        "i32": torch.tensor([-(2 ** 31), 2 ** 31 - 1, 0, 5], dtype=torch.int32),
        "i16": torch.tensor([-32768, 32767, 3], dtype=torch.int16),
        "i8": torch.tensor([-128, 127, -1], dtype=torch.int8),
        "u8": torch.tensor([[0, 255], [17, 128]], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True], dtype=torch.bool),
        "scalar": torch.tensor(2.5, dtype=torch.float32),
        "empty": torch.zeros(0, 3, dtype=torch.float32),
        "layer.0.weight": torch.randn(4, 2, generator=g),
    }
    return t


def raw_bytes(x):
    x = x.contiguous().reshape(-1)  # 1-D: a scalar cannot be viewed as bytes
    if x.numel() == 0:
        return b""
    return bytes(x.view(torch.uint8).numpy().tobytes()) if x.dtype != torch.bool else bytes(x.to(torch.uint8).numpy().tobytes())


def write(path, named, metadata):
    # the safetensors library's order: larger dtypes first, then by name
    items = sorted(named.items(), key=lambda kv: (-kv[1].element_size(), kv[0]))
    header, data, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, x in items:
        b = raw_bytes(x)
        header[name] = {"dtype": NAMES[x.dtype], "shape": list(x.shape), "data_offsets": [offset, offset + len(b)]}
        data.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in data:
            f.write(b)


def read(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    base = 8 + n
    out = {}
    for name, e in header.items():
        begin, end = e["data_offsets"]
        dtype = DTYPES[e["dtype"]]
        buf = bytearray(blob[base + begin:base + end])
        if dtype == torch.bool:
            x = torch.frombuffer(buf, dtype=torch.uint8).to(torch.bool) if len(buf) else torch.zeros(0, dtype=torch.bool)
        else:
            x = torch.frombuffer(buf, dtype=dtype) if len(buf) else torch.zeros(0, dtype=dtype)
        out[name] = x.reshape(e["shape"])
    return out, metadata


def values(x):
    return x.to(torch.float64).flatten().tolist()


def expected():
    return {name: {"dtype": NAMES[x.dtype], "shape": list(x.shape), "values": values(x)} for name, x in tensors().items()}


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        got, metadata = read(sys.argv[2])
        want = expected()
        bad = []
        for name, e in want.items():
            if name not in got:
                bad.append(f"{name}: missing")
                continue
            x = got[name]
            if NAMES[x.dtype] != e["dtype"] or list(x.shape) != e["shape"] or values(x) != e["values"]:
                bad.append(f"{name}: {NAMES[x.dtype]} {list(x.shape)} differs from {e['dtype']} {e['shape']}")
        extra = sorted(set(got) - set(want))
        if extra:
            bad.append(f"unexpected tensors {extra}")
        if metadata.get("format") != "pt":
            bad.append(f"metadata {metadata}")
        print("\n".join(bad) if bad else f"{sys.argv[2]}: {len(got)} tensors read by PyTorch {torch.__version__}, all equal")
        sys.exit(1 if bad else 0)
    write(os.path.join(FIXTURES, "torch_tensors.safetensors"), tensors(), {"format": "pt", "source": "tools/make_safetensors_fixture.py"})
    with open(os.path.join(FIXTURES, "torch_tensors.json"), "w") as f:
        json.dump(expected(), f, indent=1)
    print("wrote torch_tensors.safetensors and torch_tensors.json")


if __name__ == "__main__":
    main()
