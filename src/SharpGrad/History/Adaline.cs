namespace SharpGrad.History;

/// <summary>
/// Widrow and Hoff's ADALINE (1960): the same linear unit as the perceptron, but trained on its <b>linear</b> output by the
/// LMS (delta) rule w ← w + η(t − w·x)x, online in the data set's order, from w = 0. It is stochastic gradient descent on the
/// squared error, so it heads for the least-squares solution whether or not the classes are separable, and it keeps
/// updating after every point is on the right side. With a constant η the online weights end in a neighbourhood of the
/// least-squares solution whose size shrinks with η.
/// </summary>
public static class Adaline
{
    /// <summary>Trains for a fixed number of epochs and compares the result with the closed-form least-squares solution.</summary>
    /// <param name="data">Training data.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="epochs">Epochs to run.</param>
    public static AdalineResult Train(LinearDataset data, double learningRate = 0.01, int epochs = 200)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        var w = new double[data.Width];
        var mse = new double[epochs + 1];
        mse[0] = Mse(data, w);
        int? firstAllCorrect = null;
        double lastChange = 0;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var before = (double[])w.Clone();
            for (int i = 0; i < data.Count; i++)
            {
                double[] x = data.Inputs[i];
                double error = data.Targets[i] - Margin.Dot(w, x);
                for (int k = 0; k < w.Length; k++) w[k] += learningRate * error * x[k];
            }
            mse[epoch] = Mse(data, w);
            if (firstAllCorrect is null && Accuracy(data, w) == 1) firstAllCorrect = epoch;
            lastChange = Math.Sqrt(w.Select((v, k) => (v - before[k]) * (v - before[k])).Sum());
        }
        double[] ls = LeastSquares(data);
        double distance = Math.Sqrt(w.Select((v, k) => (v - ls[k]) * (v - ls[k])).Sum());
        return new AdalineResult(data, learningRate, mse, w, ls, Mse(data, ls), distance, firstAllCorrect, lastChange, Accuracy(data, w));
    }

    /// <summary>(1/n) Σᵢ (tᵢ − w·xᵢ)².</summary>
    public static double Mse(LinearDataset data, ReadOnlySpan<double> w)
    {
        double s = 0;
        for (int i = 0; i < data.Count; i++)
        {
            double e = data.Targets[i] - Margin.Dot(w, data.Inputs[i]);
            s += e * e;
        }
        return s / data.Count;
    }

    /// <summary>Fraction of patterns with sign(w·x) = t (w·x = 0 counts as −1, as for the perceptron).</summary>
    public static double Accuracy(LinearDataset data, ReadOnlySpan<double> w)
    {
        int correct = 0;
        for (int i = 0; i < data.Count; i++) if (Perceptron.Output(w, data.Inputs[i]) == data.Targets[i]) correct++;
        return (double)correct / data.Count;
    }

    /// <summary>The least-squares weights solving the normal equations XᵀX w = Xᵀt (Gaussian elimination with partial pivoting).</summary>
    /// <exception cref="InvalidOperationException">When XᵀX is singular.</exception>
    public static double[] LeastSquares(LinearDataset data)
    {
        int d = data.Width;
        var a = new double[d, d + 1];  // [XᵀX | Xᵀt]
        for (int i = 0; i < data.Count; i++)
        {
            double[] x = data.Inputs[i];
            for (int r = 0; r < d; r++)
            {
                for (int c = 0; c < d; c++) a[r, c] += x[r] * x[c];
                a[r, d] += x[r] * data.Targets[i];
            }
        }
        for (int col = 0; col < d; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < d; r++) if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            if (Math.Abs(a[pivot, col]) < 1e-12) throw new InvalidOperationException($"{data.Name}: XᵀX is singular; no unique least-squares solution.");
            for (int c = 0; c <= d; c++) (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
            for (int r = 0; r < d; r++)
            {
                if (r == col) continue;
                double f = a[r, col] / a[col, col];
                for (int c = col; c <= d; c++) a[r, c] -= f * a[col, c];
            }
        }
        var w = new double[d];
        for (int r = 0; r < d; r++) w[r] = a[r, d] / a[r, r];
        return w;
    }
}
