using System.Globalization;
using System.Text.Json;

namespace SelfHealing.Benchmarks.Anomaly;

/// <summary>One labelled series: its rows in time order and its anomaly windows as inclusive row ranges.</summary>
/// <param name="Name">The path under <c>data/</c>, for example <c>realTweets/Twitter_volume_FB.csv</c>.</param>
/// <param name="Timestamps">Each row's timestamp (UTC).</param>
/// <param name="Values">Each row's value.</param>
/// <param name="Windows">The labelled windows, first and last row, in order.</param>
internal sealed record NabSeries(string Name, DateTimeOffset[] Timestamps, double[] Values, (int First, int Last)[] Windows)
{
    /// <summary>Gets the folder under <c>data/</c> the series lives in.</summary>
    public string Category => Name[..Name.IndexOf('/', StringComparison.Ordinal)];
}

/// <summary>
/// Reads a corpus laid out as the Numenta Anomaly Benchmark lays it out: <c>data/&lt;category&gt;/*.csv</c> with
/// <c>timestamp,value</c> rows, and <c>windows.json</c> mapping each file to its labelled <c>[start, end]</c> windows.
/// </summary>
internal static class NabCorpus
{
    private static readonly string[] TimestampFormats = ["yyyy-MM-dd HH:mm:ss.ffffff", "yyyy-MM-dd HH:mm:ss"];

    public static IReadOnlyList<NabSeries> Load(string folder)
    {
        string data = Path.Combine(folder, "data");
        string labels = Path.Combine(folder, "windows.json");
        if (!Directory.Exists(data) || !File.Exists(labels))
        {
            throw new DirectoryNotFoundException($"'{folder}' is not an anomaly corpus: it needs data/<category>/*.csv and windows.json.");
        }

        Dictionary<string, string[][]> windows = JsonSerializer.Deserialize<Dictionary<string, string[][]>>(File.ReadAllText(labels))
            ?? throw new InvalidDataException($"{labels} holds no windows.");
        var series = new List<NabSeries>();
        foreach (string file in Directory.EnumerateFiles(data, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string name = Path.GetRelativePath(data, file).Replace(Path.DirectorySeparatorChar, '/');
            if (!windows.TryGetValue(name, out string[][]? limits))
            {
                throw new InvalidDataException($"{labels} has no entry for {name}.");
            }

            (DateTimeOffset[] timestamps, double[] values) = ReadRows(file);
            var ranges = new (int, int)[limits.Length];
            for (int w = 0; w < limits.Length; w++)
            {
                DateTimeOffset start = ParseTimestamp(limits[w][0]);
                DateTimeOffset end = ParseTimestamp(limits[w][1]);
                int first = Array.FindIndex(timestamps, t => t >= start);
                int last = Array.FindLastIndex(timestamps, t => t <= end);
                if (first < 0 || last < first)
                {
                    throw new InvalidDataException($"{name}: window {limits[w][0]} to {limits[w][1]} covers no row.");
                }

                ranges[w] = (first, last);
            }

            series.Add(new NabSeries(name, timestamps, values, ranges));
        }

        return series;
    }

    private static (DateTimeOffset[] Timestamps, double[] Values) ReadRows(string file)
    {
        var timestamps = new List<DateTimeOffset>();
        var values = new List<double>();
        foreach (string line in File.ReadLines(file).Skip(1))
        {
            if (line.Length == 0)
            {
                continue;
            }

            int comma = line.IndexOf(',', StringComparison.Ordinal);
            timestamps.Add(ParseTimestamp(line[..comma]));
            values.Add(double.Parse(line.AsSpan(comma + 1), NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        return ([.. timestamps], [.. values]);
    }

    private static DateTimeOffset ParseTimestamp(string text) =>
        DateTimeOffset.ParseExact(text.Trim(), TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
