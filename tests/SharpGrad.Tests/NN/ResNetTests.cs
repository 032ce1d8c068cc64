using SharpGrad.NN;

namespace SharpGrad.Tests.NN;

/// <summary>ResNet builders: torchvision's state-dict names and parameter counts, output shapes, a training step.</summary>
public class ResNetTests
{
    [Fact]
    public void ResNet18HasTorchvisionNamesAndParameterCount()
    {
        var net = ResNet.ResNet18(generator: new Generator(1));
        Assert.Equal(11_689_512, net.ParameterCount()); // torchvision.models.resnet18().parameters()
        var keys = net.StateDict().Keys.ToList();
        Assert.Equal(122, keys.Count);                 // len(resnet18().state_dict())
        Assert.Equal("conv1.weight", keys[0]);
        Assert.Contains("bn1.num_batches_tracked", keys);
        Assert.Contains("layer1.0.conv1.weight", keys);
        Assert.Contains("layer2.0.downsample.0.weight", keys);
        Assert.Contains("layer2.0.downsample.1.running_var", keys);
        Assert.DoesNotContain("layer1.0.downsample.0.weight", keys);
        Assert.Equal("fc.bias", keys[^1]);
        Assert.Equal([64, 3, 7, 7], net.StateDict()["conv1.weight"].ShapeArray);
    }

    [Fact]
    public void ResNet18RunsOnSmallImages()
    {
        var net = ResNet.ResNet18(numClasses: 7, inChannels: 1, generator: new Generator(1));
        Assert.Equal([2, 7], net.Forward(Tensor.Randn([2, 1, 32, 32], new Generator(2))).ShapeArray);
    }

    [Fact]
    public void CifarResNet20ParameterCountShapesAndOneTrainingStep()
    {
        var net = ResNet.Cifar(20, generator: new Generator(1));
        Assert.Equal(272_474, net.ParameterCount());
        Assert.Contains("layer3.2.bn2.weight", net.StateDict().Keys);
        Assert.Contains("layer2.0.downsample.1.weight", net.StateDict().Keys);
        var small = ResNet.Cifar(8, numClasses: 10, inChannels: 1, generator: new Generator(1));
        var x = Tensor.Randn([4, 1, 28, 28], new Generator(3));
        var t = Tensor.FromArray(new long[] { 1, 2, 3, 4 }, 4);
        var opt = new SharpGrad.Optim.SGD(small.Parameters(), lr: 0.1);
        double before = Losses.CrossEntropy(small.Forward(x), t).Item();
        for (int i = 0; i < 5; i++)
        {
            opt.ZeroGrad();
            var loss = Losses.CrossEntropy(small.Forward(x), t);
            loss.Backward();
            Assert.All(small.Parameters(), p => Assert.NotNull(p.Grad));
            opt.Step();
        }
        Assert.True(Losses.CrossEntropy(small.Forward(x), t).Item() < before);
        small.Eval();
        Assert.Equal([4, 10], small.Forward(x).ShapeArray);
        Assert.Throws<ArgumentException>(() => ResNet.Cifar(21));
    }

    [Fact]
    public void BasicBlockShortcuts()
    {
        var identity = new BasicBlock(8, 8);
        Assert.Null(identity.Downsample);
        Assert.Equal([2, 8, 5, 5], identity.Forward(Tensor.Randn([2, 8, 5, 5])).ShapeArray);
        var down = new BasicBlock(8, 16, stride: 2);
        Assert.NotNull(down.Downsample);
        Assert.Equal([2, 16, 3, 3], down.Forward(Tensor.Randn([2, 8, 5, 5])).ShapeArray);
        Assert.Equal(8 * 16 * 9 + 16 * 16 * 9 + 8 * 16 + 4 * 16 + 2 * 16, down.ParameterCount());
    }
}
