using System.Diagnostics;
using SharpGrad.Data;
using Xunit.Abstractions;

namespace SharpGrad.Tests.Data;

public sealed class AugmentationTests(ITestOutputHelper output)
{
    /// <summary>Values 1 … C·H·W, so every pixel is identifiable.</summary>
    private static float[] Ramp(ImageShape s) => Enumerable.Range(1, s.Numel).Select(i => (float)i).ToArray();

    private static float[] Run(IImageTransform t, float[] image, ImageShape shape, ulong seed)
    {
        var dst = new float[t.OutputShape(shape).Numel];
        t.Apply(image, dst, shape, new Generator(seed));
        return dst;
    }

    [Fact]
    public void HorizontalFlipMirrorsEveryRowOfEveryChannel()
    {
        var shape = new ImageShape(2, 2, 3);
        float[] image = Ramp(shape);   // channel 0: [1 2 3; 4 5 6], channel 1: [7 8 9; 10 11 12]
        Assert.Equal([3f, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10], Run(new RandomHorizontalFlip(p: 1), image, shape, 0));
        Assert.Equal(image, Run(new RandomHorizontalFlip(p: 0), image, shape, 0));
        Assert.Equal([4f, 5, 6, 1, 2, 3, 10, 11, 12, 7, 8, 9], Run(new RandomVerticalFlip(p: 1), image, shape, 0));

        // p = 0.5 flips about half of the images.
        int flipped = Enumerable.Range(0, 1000).Count(s => Run(new RandomHorizontalFlip(), image, shape, (ulong)s)[0] == 3f);
        Assert.InRange(flipped, 430, 570);
    }

    [Fact]
    public void CropWithPaddingShiftsTheContentByTheOffsetAndFillsTheRest()
    {
        var shape = new ImageShape(1, 5, 5);
        float[] image = Ramp(shape);
        var crop = new RandomCrop(5, padding: 2, fill: -1f);
        var seen = new HashSet<(int, int)>();
        for (ulong seed = 0; seed < 400; seed++)
        {
            float[] result = Run(crop, image, shape, seed);

            // Find the shift (dy, dx) as the one that explains every output pixel: out[y, x] = in[y − dy, x − dx] or fill.
            (int dy, int dx)? shift = null;
            for (int dy = -2; dy <= 2 && shift is null; dy++)
            {
                for (int dx = -2; dx <= 2 && shift is null; dx++)
                {
                    bool all = true;
                    for (int y = 0; y < 5 && all; y++)
                    {
                        for (int x = 0; x < 5 && all; x++)
                        {
                            int sy = y - dy, sx = x - dx;
                            float expected = sy is >= 0 and < 5 && sx is >= 0 and < 5 ? image[(sy * 5) + sx] : -1f;
                            all = result[(y * 5) + x] == expected;
                        }
                    }

                    if (all) shift = (dy, dx);
                }
            }

            Assert.NotNull(shift);
            seen.Add(shift.Value);
        }

        Assert.Equal(25, seen.Count);   // every offset in [−2, 2]² occurs
    }

    [Fact]
    public void SmallerCropChangesTheShapeAndTooLargeACropIsAShapeError()
    {
        var shape = new ImageShape(3, 6, 6);
        var crop = new RandomCrop(4);
        Assert.Equal(new ImageShape(3, 4, 4), crop.OutputShape(shape));
        float[] result = Run(crop, Ramp(shape), shape, 7);
        Assert.Equal(48, result.Length);
        Assert.All(result, v => Assert.True(v >= 1));   // no padding: always inside
        Assert.Throws<ShapeMismatchException>(() => new RandomCrop(9, padding: 1).OutputShape(shape));
        var batch = Tensor.Zeros([2, 3, 6, 6]);
        Assert.Equal([2, 3, 4, 4], Augment.Compose(1, crop).Apply(batch).ShapeArray);
    }

    [Fact]
    public void RotationBy90DegreesTurnsTheImageCounterClockwise()
    {
        var shape = new ImageShape(1, 5, 5);
        var image = new float[25];
        image[(0 * 5) + 2] = 1f;   // top centre
        image[(1 * 5) + 4] = 0.5f; // row 1, right edge
        var result = new float[25];
        RandomRotation.Rotate(image, result, shape, 90);

        // Counter-clockwise: the top goes to the left, the right goes to the top.
        Assert.Equal(1f, result[(2 * 5) + 0], 4);
        Assert.Equal(0.5f, result[(0 * 5) + 1], 4);
        Assert.Equal(1.5f, result.Sum(), 4);

        // The constructor with a fixed angle gives the same; −90° turns the other way.
        Assert.Equal(result, Run(new RandomRotation((90, 90)), image, shape, 3));
        RandomRotation.Rotate(image, result, shape, -90);
        Assert.Equal(1f, result[(2 * 5) + 4], 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomRotation((10, -10)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomRotation(double.NaN));

        // 0° is the identity; 45° of a uniform image keeps the centre and fills the corners.
        RandomRotation.Rotate(Ramp(shape), result, shape, 0);
        Assert.Equal(Ramp(shape), result);
        var big = new ImageShape(1, 7, 7);
        float[] ones = Enumerable.Repeat(1f, 49).ToArray(), turned = new float[49];
        RandomRotation.Rotate(ones, turned, big, 45);
        Assert.Equal(1f, turned[24], 5);
        Assert.Equal(0f, turned[0], 5);   // the corner samples (−1.24, 3): outside
    }

    [Fact]
    public void RotationAnglesStayWithinTheRange()
    {
        // A single bright pixel right of centre moves along a circle; its angle must lie in [−10°, 10°].
        var shape = new ImageShape(1, 41, 41);
        var image = new float[shape.Numel];
        image[(20 * 41) + 40] = 1f;
        var rotation = new RandomRotation(10);
        for (ulong seed = 0; seed < 50; seed++)
        {
            float[] r = Run(rotation, image, shape, seed);
            double sx = 0, sy = 0, m = 0;
            for (int i = 0; i < r.Length; i++)
            {
                sx += r[i] * (i % 41);
                sy += r[i] * (i / 41);
                m += r[i];
            }

            double angle = Math.Atan2(-(sy / m - 20), sx / m - 20) * 180 / Math.PI;   // counter-clockwise positive
            Assert.InRange(angle, -10.5, 10.5);
        }
    }

    [Fact]
    public void TranslationShiftsByWholePixelsWithinTheFraction()
    {
        var shape = new ImageShape(1, 4, 4);
        float[] image = Ramp(shape);
        var shifts = new HashSet<int>();
        for (ulong seed = 0; seed < 200; seed++)
        {
            float[] r = Run(new RandomTranslation(0.5, 0), image, shape, seed);   // tx = round(U(−2, 2)), ty = 0
            int tx = Enumerable.Range(-2, 5).Single(t => Enumerable.Range(0, 16).All(i =>
            {
                int y = i / 4, x = i % 4, sx = x - t;
                return r[i] == (sx is >= 0 and < 4 ? image[(y * 4) + sx] : 0f);
            }));
            shifts.Add(tx);
        }

        Assert.Equal([-2, -1, 0, 1, 2], shifts.Order());
    }

    [Fact]
    public void NormalizeUsesPerChannelMeanAndStd()
    {
        var shape = new ImageShape(2, 1, 2);
        float[] image = [0.5f, 1f, 0.25f, 0f];
        var normalize = new Normalize([0.5f, 0.25f], [0.5f, 0.25f]);
        Assert.Equal([0f, 1f, 0f, -1f], Run(normalize, image, shape, 0));
        Assert.Equal([1f, 3f, 0f, -1f], Run(new Normalize([0.25f], [0.25f]), image, shape, 0));
        Assert.Throws<ShapeMismatchException>(() => normalize.OutputShape(new ImageShape(3, 1, 2)));
        Assert.Throws<ArgumentException>(() => new Normalize([0f], [0f]));
        Assert.Throws<ArgumentException>(() => new Normalize([0f, 1f], [1f]));
    }

    [Fact]
    public void GaussianNoiseHasTheRequestedStatisticsAndClips()
    {
        var shape = new ImageShape(1, 200, 200);
        float[] zeros = new float[shape.Numel];
        float[] noisy = Run(new GaussianNoise(0.1), zeros, shape, 5);
        double mean = noisy.Average();
        double std = Math.Sqrt(noisy.Select(v => (v - mean) * (v - mean)).Average());
        Assert.InRange(mean, -0.002, 0.002);
        Assert.InRange(std, 0.098, 0.102);

        float[] halves = Enumerable.Repeat(0.5f, shape.Numel).ToArray();
        float[] clipped = Run(new GaussianNoise(1, clip: true), halves, shape, 6);
        Assert.All(clipped, v => Assert.InRange(v, 0f, 1f));
        Assert.Contains(0f, clipped);
        Assert.Contains(1f, clipped);
    }

    [Fact]
    public void ThePipelineIsDeterministicForASeedAndCountsBatches()
    {
        Tensor images = Tensor.Rand([300, 1, 12, 12], new Generator(1));   // large enough for the parallel path
        IImageTransform[] transforms = [new RandomCrop(12, padding: 2), new RandomHorizontalFlip(), new RandomRotation(20), new GaussianNoise(0.05)];
        var a = Augment.Compose(42, transforms);
        var b = Augment.Compose(42, transforms);
        float[] a0 = a.Apply(images).ToArray(), a1 = a.Apply(images).ToArray();
        Assert.Equal(2, a.BatchIndex);
        Assert.Equal(a0, b.Apply(images).ToArray());
        Assert.Equal(a1, b.Apply(images).ToArray());
        Assert.NotEqual(a0, a1);                                                    // each batch gets new random choices
        Assert.Equal(a1, a.Apply(images, batchIndex: 1).ToArray());               // explicit index replays
        Assert.Equal(2, a.BatchIndex);
        Assert.NotEqual(a0, Augment.Compose(43, transforms).Apply(images).ToArray());
        b.BatchIndex = 0;
        Assert.Equal(a0, b.Apply(images).ToArray());
        Assert.Equal(images.ToArray(), Augment.Compose(1).Apply(images).ToArray()); // no transforms: a copy
        Assert.Equal(images.ToArray(), images.ToArray());                           // the input is untouched
    }

    [Fact]
    public void FlattenedOrNonImageInputsGiveAClearError()
    {
        var augment = Augment.Compose(1, new RandomHorizontalFlip());
        var e = Assert.Throws<ShapeMismatchException>(() => augment.Apply(Tensor.Zeros([4, 784])));
        Assert.Contains("flatten: false", e.Message);
        Assert.Throws<ShapeMismatchException>(() => augment.Apply(Tensor.FromArray(new long[4], [1, 1, 2, 2])));
    }

    [Fact]
    public void TheDataLoaderAppliesThePipelineDeterministically()
    {
        Tensor x = Tensor.Rand([50, 1, 8, 8], new Generator(3));
        Tensor y = Tensor.Arange(50).To(DType.Int64);
        var data = new TensorDataset(x, y);
        List<Batch> Epochs(ulong seed)
        {
            var augment = Augment.Compose(seed, new RandomCrop(8, padding: 1), new RandomHorizontalFlip());
            var loader = new DataLoader(data, 16, shuffle: true, seed: 9, transform: augment.ApplyToBatch);
            return [.. loader, .. loader];   // two epochs
        }

        List<Batch> first = Epochs(5), second = Epochs(5), other = Epochs(6);
        Assert.Equal(8, first.Count);
        for (int i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].Inputs.ToArray(), second[i].Inputs.ToArray());
            Assert.Equal(first[i].Targets.ToArray<long>(), other[i].Targets.ToArray<long>());   // targets pass through
        }

        Assert.Equal([16, 1, 8, 8], first[0].Inputs.ShapeArray);
        Assert.NotEqual(first[0].Inputs.ToArray(), other[0].Inputs.ToArray());

        // The augmented images are crops/flips of the right samples: same multiset of values where nothing was padded.
        long[] ids = first[0].Targets.ToArray<long>();
        float[] original = data.GetBatch(ids.Select(i => (int)i).ToArray()).Inputs.ToArray();
        float[] augmented = first[0].Inputs.ToArray();
        Assert.True(augmented.Where(v => v != 0).All(v => original.Contains(v)));
    }

    [Fact]
    public void AugmentsAFashionMnistSizedEpochQuickly()
    {
        Tensor images = Tensor.Rand([60000, 1, 28, 28], new Generator(0));
        var standard = Augment.Compose(1, new RandomCrop(28, padding: 2), new RandomHorizontalFlip());
        var rotating = Augment.Compose(1, new RandomCrop(28, padding: 2), new RandomHorizontalFlip(), new RandomRotation(10));
        foreach (var augment in new[] { standard, rotating })
        {
            augment.Apply(images.Narrow(0, 0, 1024).Contiguous());   // warm up
            var watch = Stopwatch.StartNew();
            for (int start = 0; start < 60000; start += 128)
            {
                augment.Apply(images.Narrow(0, start, Math.Min(128, 60000 - start)).Contiguous());
            }

            output.WriteLine($"{augment}: 60,000 28×28 images in batches of 128: {watch.Elapsed.TotalSeconds:F3} s");
        }
    }
}
