using System.Globalization;

namespace SharpGrad.Data;

/// <summary>Synthetic data set generators with scikit-learn's semantics.</summary>
public static partial class Datasets
{
    /// <summary>
    /// Generates a random n-class classification problem exactly like scikit-learn's
    /// <c>sklearn.datasets.make_classification</c> (same parameters, defaults, validation and, for an
    /// integer <paramref name="randomState"/>, the same numbers).
    /// </summary>
    /// <remarks>
    /// <para>The algorithm (Guyon's "Madelon" design), step by step, with every random draw taken
    /// from one <see cref="NumPyRandomState"/> in scikit-learn's order:</para>
    /// <list type="number">
    /// <item><description>Samples are split over <c>nClasses × nClustersPerClass</c> clusters according to
    /// <paramref name="weights"/>; the remainder is dealt round-robin.</description></item>
    /// <item><description>Cluster centroids are distinct vertices of the <paramref name="nInformative"/>-dimensional
    /// hypercube with side <c>2·classSep</c> (chosen by sklearn's <c>sample_without_replacement</c>); with
    /// <paramref name="hypercube"/> false they are then scaled randomly per cluster and per dimension.</description></item>
    /// <item><description>Informative features are drawn from N(0, 1); each cluster is multiplied by its own random
    /// matrix with entries in [−1, 1) (random covariance) and moved to its centroid. Cluster k gets label
    /// <c>k mod nClasses</c>.</description></item>
    /// <item><description>Redundant features are random linear combinations (coefficients in [−1, 1)) of the
    /// informative ones; repeated features are copies of randomly chosen informative/redundant columns;
    /// the remaining "useless" features are N(0, 1) noise.</description></item>
    /// <item><description>Label noise: each label is replaced, with probability <paramref name="flipY"/>, by a
    /// uniformly random class (possibly the same one).</description></item>
    /// <item><description>Every feature is shifted by <paramref name="shift"/> and multiplied by
    /// <paramref name="scale"/> (random per feature when null: shift in [−classSep, classSep),
    /// scale in [1, 101)).</description></item>
    /// <item><description>With <paramref name="shuffle"/>, samples and then features are permuted.</description></item>
    /// </list>
    /// <para>Matrix products are accumulated sequentially in double precision, as the reference
    /// (netlib) BLAS does. NumPy builds linked to an optimised BLAS that uses fused multiply–add
    /// (e.g. OpenBLAS) can differ in the last bit of the informative and redundant columns.</para>
    /// </remarks>
    /// <param name="nSamples">The number of samples.</param>
    /// <param name="nFeatures">The total number of features.</param>
    /// <param name="nInformative">The number of informative features.</param>
    /// <param name="nRedundant">The number of redundant features (linear combinations of informative ones).</param>
    /// <param name="nRepeated">The number of duplicated features.</param>
    /// <param name="nClasses">The number of classes.</param>
    /// <param name="nClustersPerClass">The number of clusters per class.</param>
    /// <param name="weights">Class proportions, of length <paramref name="nClasses"/> or
    /// <paramref name="nClasses"/> − 1 (the last is then inferred); null for balanced classes.</param>
    /// <param name="flipY">The fraction of labels randomly reassigned, in [0, 1].</param>
    /// <param name="classSep">Half the side of the hypercube; larger values separate classes more.</param>
    /// <param name="hypercube">Whether centroids sit exactly on hypercube vertices.</param>
    /// <param name="shift">Added to every feature; null for a random shift per feature.</param>
    /// <param name="scale">Multiplies every feature (after shifting); null for a random scale per feature.</param>
    /// <param name="shuffle">Whether to shuffle samples and features.</param>
    /// <param name="randomState">The seed (as sklearn's integer <c>random_state</c>); null for a
    /// non-reproducible entropy seed.</param>
    /// <returns>The generated data set.</returns>
    /// <exception cref="ArgumentException">The arguments are invalid (messages follow scikit-learn's).</exception>
    public static ClassificationData MakeClassification(
        int nSamples = 100,
        int nFeatures = 20,
        int nInformative = 2,
        int nRedundant = 2,
        int nRepeated = 0,
        int nClasses = 2,
        int nClustersPerClass = 2,
        double[]? weights = null,
        double flipY = 0.01,
        double classSep = 1.0,
        bool hypercube = true,
        double? shift = 0.0,
        double? scale = 1.0,
        bool shuffle = true,
        int? randomState = null)
    {
        if (randomState is < 0)
        {
            throw new ArgumentException(
                $"The 'random_state' parameter of make_classification must be a non-negative int or None. Got {randomState} instead.",
                nameof(randomState));
        }

        NumPyRandomState generator = randomState is int seed ? new NumPyRandomState(seed) : new NumPyRandomState();
        return MakeClassification(
            generator, nSamples, nFeatures, nInformative, nRedundant, nRepeated, nClasses, nClustersPerClass,
            weights, flipY, classSep, hypercube, shift, scale, shuffle);
    }

    /// <summary>
    /// Like <see cref="MakeClassification(int, int, int, int, int, int, int, double[], double, double, bool, double?, double?, bool, int?)"/>
    /// but draws from an existing generator (sklearn's <c>random_state=RandomState instance</c>), advancing it.
    /// </summary>
    /// <param name="generator">The random state to draw from.</param>
    /// <param name="nSamples">The number of samples.</param>
    /// <param name="nFeatures">The total number of features.</param>
    /// <param name="nInformative">The number of informative features.</param>
    /// <param name="nRedundant">The number of redundant features.</param>
    /// <param name="nRepeated">The number of duplicated features.</param>
    /// <param name="nClasses">The number of classes.</param>
    /// <param name="nClustersPerClass">The number of clusters per class.</param>
    /// <param name="weights">Class proportions, or null for balanced classes.</param>
    /// <param name="flipY">The fraction of labels randomly reassigned, in [0, 1].</param>
    /// <param name="classSep">Half the side of the hypercube.</param>
    /// <param name="hypercube">Whether centroids sit exactly on hypercube vertices.</param>
    /// <param name="shift">Added to every feature; null for a random shift per feature.</param>
    /// <param name="scale">Multiplies every feature; null for a random scale per feature.</param>
    /// <param name="shuffle">Whether to shuffle samples and features.</param>
    /// <returns>The generated data set.</returns>
    /// <exception cref="ArgumentException">The arguments are invalid.</exception>
    public static ClassificationData MakeClassification(
        NumPyRandomState generator,
        int nSamples = 100,
        int nFeatures = 20,
        int nInformative = 2,
        int nRedundant = 2,
        int nRepeated = 0,
        int nClasses = 2,
        int nClustersPerClass = 2,
        double[]? weights = null,
        double flipY = 0.01,
        double classSep = 1.0,
        bool hypercube = true,
        double? shift = 0.0,
        double? scale = 1.0,
        bool shuffle = true)
    {
        ArgumentNullException.ThrowIfNull(generator);
        RequireAtLeast(nSamples, 1, "n_samples", nameof(nSamples));
        RequireAtLeast(nFeatures, 1, "n_features", nameof(nFeatures));
        RequireAtLeast(nInformative, 1, "n_informative", nameof(nInformative));
        RequireAtLeast(nRedundant, 0, "n_redundant", nameof(nRedundant));
        RequireAtLeast(nRepeated, 0, "n_repeated", nameof(nRepeated));
        RequireAtLeast(nClasses, 1, "n_classes", nameof(nClasses));
        RequireAtLeast(nClustersPerClass, 1, "n_clusters_per_class", nameof(nClustersPerClass));
        if (!(flipY >= 0.0 && flipY <= 1.0))
        {
            throw new ArgumentException(
                $"The 'flip_y' parameter of make_classification must be a float in the range [0.0, 1.0]. Got {Fmt(flipY)} instead.",
                nameof(flipY));
        }

        if (!double.IsFinite(classSep))
        {
            throw new ArgumentException($"The 'class_sep' parameter of make_classification must be finite. Got {Fmt(classSep)} instead.", nameof(classSep));
        }

        if (shift is double s && !double.IsFinite(s))
        {
            throw new ArgumentException($"The 'shift' parameter of make_classification must be finite. Got {Fmt(s)} instead.", nameof(shift));
        }

        if (scale is double c && !(c > 0.0 && double.IsFinite(c)))
        {
            throw new ArgumentException(
                $"The 'scale' parameter of make_classification must be a float in the range (0.0, inf). Got {Fmt(c)} instead.",
                nameof(scale));
        }

        if ((long)nInformative + nRedundant + nRepeated > nFeatures)
        {
            throw new ArgumentException(
                "Number of informative, redundant and repeated features must sum to less than the number of total features");
        }

        // Same test as sklearn (log2 avoids overflow of 2**n_informative).
        if (nInformative < Math.Log2((double)nClasses * nClustersPerClass))
        {
            string power = nInformative < 63 ? (1L << nInformative).ToString(CultureInfo.InvariantCulture) : $"2**{nInformative}";
            throw new ArgumentException(
                $"n_classes({nClasses}) * n_clusters_per_class({nClustersPerClass}) must be smaller or equal 2**n_informative({nInformative})={power}");
        }

        if ((long)nSamples * nFeatures > Array.MaxLength)
        {
            throw new ArgumentException("n_samples * n_features exceeds the maximum array length.", nameof(nSamples));
        }

        double[] w;
        if (weights is not null)
        {
            if (weights.Length != nClasses && weights.Length != nClasses - 1)
            {
                throw new ArgumentException("Weights specified but incompatible with number of classes.", nameof(weights));
            }

            w = new double[nClasses];
            weights.AsSpan().CopyTo(w);
            if (weights.Length == nClasses - 1)
            {
                double sum = 0.0;
                foreach (double v in weights)
                {
                    sum += v;
                }

                w[nClasses - 1] = 1.0 - sum;
            }
        }
        else
        {
            w = new double[nClasses];
            Array.Fill(w, 1.0 / nClasses);
        }

        int nUseless = nFeatures - nInformative - nRedundant - nRepeated;
        int nClusters = nClasses * nClustersPerClass;
        int n = nSamples, f = nFeatures, ni = nInformative;

        // Distribute samples among clusters by weight: int(n_samples * weight / n_clusters_per_class).
        var perCluster = new long[nClusters];
        long assigned = 0;
        for (int k = 0; k < nClusters; k++)
        {
            perCluster[k] = (long)(n * w[k % nClasses] / nClustersPerClass);
            assigned += perCluster[k];
        }

        for (long i = 0; i < n - assigned; i++)
        {
            perCluster[i % nClusters]++;
        }

        var x = new double[(long)n * f];
        var y = new int[n];

        // Build the polytope whose vertices become cluster centroids.
        int[] cube = GenerateHypercube(nClusters, ni, generator);
        var centroids = new double[nClusters * ni];
        for (int i = 0; i < centroids.Length; i++)
        {
            double v = cube[i];
            v *= 2 * classSep;
            v -= classSep;
            centroids[i] = v;
        }

        if (!hypercube)
        {
            double[] perRow = generator.Uniform(nClusters);
            for (int k = 0; k < nClusters; k++)
            {
                for (int j = 0; j < ni; j++)
                {
                    centroids[k * ni + j] *= perRow[k];
                }
            }

            double[] perColumn = generator.Uniform(ni);
            for (int k = 0; k < nClusters; k++)
            {
                for (int j = 0; j < ni; j++)
                {
                    centroids[k * ni + j] *= perColumn[j];
                }
            }
        }

        // Informative features start as standard normal draws, row-major.
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < ni; j++)
            {
                x[(long)i * f + j] = generator.StandardNormal();
            }
        }

        // Each cluster: random covariance via a random linear map, then move to its vertex.
        var a = new double[ni * ni];
        var rowBuffer = new double[ni];
        long stop = 0;
        for (int k = 0; k < nClusters; k++)
        {
            long start = stop;
            stop = start + perCluster[k];
            int lo = (int)Math.Min(start, n), hi = (int)Math.Min(stop, n); // NumPy slices clamp
            for (int i = lo; i < hi; i++)
            {
                y[i] = k % nClasses;
            }

            for (int i = 0; i < a.Length; i++)
            {
                a[i] = 2 * generator.NextDouble() - 1;
            }

            for (int i = lo; i < hi; i++)
            {
                Span<double> row = x.AsSpan((int)((long)i * f), ni);
                MultiplyRow(row, a, ni, ni, rowBuffer);
                for (int j = 0; j < ni; j++)
                {
                    row[j] = rowBuffer[j] + centroids[k * ni + j];
                }
            }
        }

        // Redundant features: random linear combinations of the informative ones.
        if (nRedundant > 0)
        {
            var b = new double[ni * nRedundant];
            for (int i = 0; i < b.Length; i++)
            {
                b[i] = 2 * generator.NextDouble() - 1;
            }

            var buffer = new double[nRedundant];
            for (int i = 0; i < n; i++)
            {
                Span<double> row = x.AsSpan((int)((long)i * f), f);
                MultiplyRow(row[..ni], b, ni, nRedundant, buffer);
                buffer.CopyTo(row.Slice(ni, nRedundant));
            }
        }

        // Repeated features: copies of randomly chosen informative/redundant columns.
        if (nRepeated > 0)
        {
            int m = ni + nRedundant;
            var source = new int[nRepeated];
            for (int r = 0; r < nRepeated; r++)
            {
                source[r] = (int)((m - 1) * generator.NextDouble() + 0.5);
            }

            for (int i = 0; i < n; i++)
            {
                long rowStart = (long)i * f;
                for (int r = 0; r < nRepeated; r++)
                {
                    x[rowStart + m + r] = x[rowStart + source[r]];
                }
            }
        }

        // Useless features: pure noise in the last columns.
        if (nUseless > 0)
        {
            for (int i = 0; i < n; i++)
            {
                long rowStart = (long)i * f;
                for (int j = f - nUseless; j < f; j++)
                {
                    x[rowStart + j] = generator.StandardNormal();
                }
            }
        }

        // Randomly replace labels (flip_y >= 0 always holds after validation, so the draw always happens).
        var flip = new bool[n];
        int flipCount = 0;
        for (int i = 0; i < n; i++)
        {
            flip[i] = generator.NextDouble() < flipY;
            if (flip[i])
            {
                flipCount++;
            }
        }

        if (flipCount > 0)
        {
            long[] newLabels = generator.RandInt(flipCount, 0, nClasses);
            for (int i = 0, t = 0; i < n; i++)
            {
                if (flip[i])
                {
                    y[i] = (int)newLabels[t++];
                }
            }
        }

        // Shift, then scale.
        double[] shiftVector = shift is double sh ? Filled(f, sh) : RandomShift(generator, f, classSep);
        AddPerColumn(x, f, shiftVector);
        double[] scaleVector = scale is double sc ? Filled(f, sc) : RandomScale(generator, f);
        MultiplyPerColumn(x, f, scaleVector);

        if (shuffle)
        {
            // Permute samples (sklearn.utils.shuffle: arange + RandomState.shuffle, then fancy indexing).
            var order = new int[n];
            for (int i = 0; i < n; i++)
            {
                order[i] = i;
            }

            generator.Shuffle<int>(order);
            var shuffledX = new double[x.Length];
            var shuffledY = new int[n];
            for (int i = 0; i < n; i++)
            {
                x.AsSpan((int)((long)order[i] * f), f).CopyTo(shuffledX.AsSpan((int)((long)i * f), f));
                shuffledY[i] = y[order[i]];
            }

            x = shuffledX;
            y = shuffledY;

            // Permute features: X[:, :] = X[:, indices].
            var columns = new int[f];
            for (int j = 0; j < f; j++)
            {
                columns[j] = j;
            }

            generator.Shuffle<int>(columns);
            var tmp = new double[f];
            for (int i = 0; i < n; i++)
            {
                Span<double> row = x.AsSpan((int)((long)i * f), f);
                for (int j = 0; j < f; j++)
                {
                    tmp[j] = row[columns[j]];
                }

                tmp.CopyTo(row);
            }
        }

        return new ClassificationData(x, y, n, f, nClasses);
    }

    /// <summary>
    /// Row vector times matrix, accumulated in index order like reference BLAS <c>dgemm</c>:
    /// <c>result[j] = (((0 + v[0]·m[0,j]) + v[1]·m[1,j]) + …)</c>.
    /// </summary>
    private static void MultiplyRow(ReadOnlySpan<double> v, double[] m, int rows, int cols, Span<double> result)
    {
        result[..cols].Clear();
        for (int t = 0; t < rows; t++)
        {
            double vt = v[t];
            int offset = t * cols;
            for (int j = 0; j < cols; j++)
            {
                result[j] += vt * m[offset + j];
            }
        }
    }

    /// <summary>sklearn's <c>_generate_hypercube</c>: distinct binary rows, most significant bit first.</summary>
    private static int[] GenerateHypercube(int samples, int dimensions, NumPyRandomState rng)
    {
        var output = new int[samples * dimensions];
        if (dimensions > 30)
        {
            int extra = dimensions - 30;
            long[] left = rng.RandInt(samples * extra, 0, 2);
            int[] right = GenerateHypercube(samples, 30, rng);
            for (int r = 0; r < samples; r++)
            {
                for (int c = 0; c < extra; c++)
                {
                    output[r * dimensions + c] = (int)left[r * extra + c];
                }

                Array.Copy(right, r * 30, output, r * dimensions + extra, 30);
            }

            return output;
        }

        long[] values = SampleWithoutReplacement(1L << dimensions, samples, rng);
        for (int r = 0; r < samples; r++)
        {
            for (int c = 0; c < dimensions; c++)
            {
                output[r * dimensions + c] = (int)((values[r] >> (dimensions - 1 - c)) & 1);
            }
        }

        return output;
    }

    /// <summary>
    /// sklearn's <c>sample_without_replacement(n_population, n_samples, method="auto")</c>:
    /// permutation for ratios in (0.01, 0.99), tracking selection below 0.2, reservoir sampling otherwise.
    /// </summary>
    private static long[] SampleWithoutReplacement(long population, int samples, NumPyRandomState rng)
    {
        if (samples > population)
        {
            throw new ArgumentException("n_population should be greater or equal than n_samples, got n_samples > n_population");
        }

        double ratio = population != 0 ? (double)samples / population : 1.0;
        var result = new long[samples];
        if (ratio > 0.01 && ratio < 0.99)
        {
            // population < 100 * samples here, so it fits in an int.
            int[] permutation = rng.Permutation(checked((int)population));
            for (int i = 0; i < samples; i++)
            {
                result[i] = permutation[i];
            }
        }
        else if (ratio < 0.2)
        {
            var selected = new HashSet<long>();
            for (int i = 0; i < samples; i++)
            {
                long j = rng.RandInt(population);
                while (selected.Contains(j))
                {
                    j = rng.RandInt(population);
                }

                selected.Add(j);
                result[i] = j;
            }
        }
        else
        {
            for (int i = 0; i < samples; i++)
            {
                result[i] = i;
            }

            for (long i = samples; i < population; i++)
            {
                long j = rng.RandInt(0, i + 1);
                if (j < samples)
                {
                    result[j] = i;
                }
            }
        }

        return result;
    }

    private static double[] Filled(int length, double value)
    {
        var result = new double[length];
        Array.Fill(result, value);
        return result;
    }

    private static double[] RandomShift(NumPyRandomState rng, int features, double classSep)
    {
        double[] u = rng.Uniform(features);
        for (int j = 0; j < features; j++)
        {
            u[j] = (2 * u[j] - 1) * classSep;
        }

        return u;
    }

    private static double[] RandomScale(NumPyRandomState rng, int features)
    {
        double[] u = rng.Uniform(features);
        for (int j = 0; j < features; j++)
        {
            u[j] = 1 + 100 * u[j];
        }

        return u;
    }

    private static void AddPerColumn(double[] x, int features, double[] values)
    {
        for (long i = 0; i < x.Length; i++)
        {
            x[i] += values[i % features];
        }
    }

    private static void MultiplyPerColumn(double[] x, int features, double[] values)
    {
        for (long i = 0; i < x.Length; i++)
        {
            x[i] *= values[i % features];
        }
    }

    private static void RequireAtLeast(int value, int minimum, string sklearnName, string paramName)
    {
        if (value < minimum)
        {
            throw new ArgumentException(
                $"The '{sklearnName}' parameter of make_classification must be an int in the range [{minimum}, inf). Got {value} instead.",
                paramName);
        }
    }

    private static string Fmt(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
