using SharpGrad.Kernels;

namespace SharpGrad.NN;

/// <summary>The activation after one layer of <see cref="Functional.Mlp"/>.</summary>
public enum MlpActivation
{
    /// <summary>No activation: the layer's output is x·Wᵀ + b.</summary>
    Identity,

    /// <summary>max(x, 0), as <see cref="Tensor.Relu"/>.</summary>
    Relu,

    /// <summary>1 / (1 + e^(−x)), as <see cref="Tensor.Sigmoid"/>.</summary>
    Sigmoid,

    /// <summary>tanh(x), as <see cref="Tensor.Tanh"/>.</summary>
    Tanh,
}

public static partial class Functional
{
    /// <summary>
    /// A chain of dense layers, layer l computing act_l(x·W_lᵀ + b_l) like <c>torch.nn.Linear</c> followed by its activation.
    /// When every tensor is float32 and every width is at most <see cref="MaxFusedMlpWidth"/>, the whole chain is one fused
    /// kernel and one graph node, "MlpBackward", with a hand-written backward (see <see cref="Kernels.NarrowMlp"/>): narrow
    /// layers (a 20-10-5-1 network, the XOR nets) run several times faster than as separate ops. Otherwise the layers run as
    /// <see cref="Tensor.Linear"/> and the activation's op, and autograd records each. Either way the values and gradients
    /// are those of the composed ops (up to float rounding).
    /// </summary>
    /// <param name="input">(*, in_features of the first layer).</param>
    /// <param name="weights">Layer l's weight, (out_l, in_l); in_l must equal out_(l−1).</param>
    /// <param name="biases">Layer l's bias, (out_l), or null.</param>
    /// <param name="activations">Layer l's activation.</param>
    /// <returns>(*, out_features of the last layer).</returns>
    /// <exception cref="ShapeMismatchException">When the widths do not chain or a bias has the wrong shape.</exception>
    /// <exception cref="ArgumentException">When the three lists differ in length or are empty.</exception>
    public static Tensor Mlp(Tensor input, IReadOnlyList<Tensor> weights, IReadOnlyList<Tensor?> biases, IReadOnlyList<MlpActivation> activations)
    {
        int layers = weights.Count;
        if (layers == 0 || biases.Count != layers || activations.Count != layers)
            throw new ArgumentException($"Mlp: needs one bias (or null) and one activation per weight; got {layers} weights, {biases.Count} biases and {activations.Count} activations, and at least one layer.");
        var widths = new int[layers + 1];
        widths[0] = input.Rank == 0 ? -1 : input.Size(-1);
        bool fusable = input.DType == DType.Float32 && input.Rank >= 1;
        for (int l = 0; l < layers; l++)
        {
            Tensor w = weights[l];
            if (w.Rank != 2) throw new ShapeMismatchException($"Mlp: layer {l}'s weight must be 2-D (out_features, in_features), got shape {Shape.Format(w.Shape)}.");
            if (w.Size(1) != widths[l])
                throw new ShapeMismatchException("Mlp", l == 0 ? input.Shape : weights[l - 1].Shape, w.Shape,
                    $"layer {l}'s in_features ({w.Size(1)}) must equal the width coming in ({widths[l]})");
            widths[l + 1] = w.Size(0);
            if (biases[l] is { } b && (b.Rank != 1 || b.Size(0) != widths[l + 1]))
                throw new ShapeMismatchException("Mlp", b.Shape, w.Shape, $"layer {l}'s bias must have shape [{widths[l + 1]}] (out_features)");
            fusable &= w.DType == DType.Float32 && (biases[l]?.DType ?? DType.Float32) == DType.Float32;
        }
        if (!fusable || !NarrowMlp.Fits(widths) || input.Numel == 0) return MlpComposed(input, weights, biases, activations);
        return MlpFused(input, weights, biases, activations, widths);
    }

    /// <summary>The widest layer <see cref="Mlp"/> runs as one fused kernel.</summary>
    public const int MaxFusedMlpWidth = NarrowMlp.MaxWidth;

    /// <summary>The same chain as separate ops: the reference the fused kernel is tested against.</summary>
    internal static Tensor MlpComposed(Tensor input, IReadOnlyList<Tensor> weights, IReadOnlyList<Tensor?> biases, IReadOnlyList<MlpActivation> activations)
    {
        Tensor x = input;
        for (int l = 0; l < weights.Count; l++)
        {
            x = Tensor.Linear(x, weights[l], biases[l]);
            x = activations[l] switch
            {
                MlpActivation.Relu => x.Relu(),
                MlpActivation.Sigmoid => x.Sigmoid(),
                MlpActivation.Tanh => x.Tanh(),
                _ => x,
            };
        }
        return x;
    }

    private static Tensor MlpFused(Tensor input, IReadOnlyList<Tensor> weights, IReadOnlyList<Tensor?> biases, IReadOnlyList<MlpActivation> activations, int[] widths)
    {
        int layers = weights.Count;
        int n = input.Numel / widths[0];
        var w = new Tensor[layers];
        var wData = new float[layers][];
        var wOff = new int[layers];
        var bData = new float[]?[layers];
        var bOff = new int[layers];
        for (int l = 0; l < layers; l++)
        {
            w[l] = weights[l].ContiguousRaw();
            (wData[l], wOff[l]) = ((float[])w[l].Storage.Data, w[l].Offset);
            if (biases[l] is { } bias)
            {
                Tensor bc = bias.ContiguousRaw();
                (bData[l], bOff[l]) = ((float[])bc.Storage.Data, bc.Offset);
            }
        }
        // The activations in the kernel's feature-major layout, kept for the backward pass, and its work buffers (from the
        // step's pool in a scope).
        var kernel = new NarrowMlp(n, widths, [.. activations], wData, wOff, bData, bOff, TensorScope.RentArray<float>(NarrowMlp.WorkFloats(n, widths)));

        Tensor x = input.ContiguousRaw();
        int[] outShape = input.ShapeArray;
        outShape[^1] = widths[layers];
        var y = new Tensor(Storage.AllocateUninitialized(DType.Float32, n * widths[layers]), outShape); // every element written
        Launch.Run((kernel, x, y), static s => s.kernel.Forward((float[])s.x.Storage.Data, s.x.Offset, (float[])s.y.Storage.Data));

        var inputs = new Tensor[1 + layers + biases.Count(b => b is not null)];
        inputs[0] = input;
        for (int l = 0, k = 1; l < layers; l++)
        {
            inputs[k++] = weights[l];
            if (biases[l] is { } bias) inputs[k++] = bias;
        }
        var saved = new Tensor[layers + 1];
        saved[0] = x;
        for (int l = 0; l < layers; l++) saved[l + 1] = w[l];
        Tensor output = y;
        return y.Record("MlpBackward", inputs, gy =>
        {
            _ = output.Storage; // throws once the step's scope has ended and recycled the saved activations
            Tensor g = gy.ContiguousRaw();
            var grads = new Tensor?[inputs.Length];
            Tensor? dx = input.RequiresGrad ? Uninitialized(input) : null;
            grads[0] = dx;
            var dw = new float[]?[layers];
            var db = new float[]?[layers];
            for (int l = 0, k = 1; l < layers; l++)
            {
                Tensor? gw = weights[l].RequiresGrad ? Uninitialized(weights[l]) : null; // frozen layers get no gradient tensor
                dw[l] = (float[]?)gw?.Storage.Data;
                grads[k++] = gw;
                if (biases[l] is { } bias)
                {
                    Tensor? gb = bias.RequiresGrad ? Uninitialized(bias) : null;
                    db[l] = (float[]?)gb?.Storage.Data;
                    grads[k++] = gb;
                }
            }
            Launch.Run((kernel, g, dw, db, dx), static s => s.kernel.Backward((float[])s.g.Storage.Data, s.g.Offset, s.dw, s.db, s.dx is null ? null : (float[])s.dx.Storage.Data));
            return grads;
        }, saved);
    }
}
