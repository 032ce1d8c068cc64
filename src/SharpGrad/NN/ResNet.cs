namespace SharpGrad.NN;

/// <summary>
/// Residual networks of <see cref="BasicBlock"/>s with torchvision's layout and state-dict names (<c>conv1</c>, <c>bn1</c>,
/// <c>layer1.0.conv1</c>, <c>layer2.0.downsample.0</c>, <c>fc</c>, …):
/// <see cref="ResNet18"/> (the ImageNet 18-layer network) and <see cref="Cifar"/> (the 6n + 2 networks of He et al., 2016,
/// §4.2, for 32×32 or 28×28 images). Forward: stem → stages → global average pooling → flatten → fc. Input (N, C, H, W),
/// output (N, numClasses) logits. BatchNorm weights start at 1 and biases at 0; convolutions and fc use PyTorch's default
/// initialisation.
/// </summary>
public sealed class ResNet : Module
{
    private readonly Module[] _stem;
    private readonly Sequential[] _stages;
    private readonly AdaptiveAvgPool2d _avgPool;
    private readonly Linear _fc;

    private ResNet(int inChannels, int stemWidth, int stemKernel, int stemStride, bool maxPool, int[] widths, int[] blocks, int[] strides, int numClasses, Generator? generator)
    {
        var stem = new List<Module>
        {
            RegisterModule("conv1", new Conv2d(inChannels, stemWidth, stemKernel, stride: stemStride, padding: stemKernel / 2, bias: false, generator: generator)),
            RegisterModule("bn1", new BatchNorm2d(stemWidth)),
            RegisterModule("relu", new ReLU()),
        };
        if (maxPool) stem.Add(RegisterModule("maxpool", new MaxPool2d(3, stride: 2, padding: 1)));
        _stem = [.. stem];
        _stages = new Sequential[widths.Length];
        int inPlanes = stemWidth;
        for (int s = 0; s < widths.Length; s++)
        {
            var stage = new Sequential();
            for (int b = 0; b < blocks[s]; b++)
            {
                stage.Add(new BasicBlock(inPlanes, widths[s], b == 0 ? strides[s] : 1, generator: generator));
                inPlanes = widths[s];
            }
            _stages[s] = RegisterModule($"layer{s + 1}", stage);
        }
        _avgPool = RegisterModule("avgpool", new AdaptiveAvgPool2d(1));
        _fc = RegisterModule("fc", new Linear(inPlanes, numClasses, generator: generator));
    }

    /// <summary>
    /// ResNet-18 (torchvision's <c>resnet18</c> layout): 7×7 stride-2 conv (64) + BN + ReLU, 3×3 stride-2 max pool, four
    /// stages of 2 blocks with widths 64, 128, 256, 512 (stride 2 from the second stage on), global average pooling, fc.
    /// 11,689,512 parameters for 3 input channels and 1000 classes.
    /// </summary>
    public static ResNet ResNet18(int numClasses = 1000, int inChannels = 3, Generator? generator = null) =>
        new(inChannels, 64, 7, 2, true, [64, 128, 256, 512], [2, 2, 2, 2], [1, 2, 2, 2], numClasses, generator);

    /// <summary>
    /// The CIFAR ResNet of depth 6n + 2 (20, 32, 44, 56, 110): 3×3 conv (16) + BN + ReLU, three stages of n blocks with
    /// widths 16, 32, 64 (stride 2 at the start of stages 2 and 3), global average pooling, fc. For 32×32 or 28×28 inputs.
    /// Shortcuts that change shape are 1×1 conv + BN projections (option B of the paper). ResNet-20 has 272,474 parameters
    /// for 3 channels and 10 classes.
    /// </summary>
    /// <exception cref="ArgumentException">When depth is not 6n + 2 with n ≥ 1.</exception>
    public static ResNet Cifar(int depth = 20, int numClasses = 10, int inChannels = 3, Generator? generator = null)
    {
        if (depth < 8 || (depth - 2) % 6 != 0)
            throw new ArgumentException($"ResNet.Cifar: depth must be 6n + 2 (8, 14, 20, 32, 44, 56, 110), got {depth}.", nameof(depth));
        int n = (depth - 2) / 6;
        return new ResNet(inChannels, 16, 3, 1, false, [16, 32, 64], [n, n, n], [1, 2, 2], numClasses, generator);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        Tensor x = input;
        foreach (var m in _stem) x = m.Forward(x);
        foreach (var stage in _stages) x = stage.Forward(x);
        return _fc.Forward(_avgPool.Forward(x).Flatten(1));
    }
}
