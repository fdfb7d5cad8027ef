using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SelfHealing.Benchmarks.Coordination;

/// <summary>
/// What one node did and saw during a nemesis run, a line per record: <c>kind node timestamp fields...</c>, the
/// timestamp being <see cref="Stopwatch.GetTimestamp"/> (the machine's monotonic clock, the same in every process on
/// it, so records of different processes compare). Each line is flushed as written, so a killed process loses at most
/// the line it was writing; the checker skips a line it cannot read.
/// </summary>
internal sealed class NemesisJournal : IDisposable
{
    private readonly Lock _gate = new();
    private readonly StreamWriter _writer;
    private readonly string _node;

    public NemesisJournal(string path, string node)
    {
        _node = node;
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };
    }

    public void Write(string kind, params object[] fields) => WriteAt(kind, Stopwatch.GetTimestamp(), fields);

    public void WriteAt(string kind, long timestamp, params object[] fields)
    {
        var line = new StringBuilder(64);
        line.Append(kind).Append(' ').Append(_node).Append(' ').Append(timestamp.ToString(CultureInfo.InvariantCulture));
        foreach (object field in fields)
        {
            line.Append(' ').Append(Convert.ToString(field, CultureInfo.InvariantCulture)?.Replace(' ', '_').Replace('\n', '_'));
        }

        lock (_gate)
        {
            _writer.WriteLine(line.ToString());
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
        }
    }
}
