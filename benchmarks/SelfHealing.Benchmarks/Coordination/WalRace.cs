using System.Diagnostics;
using System.Globalization;
using DotNext.IO;
using DotNext.IO.Log;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;

namespace SelfHealing.Benchmarks.Coordination;

/// <summary>
/// <c>wal-race [--rounds N]</c>: the smallest reproduction of the write-ahead log failure a paused follower met (issue 20,
/// item 4), against DotNext's <see cref="WriteAheadLog"/> alone, with no cluster and none of this library's code. As a
/// follower does, it appends entries (which wakes the log's background flusher) and then installs a snapshot from "the
/// leader" past the end of its log. The flusher reads the snapshot index before it takes the log's read lock and uses
/// that stale index after the install: it flushes pages that were never written, fails with
/// <c>MissingPageException</c>, and the log refuses everything from then on. Prints the round it failed in, or that it
/// did not within the rounds (then the engine no longer has the race, and the node's in-place repair could go).
/// </summary>
internal static class WalRace
{
    public static async Task<int> RunAsync(string[] args)
    {
        int at = Array.IndexOf(args, "--rounds");
        int rounds = 2_000;
        if (at >= 0 && (at + 1 >= args.Length || !int.TryParse(args[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out rounds) || rounds < 1))
        {
            Console.Error.WriteLine($"--rounds must be a whole number of at least 1; got '{(at + 1 < args.Length ? args[at + 1] : string.Empty)}'.");
            return 2;
        }
        string root = Directory.CreateTempSubdirectory("selfhealing-wal-race-").FullName;
        try
        {
            var machine = new NothingMachine(new DirectoryInfo(Path.Combine(root, "state")));
            await using var log = new WriteAheadLog(new WriteAheadLog.Options { Location = Path.Combine(root, "log") }, machine);
            await log.InitializeAsync();
            var clock = Stopwatch.StartNew();
            long index = 0;
            for (int round = 1; round <= rounds; round++)
            {
                try
                {
                    for (int i = 0; i < 8; i++)
                    {
                        await log.AppendAsync(new EmptyLogEntry { Term = 1 }, ++index);
                    }

                    await log.CommitAsync(index);
                    index += 100; // the leader's snapshot, past the end of this log
                    await log.AppendAsync(new SnapshotEntry(1), index);
                    await log.WaitForApplyAsync(0); // answers at once, with the log's background failure when it has one
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Exception cause = ex.InnerException ?? ex;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round} of {rounds}, after {clock.Elapsed.TotalSeconds:0.00} s: {cause.GetType().FullName}: {cause.Message}"));
                    Console.WriteLine($"wal-race reproduced=yes rounds={round}");
                    return 0;
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"no failure in {rounds} rounds ({clock.Elapsed.TotalSeconds:0.00} s)"));
            Console.WriteLine($"wal-race reproduced=no rounds={rounds}");
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>A state machine that keeps nothing: snapshots are empty, entries change nothing.</summary>
    private sealed class NothingMachine(DirectoryInfo location) : SimpleStateMachine(location)
    {
        protected override ValueTask<bool> ApplyAsync(LogEntry entry, CancellationToken token) => new(false);

        protected override ValueTask PersistAsync(IAsyncBinaryWriter writer, CancellationToken token) => ValueTask.CompletedTask;

        protected override ValueTask RestoreAsync(FileInfo snapshotFile, CancellationToken token) => ValueTask.CompletedTask;
    }

    /// <summary>An empty snapshot, as a leader sends one to a follower that lags behind its log.</summary>
    private readonly struct SnapshotEntry(long term) : IRaftLogEntry
    {
        public long Term => term;

        public bool IsSnapshot => true;

        public DateTimeOffset Timestamp => DateTimeOffset.UtcNow;

        long? IDataTransferObject.Length => 0;

        bool IDataTransferObject.IsReusable => true;

        ValueTask IDataTransferObject.WriteToAsync<TWriter>(TWriter writer, CancellationToken token) => ValueTask.CompletedTask;
    }
}
