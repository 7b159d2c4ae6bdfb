namespace AntiDistill.Calibration;

/// <summary>L2-regularized, sample-weighted logistic regression fitted with Newton's method (a dozen features, so the Hessian is tiny).</summary>
internal static class LogisticRegression
{
    /// <summary>
    /// Fits with every weight constrained to be non-negative (active set: a weight that wants to go
    /// negative is pinned at 0 and the rest refitted). A negative weight would let a harvester lower its
    /// risk by doing more of something (more volume, steadier pacing); signals may only add evidence.
    /// </summary>
    public static (double Bias, double[] Weights) FitNonNegative(IReadOnlyList<double[]> x, IReadOnlyList<bool> y, IReadOnlyList<double> sampleWeights, double l2)
    {
        int d = x[0].Length;
        var active = Enumerable.Range(0, d).ToList();
        while (true)
        {
            var projected = x.Select(row => active.Select(j => row[j]).ToArray()).ToList();
            var (bias, w) = Fit(projected, y, sampleWeights, l2);
            int worst = -1;
            for (int k = 0; k < w.Length; k++)
            {
                if (w[k] < 0 && (worst < 0 || w[k] < w[worst]))
                {
                    worst = k;
                }
            }

            if (worst < 0)
            {
                var full = new double[d];
                for (int k = 0; k < active.Count; k++)
                {
                    full[active[k]] = w[k];
                }

                return (bias, full);
            }

            active.RemoveAt(worst);
        }
    }

    public static (double Bias, double[] Weights) Fit(IReadOnlyList<double[]> x, IReadOnlyList<bool> y, IReadOnlyList<double> sampleWeights, double l2, int iterations = 50)
    {
        int d = x[0].Length + 1;
        var beta = new double[d];
        for (int it = 0; it < iterations; it++)
        {
            var grad = new double[d];
            var hess = new double[d, d];
            for (int i = 0; i < x.Count; i++)
            {
                double z = beta[0];
                for (int j = 1; j < d; j++)
                {
                    z += beta[j] * x[i][j - 1];
                }

                double p = 1 / (1 + Math.Exp(-z));
                double w = sampleWeights[i];
                double r = (y[i] ? 1 : 0) - p;
                double s = w * p * (1 - p);
                for (int a = 0; a < d; a++)
                {
                    double xa = a == 0 ? 1 : x[i][a - 1];
                    grad[a] += w * r * xa;
                    for (int b = 0; b < d; b++)
                    {
                        double xb = b == 0 ? 1 : x[i][b - 1];
                        hess[a, b] += s * xa * xb;
                    }
                }
            }

            for (int a = 1; a < d; a++)
            {
                grad[a] -= l2 * beta[a];
                hess[a, a] += l2;
            }

            var step = Solve(hess, grad);
            double change = 0;
            for (int a = 0; a < d; a++)
            {
                beta[a] += step[a];
                change = Math.Max(change, Math.Abs(step[a]));
            }

            if (change < 1e-8)
            {
                break;
            }
        }

        return (beta[0], beta[1..]);
    }

    /// <summary>Gaussian elimination with partial pivoting.</summary>
    private static double[] Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        var m = (double[,])a.Clone();
        var v = (double[])b.Clone();
        for (int c = 0; c < n; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < n; r++)
            {
                if (Math.Abs(m[r, c]) > Math.Abs(m[pivot, c]))
                {
                    pivot = r;
                }
            }

            for (int k = 0; k < n; k++)
            {
                (m[c, k], m[pivot, k]) = (m[pivot, k], m[c, k]);
            }

            (v[c], v[pivot]) = (v[pivot], v[c]);
            double diag = m[c, c];
            if (Math.Abs(diag) < 1e-12)
            {
                continue;
            }

            for (int r = c + 1; r < n; r++)
            {
                double f = m[r, c] / diag;
                for (int k = c; k < n; k++)
                {
                    m[r, k] -= f * m[c, k];
                }

                v[r] -= f * v[c];
            }
        }

        var x = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double s = v[r];
            for (int k = r + 1; k < n; k++)
            {
                s -= m[r, k] * x[k];
            }

            x[r] = Math.Abs(m[r, r]) < 1e-12 ? 0 : s / m[r, r];
        }

        return x;
    }
}
