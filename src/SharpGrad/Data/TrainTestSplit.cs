using System.Globalization;

namespace SharpGrad.Data;

/// <summary>
/// scikit-learn's <c>train_test_split</c>, reproduced exactly: for an integer
/// <c>random_state</c> the returned index arrays are identical to sklearn's.
/// </summary>
/// <remarks>
/// <para>Sizes follow sklearn's <c>_validate_shuffle_split</c>: a fractional test size gives
/// <c>n_test = ceil(testSize · n)</c>, an integer one is a count, and <c>n_train = n − n_test</c>.</para>
/// <para>Without stratification (<c>ShuffleSplit</c>), <c>p = RandomState(seed).permutation(n)</c>,
/// the test indices are <c>p[:n_test]</c> and the training indices <c>p[n_test:n_test + n_train]</c>.
/// With <c>shuffle = false</c>, train is <c>0 … n_train − 1</c> and test the next <c>n_test</c> indices.</para>
/// <para>The stratified variant reproduces <c>StratifiedShuffleSplit</c> (per-class allocation by
/// sklearn's <c>_approximate_mode</c> with random tie-breaking, per-class permutations, then a final
/// permutation of each side), drawing from the same generator in the same order.</para>
/// </remarks>
public static class TrainTestSplit
{
    /// <summary>
    /// Splits <c>0 … nSamples − 1</c> like <c>train_test_split(..., test_size=testSize,
    /// random_state=randomState, shuffle=shuffle)</c> with a fractional test size.
    /// </summary>
    /// <param name="nSamples">The number of samples.</param>
    /// <param name="testSize">The fraction of samples in the test set, in (0, 1).</param>
    /// <param name="randomState">The seed; null for a non-reproducible entropy seed.</param>
    /// <param name="shuffle">Whether to shuffle before splitting.</param>
    /// <returns>The training and test indices, in sklearn's order.</returns>
    /// <exception cref="ArgumentException">The sizes are invalid (messages follow sklearn's).</exception>
    public static (int[] Train, int[] Test) Indices(int nSamples, double testSize = 0.25, int? randomState = null, bool shuffle = true)
    {
        if (!(testSize > 0 && testSize < 1))
        {
            throw new ArgumentException(
                $"test_size={Fmt(testSize)} should be either positive and smaller than the number of samples {nSamples} or a float in the (0, 1) range",
                nameof(testSize));
        }

        return IndicesCore(nSamples, (int)Math.Ceiling(testSize * nSamples), Fmt(testSize), randomState, shuffle);
    }

    /// <summary>
    /// Splits <c>0 … nSamples − 1</c> like <c>train_test_split</c> with an integer <c>test_size</c>
    /// (an absolute number of test samples).
    /// </summary>
    /// <param name="nSamples">The number of samples.</param>
    /// <param name="testCount">The number of test samples, in [1, nSamples).</param>
    /// <param name="randomState">The seed; null for a non-reproducible entropy seed.</param>
    /// <param name="shuffle">Whether to shuffle before splitting.</param>
    /// <returns>The training and test indices, in sklearn's order.</returns>
    /// <exception cref="ArgumentException">The sizes are invalid.</exception>
    public static (int[] Train, int[] Test) Indices(int nSamples, int testCount, int? randomState = null, bool shuffle = true)
    {
        ValidateCount(nSamples, testCount);
        return IndicesCore(nSamples, testCount, testCount.ToString(CultureInfo.InvariantCulture), randomState, shuffle);
    }

    /// <summary>
    /// Stratified split like <c>train_test_split(..., test_size=testSize, random_state=randomState,
    /// stratify=stratify)</c> (sklearn's <c>StratifiedShuffleSplit</c>, reproduced exactly).
    /// </summary>
    /// <param name="stratify">One class label per sample; every class needs at least two members.</param>
    /// <param name="testSize">The fraction of samples in the test set, in (0, 1).</param>
    /// <param name="randomState">The seed; null for a non-reproducible entropy seed.</param>
    /// <returns>The training and test indices, in sklearn's order.</returns>
    /// <exception cref="ArgumentException">The sizes or labels are invalid.</exception>
    public static (int[] Train, int[] Test) StratifiedIndices(ReadOnlySpan<int> stratify, double testSize = 0.25, int? randomState = null)
    {
        int n = stratify.Length;
        if (!(testSize > 0 && testSize < 1))
        {
            throw new ArgumentException(
                $"test_size={Fmt(testSize)} should be either positive and smaller than the number of samples {n} or a float in the (0, 1) range",
                nameof(testSize));
        }

        int nTest = (int)Math.Ceiling(testSize * n);
        return StratifiedCore(stratify, n - nTest, nTest, Fmt(testSize), randomState);
    }

    /// <summary>
    /// Stratified split with an absolute number of test samples (integer <c>test_size</c>).
    /// </summary>
    /// <param name="stratify">One class label per sample; every class needs at least two members.</param>
    /// <param name="testCount">The number of test samples, in [1, n).</param>
    /// <param name="randomState">The seed; null for a non-reproducible entropy seed.</param>
    /// <returns>The training and test indices, in sklearn's order.</returns>
    /// <exception cref="ArgumentException">The sizes or labels are invalid.</exception>
    public static (int[] Train, int[] Test) StratifiedIndices(ReadOnlySpan<int> stratify, int testCount, int? randomState = null)
    {
        ValidateCount(stratify.Length, testCount);
        return StratifiedCore(stratify, stratify.Length - testCount, testCount, testCount.ToString(CultureInfo.InvariantCulture), randomState);
    }

    /// <summary>
    /// Splits a data set into training and test sets like
    /// <c>X_train, X_test, y_train, y_test = train_test_split(X, y, ...)</c>.
    /// </summary>
    /// <param name="data">The data set to split.</param>
    /// <param name="testSize">The fraction of samples in the test set, in (0, 1).</param>
    /// <param name="randomState">The seed; null for a non-reproducible entropy seed.</param>
    /// <param name="shuffle">Whether to shuffle before splitting.</param>
    /// <param name="stratify">Whether to stratify by <see cref="ClassificationData.Y"/> (requires <paramref name="shuffle"/>).</param>
    /// <returns>The training and test subsets, rows in sklearn's order.</returns>
    /// <exception cref="ArgumentException">The sizes are invalid, or stratification was requested without shuffling.</exception>
    public static (ClassificationData Train, ClassificationData Test) Split(
        ClassificationData data, double testSize = 0.25, int? randomState = null, bool shuffle = true, bool stratify = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        (int[] train, int[] test) = Resolve(data, testSize, randomState, shuffle, stratify);
        return (data.Subset(train), data.Subset(test));
    }

    /// <summary>
    /// Splits a <see cref="TensorDataset"/> like <c>train_test_split(X, y, ...)</c>; the rows are copied in sklearn's order.
    /// </summary>
    /// <param name="data">The data set to split.</param>
    /// <param name="testSize">The fraction of samples in the test set, in (0, 1).</param>
    /// <param name="randomState">The seed; null for a non-reproducible entropy seed.</param>
    /// <param name="shuffle">Whether to shuffle before splitting.</param>
    /// <param name="stratify">Whether to stratify by the targets, which must then be 1-D Int64 class labels (requires <paramref name="shuffle"/>).</param>
    /// <returns>The training and test data sets.</returns>
    /// <exception cref="ArgumentException">The sizes are invalid, or stratification was requested without shuffling or without 1-D Int64 targets.</exception>
    public static (TensorDataset Train, TensorDataset Test) Split(
        TensorDataset data, double testSize = 0.25, int? randomState = null, bool shuffle = true, bool stratify = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        int[] train, test;
        if (!stratify)
        {
            (train, test) = Indices(data.Count, testSize, randomState, shuffle);
        }
        else
        {
            if (!shuffle)
            {
                throw new ArgumentException("Stratified train/test split is not implemented for shuffle=False", nameof(shuffle));
            }

            if (data.Targets.DType != DType.Int64 || data.Targets.Rank != 1)
            {
                throw new ArgumentException(
                    $"A stratified split needs 1-D Int64 class labels as targets, got {data.Targets.DType} of shape {SharpGrad.Shape.Format(data.Targets.Shape)}.",
                    nameof(data));
            }

            (train, test) = StratifiedIndices(data.Targets.ToArray<int>(), testSize, randomState);
        }

        return (data.Select(train), data.Select(test));
    }

    private static (int[] Train, int[] Test) Resolve(ClassificationData data, double testSize, int? randomState, bool shuffle, bool stratify)
    {
        if (!stratify)
        {
            return Indices(data.Samples, testSize, randomState, shuffle);
        }

        if (!shuffle)
        {
            throw new ArgumentException("Stratified train/test split is not implemented for shuffle=False", nameof(shuffle));
        }

        return StratifiedIndices(data.Y, testSize, randomState);
    }

    private static void ValidateCount(int nSamples, int testCount)
    {
        if (testCount >= nSamples || testCount <= 0)
        {
            throw new ArgumentException(
                $"test_size={testCount} should be either positive and smaller than the number of samples {nSamples} or a float in the (0, 1) range",
                nameof(testCount));
        }
    }

    private static NumPyRandomState CreateRng(int? randomState)
    {
        if (randomState is < 0)
        {
            throw new ArgumentException("Seed must be between 0 and 2**32 - 1", nameof(randomState));
        }

        return randomState is int seed ? new NumPyRandomState(seed) : new NumPyRandomState();
    }

    private static void ValidateTrain(int nSamples, int nTrain, string testSizeText)
    {
        if (nTrain <= 0)
        {
            throw new ArgumentException(
                $"With n_samples={nSamples}, test_size={testSizeText} and train_size=None, the resulting train set will be empty. Adjust any of the aforementioned parameters.");
        }
    }

    private static (int[] Train, int[] Test) IndicesCore(int nSamples, int nTest, string testSizeText, int? randomState, bool shuffle)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nSamples);
        int nTrain = nSamples - nTest;
        ValidateTrain(nSamples, nTrain, testSizeText);

        var train = new int[nTrain];
        var test = new int[nTest];
        if (!shuffle)
        {
            for (int i = 0; i < nTrain; i++)
            {
                train[i] = i;
            }

            for (int i = 0; i < nTest; i++)
            {
                test[i] = nTrain + i;
            }

            return (train, test);
        }

        int[] permutation = CreateRng(randomState).Permutation(nSamples);
        permutation.AsSpan(0, nTest).CopyTo(test);
        permutation.AsSpan(nTest, nTrain).CopyTo(train);
        return (train, test);
    }

    private static (int[] Train, int[] Test) StratifiedCore(ReadOnlySpan<int> labels, int nTrain, int nTest, string testSizeText, int? randomState)
    {
        int n = labels.Length;
        ValidateTrain(n, nTrain, testSizeText);

        // np.unique(y, return_inverse=True): sorted classes, each sample's class position.
        int[] classes = labels.ToArray();
        Array.Sort(classes);
        int distinct = 0;
        for (int i = 0; i < classes.Length; i++)
        {
            if (i == 0 || classes[i] != classes[i - 1])
            {
                classes[distinct++] = classes[i];
            }
        }

        Array.Resize(ref classes, distinct);
        int nClasses = classes.Length;
        var classCounts = new long[nClasses];

        // Samples of each class in original order (stable argsort of y_indices, split by counts).
        var members = new List<int>[nClasses];
        for (int c = 0; c < nClasses; c++)
        {
            members[c] = [];
        }

        for (int i = 0; i < n; i++)
        {
            int c = Array.BinarySearch(classes, labels[i]);
            members[c].Add(i);
            classCounts[c]++;
        }

        foreach (long count in classCounts)
        {
            if (count < 2)
            {
                throw new ArgumentException(
                    "The least populated class in y has only 1 member, which is too few. The minimum number of groups for any class cannot be less than 2.");
            }
        }

        if (nTrain < nClasses)
        {
            throw new ArgumentException($"The train_size = {nTrain} should be greater or equal to the number of classes = {nClasses}");
        }

        if (nTest < nClasses)
        {
            throw new ArgumentException($"The test_size = {nTest} should be greater or equal to the number of classes = {nClasses}");
        }

        NumPyRandomState rng = CreateRng(randomState);
        long[] nI = ApproximateMode(classCounts, nTrain, rng);
        var remaining = new long[nClasses];
        for (int c = 0; c < nClasses; c++)
        {
            remaining[c] = classCounts[c] - nI[c];
        }

        long[] tI = ApproximateMode(remaining, nTest, rng);

        var train = new List<int>(nTrain);
        var test = new List<int>(nTest);
        for (int c = 0; c < nClasses; c++)
        {
            int[] permutation = rng.Permutation((int)classCounts[c]);
            for (int t = 0; t < nI[c]; t++)
            {
                train.Add(members[c][permutation[t]]);
            }

            for (long t = nI[c]; t < nI[c] + tI[c]; t++)
            {
                test.Add(members[c][permutation[t]]);
            }
        }

        int[] trainOut = rng.Permutation<int>(train.ToArray());
        int[] testOut = rng.Permutation<int>(test.ToArray());
        return (trainOut, testOut);
    }

    /// <summary>
    /// sklearn's <c>_approximate_mode(class_counts, n_draws, rng)</c>: floor of the proportional
    /// allocation, then the leftover draws go to the largest remainders, ties broken by
    /// <c>rng.choice(inds, add_now, replace=False)</c>, i.e. a permutation of the tied classes, for
    /// each remainder value until nothing is left to add.
    /// </summary>
    private static long[] ApproximateMode(long[] classCounts, long nDraws, NumPyRandomState rng)
    {
        int k = classCounts.Length;
        long total = 0;
        foreach (long c in classCounts)
        {
            total += c;
        }

        var continuous = new double[k];
        var floored = new double[k];
        double flooredSum = 0;
        for (int i = 0; i < k; i++)
        {
            continuous[i] = (double)classCounts[i] / total * nDraws;
            floored[i] = Math.Floor(continuous[i]);
            flooredSum += floored[i];
        }

        long needToAdd = (long)(nDraws - flooredSum);
        if (needToAdd > 0)
        {
            var remainder = new double[k];
            for (int i = 0; i < k; i++)
            {
                remainder[i] = continuous[i] - floored[i];
            }

            double[] values = remainder.Distinct().ToArray();
            Array.Sort(values);
            Array.Reverse(values);
            foreach (double value in values)
            {
                var inds = new List<int>();
                for (int i = 0; i < k; i++)
                {
                    if (remainder[i] == value)
                    {
                        inds.Add(i);
                    }
                }

                int addNow = (int)Math.Min(inds.Count, needToAdd);
                int[] chosen = rng.Choice(inds.Count, addNow, replace: false);
                foreach (int c in chosen)
                {
                    floored[inds[c]] += 1;
                }

                needToAdd -= addNow;
                if (needToAdd == 0)
                {
                    break;
                }
            }
        }

        var result = new long[k];
        for (int i = 0; i < k; i++)
        {
            result[i] = (long)floored[i];
        }

        return result;
    }

    private static string Fmt(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
