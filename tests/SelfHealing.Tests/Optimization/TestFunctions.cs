namespace SelfHealing.Tests.Optimization;

/// <summary>The standard test functions, as fitness to maximize (the negated function; 0 is the optimum).</summary>
internal static class TestFunctions
{
    public static double Sphere(IReadOnlyList<double> x) => -x.Sum(v => v * v);

    public static double Rastrigin(IReadOnlyList<double> x) => -((10 * x.Count) + x.Sum(v => (v * v) - (10 * Math.Cos(2 * Math.PI * v))));

    public static double Rosenbrock(IReadOnlyList<double> x)
    {
        double sum = 0;
        for (int i = 0; i < x.Count - 1; i++)
        {
            sum += (100 * Math.Pow(x[i + 1] - (x[i] * x[i]), 2)) + Math.Pow(1 - x[i], 2);
        }

        return -sum;
    }

    public static double Ackley(IReadOnlyList<double> x)
    {
        double n = x.Count;
        double squares = x.Sum(v => v * v) / n;
        double cosines = x.Sum(v => Math.Cos(2 * Math.PI * v)) / n;
        return -((-20 * Math.Exp(-0.2 * Math.Sqrt(squares))) - Math.Exp(cosines) + 20 + Math.E);
    }

    public static double Griewank(IReadOnlyList<double> x)
    {
        double sum = 0;
        double product = 1;
        for (int i = 0; i < x.Count; i++)
        {
            sum += x[i] * x[i] / 4000;
            product *= Math.Cos(x[i] / Math.Sqrt(i + 1));
        }

        return -(sum - product + 1);
    }

    /// <summary>A seeded random rotation (orthogonal matrix, Gram-Schmidt on normal rows), so a separable function no longer is.</summary>
    public static double[,] Rotation(int n, int seed)
    {
        var random = new Random(seed);
        var m = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                m[i, j] = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            }
        }

        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < i; k++)
            {
                double dot = 0;
                for (int j = 0; j < n; j++)
                {
                    dot += m[i, j] * m[k, j];
                }

                for (int j = 0; j < n; j++)
                {
                    m[i, j] -= dot * m[k, j];
                }
            }

            double norm = 0;
            for (int j = 0; j < n; j++)
            {
                norm += m[i, j] * m[i, j];
            }

            for (int j = 0; j < n; j++)
            {
                m[i, j] /= Math.Sqrt(norm);
            }
        }

        return m;
    }

    /// <summary><paramref name="f"/> of the rotated point.</summary>
    public static Func<IReadOnlyList<double>, double> Rotated(Func<IReadOnlyList<double>, double> f, double[,] rotation) => x =>
    {
        var y = new double[x.Count];
        for (int i = 0; i < y.Length; i++)
        {
            for (int j = 0; j < y.Length; j++)
            {
                y[i] += rotation[i, j] * x[j];
            }
        }

        return f(y);
    };

    /// <summary>Name, fitness, and the usual search bounds.</summary>
    public static readonly (string Name, Func<IReadOnlyList<double>, double> Fitness, double Bound)[] All =
    [
        ("Sphere", Sphere, 5.12),
        ("Rastrigin", Rastrigin, 5.12),
        ("Rosenbrock", Rosenbrock, 2.048),
        ("Ackley", Ackley, 32.768),
    ];
}
