"""Fashion-MNIST from the IDX files, searched where SharpGrad.Data.FashionMnist searches them.

Order: --data DIR (only it, and DIR/fashion-mnist); $SHARPGRAD_DATA/fashion-mnist and $SHARPGRAD_DATA; the folder the
Debian package dataset-fashion-mnist installs, /usr/share/datasets/fashion-mnist. Pixels are scaled to [0, 1] (value / 255).
"""
import gzip
import os
import struct

import numpy as np

DEFAULT_DIRECTORY = "/usr/share/datasets/fashion-mnist"
INSTALL_COMMAND = "apt-get install -y dataset-fashion-mnist"
FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


class NotFound(Exception):
    pass


def _file(directory, name):
    for candidate in (os.path.join(directory, name + ".gz"), os.path.join(directory, name)):
        if os.path.isfile(candidate):
            return candidate
    return None


def find_directory(data_directory=None):
    if data_directory is not None:
        candidates = [data_directory, os.path.join(data_directory, "fashion-mnist")]
    else:
        root = os.environ.get("SHARPGRAD_DATA", "").strip()
        candidates = [os.path.join(root, "fashion-mnist"), root] if root else []
        candidates.append(DEFAULT_DIRECTORY)
    for directory in candidates:
        if all(_file(directory, f) for f in FILES):
            return directory
    raise NotFound(f"Fashion-MNIST was not found (searched {', '.join(candidates)}). Install it with: {INSTALL_COMMAND}")


def _read(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    magic, count = struct.unpack(">II", raw[:8])
    if magic == 0x00000803:
        rows, cols = struct.unpack(">II", raw[8:16])
        return np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(count, rows * cols)
    if magic == 0x00000801:
        return np.frombuffer(raw, dtype=np.uint8, offset=8)
    raise ValueError(f"{path}: not an IDX image or label file (magic 0x{magic:08x})")


def load(data_directory=None):
    """((x_train (60000, 784) float32 in [0, 1], y_train (60000,) int64), (x_test, y_test))."""
    directory = find_directory(data_directory)
    arrays = [_read(_file(directory, f)) for f in FILES]
    x = lambda a: a.astype(np.float32) / np.float32(255)
    return (x(arrays[0]), arrays[1].astype(np.int64)), (x(arrays[2]), arrays[3].astype(np.int64))
