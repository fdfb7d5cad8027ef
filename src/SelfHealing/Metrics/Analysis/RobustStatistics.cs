namespace SelfHealing.Metrics.Analysis;

/// <summary>Medians and median absolute deviations in linear time, reordering the caller's scratch span in place.</summary>
internal static class RobustStatistics
{
    /// <summary>The factor that turns a median absolute deviation into a standard deviation for normal data.</summary>
    public const double MadToSigma = 1.4826;

    /// <summary>The median of <paramref name="values"/> (NaN when empty); the span is reordered.</summary>
    public static double Median(Span<double> values)
    {
        int n = values.Length;
        if (n == 0)
        {
            return double.NaN;
        }

        int middle = n / 2;
        double upper = Select(values, middle);
        if ((n & 1) == 1)
        {
            return upper;
        }

        // After the selection every value left of the middle is at most the middle one: the largest of them is
        // the lower middle.
        double lower = double.NegativeInfinity;
        foreach (double value in values[..middle])
        {
            lower = Math.Max(lower, value);
        }

        return (lower + upper) / 2;
    }

    /// <summary>
    /// The median absolute deviation from <paramref name="median"/>, scaled to a standard deviation for normal data;
    /// the span is overwritten with the deviations.
    /// </summary>
    public static double SigmaFromMad(Span<double> values, double median)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Math.Abs(values[i] - median);
        }

        return MadToSigma * Median(values);
    }

    // Hoare's selection: puts the k-th smallest value at index k, smaller or equal ones before it, larger or
    // equal ones after it, in expected linear time.
    private static double Select(Span<double> a, int k)
    {
        int low = 0;
        int high = a.Length - 1;
        while (high > low)
        {
            int middle = low + ((high - low) >> 1);
            if (a[middle] < a[low])
            {
                (a[middle], a[low]) = (a[low], a[middle]);
            }

            if (a[high] < a[low])
            {
                (a[high], a[low]) = (a[low], a[high]);
            }

            if (a[high] < a[middle])
            {
                (a[high], a[middle]) = (a[middle], a[high]);
            }

            double pivot = a[middle];
            int i = low;
            int j = high;
            while (i <= j)
            {
                while (a[i] < pivot)
                {
                    i++;
                }

                while (a[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (a[i], a[j]) = (a[j], a[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                high = j;
            }
            else if (k >= i)
            {
                low = i;
            }
            else
            {
                return a[k];
            }
        }

        return a[k];
    }
}
