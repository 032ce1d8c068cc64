namespace SharpGrad.NN;

/// <summary>
/// The residual block of ResNet-18/34 and the CIFAR ResNets (He et al., 2016), like torchvision's <c>BasicBlock</c>:
/// out = ReLU(bn2(conv2(ReLU(bn1(conv1(x))))) + shortcut(x)), where conv1 is 3×3 with the block's stride, conv2 is 3×3,
/// both without bias, and shortcut is the identity or <see cref="Downsample"/> (a 1×1 strided conv + BatchNorm2d, named
/// <c>downsample.0</c> and <c>downsample.1</c>) when the stride or the width changes. Input (N, inPlanes, H, W), output
/// (N, planes, ⌈H/stride⌉, ⌈W/stride⌉).
/// </summary>
public sealed class BasicBlock : Module
{
    /// <summary>First 3×3 convolution (carries the stride).</summary>
    public Conv2d Conv1 { get; }

    /// <summary>BatchNorm after <see cref="Conv1"/>.</summary>
    public BatchNorm2d Bn1 { get; }

    /// <summary>Second 3×3 convolution.</summary>
    public Conv2d Conv2 { get; }

    /// <summary>BatchNorm after <see cref="Conv2"/>.</summary>
    public BatchNorm2d Bn2 { get; }

    /// <summary>The projection shortcut, or null for the identity.</summary>
    public Module? Downsample { get; }

    /// <summary>
    /// Creates the block. With <paramref name="downsample"/> null, a 1×1 conv + BatchNorm2d shortcut is built when
    /// <paramref name="stride"/> ≠ 1 or <paramref name="inPlanes"/> ≠ <paramref name="planes"/>, else the identity is used;
    /// pass a module to use your own shortcut.
    /// </summary>
    public BasicBlock(int inPlanes, int planes, int stride = 1, Module? downsample = null, Generator? generator = null)
    {
        Conv1 = RegisterModule("conv1", new Conv2d(inPlanes, planes, 3, stride: stride, padding: 1, bias: false, generator: generator));
        Bn1 = RegisterModule("bn1", new BatchNorm2d(planes));
        RegisterModule("relu", new ReLU());
        Conv2 = RegisterModule("conv2", new Conv2d(planes, planes, 3, padding: 1, bias: false, generator: generator));
        Bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        downsample ??= stride != 1 || inPlanes != planes
            ? new Sequential(new Conv2d(inPlanes, planes, 1, stride: stride, bias: false, generator: generator), new BatchNorm2d(planes))
            : null;
        if (downsample is not null) Downsample = RegisterModule("downsample", downsample);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        Tensor output = Bn1.Forward(Conv1.Forward(input)).Relu();
        output = Bn2.Forward(Conv2.Forward(output));
        Tensor identity = Downsample?.Forward(input) ?? input;
        return (output + identity).Relu();
    }
}
