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

    /// <summary>Name, fitness, and the usual search bounds.</summary>
    public static readonly (string Name, Func<IReadOnlyList<double>, double> Fitness, double Bound)[] All =
    [
        ("Sphere", Sphere, 5.12),
        ("Rastrigin", Rastrigin, 5.12),
        ("Rosenbrock", Rosenbrock, 2.048),
        ("Ackley", Ackley, 32.768),
    ];
}
