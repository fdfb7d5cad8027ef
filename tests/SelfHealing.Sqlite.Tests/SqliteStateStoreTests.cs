using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SelfHealing.Configuration;
using SelfHealing.Sqlite;
using SelfHealing.Storage;

namespace SelfHealing.Sqlite.Tests;

public sealed class SqliteStateStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("selfhealing-sqlite-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static SqliteStateStore Store(string path) => new(Options.Create(new SqliteStateStoreOptions { Path = path }));

    [Fact]
    public async Task Documents_round_trip_and_survive_a_new_store_on_the_same_file()
    {
        string path = PathOf("nested/state.db");
        using (SqliteStateStore store = Store(path))
        {
            await store.PutAsync("recovery.incidents", "b", "{\"n\":2}");
            await store.PutAsync("recovery.incidents", "a", "{\"n\":1}");
            await store.PutAsync("recovery.incidents", "a", "{\"n\":3}");
            await store.PutAsync("other", "a", "{}");
            (await store.GetAsync("recovery.incidents", "a")).Should().Be("{\"n\":3}");
            (await store.DeleteAsync("other", "a")).Should().BeTrue();
            (await store.DeleteAsync("other", "a")).Should().BeFalse();
        }

        using SqliteStateStore reopened = Store(path);
        (await reopened.ListAsync("recovery.incidents")).Should().Equal(new KeyValuePair<string, string>("a", "{\"n\":3}"), new KeyValuePair<string, string>("b", "{\"n\":2}"));
        (await reopened.GetAsync("other", "a")).Should().BeNull();
        (await reopened.GetAsync("none", "x")).Should().BeNull();
    }

    [Fact]
    public async Task Concurrent_writers_lose_nothing()
    {
        using SqliteStateStore store = Store(PathOf("concurrent.db"));
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < 25; i++)
            {
                await store.PutAsync("c", $"{w}-{i:D2}", "{}");
            }
        })));
        (await store.ListAsync("c")).Should().HaveCount(200);
    }

    [Theory]
    [InlineData("text", "it is not a SQLite database, or is damaged")]
    [InlineData("foreign", "it is a SQLite database of something else (table customers)")]
    [InlineData("view", "it is a SQLite database of something else (view answers)")]
    [InlineData("ours-and-more", "it holds more than the store's tables (table customers); the store keeps a file of its own")]
    [InlineData("version-zero", "its schema version is 0, which no version of this store writes")]
    [InlineData("no-documents", "its documents table is missing")]
    [InlineData("other-documents", "its documents table has other columns (id,text) than this store writes")]
    [InlineData("newer", "a newer version wrote it (schema 99; this version reads up to 1)")]
    [InlineData("other-app", "it belongs to 'Billing', not to SelfHealing")]
    public async Task A_file_that_is_not_ours_is_refused_with_the_reason_and_left_untouched(string kind, string reason)
    {
        string path = PathOf($"{kind}.db");
        if (kind == "text")
        {
            await File.WriteAllTextAsync(path, "these are someone's notes, not a database\n");
        }
        else
        {
            await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
            await connection.OpenAsync();
            await using SqliteCommand command = connection.CreateCommand();
            command.CommandText = kind switch
            {
                "foreign" => "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('Ada');",
                "view" => "CREATE VIEW answers AS SELECT 42 AS answer;",
                "ours-and-more" => "CREATE TABLE selfhealing_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO selfhealing_meta VALUES ('application', 'SelfHealing'), ('schema_version', '1'); CREATE TABLE customers (id INTEGER PRIMARY KEY);",
                "no-documents" => "CREATE TABLE selfhealing_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO selfhealing_meta VALUES ('application', 'SelfHealing'), ('schema_version', '1');",
                "other-documents" => "CREATE TABLE selfhealing_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO selfhealing_meta VALUES ('application', 'SelfHealing'), ('schema_version', '1'); CREATE TABLE documents (id INTEGER PRIMARY KEY, text TEXT);",
                "version-zero" => "CREATE TABLE selfhealing_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO selfhealing_meta VALUES ('application', 'SelfHealing'), ('schema_version', '0');",
                "newer" => "CREATE TABLE selfhealing_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO selfhealing_meta VALUES ('application', 'SelfHealing'), ('schema_version', '99');",
                _ => "CREATE TABLE selfhealing_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO selfhealing_meta VALUES ('application', 'Billing'), ('schema_version', '1');",
            };
            await command.ExecuteNonQueryAsync();
        }

        byte[] before = await File.ReadAllBytesAsync(path);
        using SqliteStateStore store = Store(path);
        Func<Task> use = async () => await store.PutAsync("c", "k", "{}");
        (await use.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should()
            .StartWith($"The state store cannot use {path}: {reason}").And.EndWith("It was left untouched; move it away or set SelfHealing:Sqlite:Path to another file.");
        SqliteConnection.ClearAllPools();
        (await File.ReadAllBytesAsync(path)).Should().Equal(before);
        File.Exists(path + "-wal").Should().BeFalse();
    }

    [Fact]
    public async Task Another_applications_wal_database_is_refused_without_creating_files_beside_it()
    {
        string path = PathOf("billing.db");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE invoices (id INTEGER PRIMARY KEY); INSERT INTO invoices DEFAULT VALUES;";
            await command.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        string[] before = [.. Directory.GetFiles(_folder).Select(Path.GetFileName).Order()!];
        byte[] bytes = await File.ReadAllBytesAsync(path);
        using SqliteStateStore store = Store(path);

        Func<Task> use = async () => await store.PutAsync("c", "k", "{}");

        (await use.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("it is a SQLite database of something else (table invoices)");
        SqliteConnection.ClearAllPools();
        Directory.GetFiles(_folder).Select(Path.GetFileName).Order().Should().Equal(before, "no -wal or -shm file is created beside it");
        (await File.ReadAllBytesAsync(path)).Should().Equal(bytes);
    }

    [Fact]
    public async Task Two_stores_creating_the_same_missing_file_at_once_both_open_it()
    {
        string path = PathOf("raced/state.db");
        for (int round = 0; round < 5; round++)
        {
            string file = $"{path}.{round}";
            using SqliteStateStore first = Store(file);
            using SqliteStateStore second = Store(file);
            using var go = new ManualResetEventSlim();
            Task a = Task.Run(async () => { go.Wait(); await first.PutAsync("c", "a", "{}"); });
            Task b = Task.Run(async () => { go.Wait(); await second.PutAsync("c", "b", "{}"); });
            go.Set();
            await Task.WhenAll(a, b);
            (await first.ListAsync("c")).Select(d => d.Key).Should().Equal("a", "b");
        }
    }

    [Fact]
    public async Task A_path_that_cannot_be_a_database_file_is_refused_naming_it()
    {
        string path = PathOf("a-directory");
        Directory.CreateDirectory(path);
        using SqliteStateStore store = Store(path);

        Func<Task> use = async () => await store.PutAsync("c", "k", "{}");

        (await use.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should()
            .StartWith($"The state store cannot use {path}: it cannot be opened or prepared (");
    }

    [Fact]
    public async Task An_empty_file_or_empty_database_becomes_a_store()
    {
        string path = PathOf("empty.db");
        await File.WriteAllBytesAsync(path, []);
        using SqliteStateStore store = Store(path);
        await store.PutAsync("c", "k", "{}");
        (await store.GetAsync("c", "k")).Should().Be("{}");
    }

    [Fact]
    public void A_bad_option_is_refused_with_its_key()
    {
        Action empty = () => Store(" ");
        empty.Should().Throw<ArgumentException>().WithMessage("SelfHealing:Sqlite:Path is empty; allowed: a file path.*");
        new SqliteStateStoreOptionsValidator().Validate(null, new SqliteStateStoreOptions { BusyTimeout = TimeSpan.FromMinutes(5) }).FailureMessage
            .Should().Be("SelfHealing:Sqlite:BusyTimeout is 00:05:00; allowed: 00:00:00 to 00:01:00.");
    }

    [Fact]
    public async Task A_host_keeps_its_configuration_and_incident_history_across_a_restart()
    {
        string path = PathOf("host.db");
        IHost Build()
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["SelfHealing:Sqlite:Path"] = path });
            builder.Services.AddSelfHealing(b => b
                .ConfigureMetrics(o => { o.CollectProcessMetrics = false; o.IncludeDefaultInstruments = false; })
                .UseSqliteStore()
                .AddAdaptiveParameters(ParameterDefinition.Integer("Orders:PoolSize", 10, 1, 100)));
            return builder.Build();
        }

        using (IHost first = Build())
        {
            await first.StartAsync();
            first.Services.GetRequiredService<IStateStore>().Should().BeOfType<SqliteStateStore>();
            first.Services.GetRequiredService<AdaptiveConfigManager>().Update("Orders:PoolSize", 42L);
            await first.StopAsync();
        }

        using IHost second = Build();
        await second.StartAsync();
        var config = second.Services.GetRequiredService<AdaptiveConfigManager>();
        (config.Current.Version, config.Get<long>("Orders:PoolSize")).Should().Be((2, 42L));
        second.Services.GetRequiredService<IConfiguration>()["Orders:PoolSize"].Should().Be("42");
        await second.StopAsync();
    }

    [Fact]
    public async Task A_supervised_worker_is_handed_its_last_acknowledged_checkpoint_after_the_process_restarts()
    {
        string path = PathOf("worker.db");
        var offsets = new List<long>();
        IHost Build(TaskCompletionSource<long> restored, TaskCompletionSource acknowledged)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Services.AddSelfHealing(b => b
                .ConfigureMetrics(o => { o.CollectProcessMetrics = false; o.IncludeDefaultInstruments = false; })
                .UseSqliteStore(o => o.Path = path)
                .AddSupervisor("ingest", s => s.AddWorker("consumer", async (context, token) =>
                {
                    long offset = context.GetState<long>();
                    restored.TrySetResult(offset);
                    for (int i = 0; i < 5; i++)
                    {
                        await context.CheckpointAsync(++offset, token);
                    }

                    acknowledged.TrySetResult();
                    await Task.Delay(Timeout.Infinite, token);
                })));
            return builder.Build();
        }

        for (int run = 0; run < 3; run++)
        {
            var restored = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using IHost host = Build(restored, acknowledged);
            await host.StartAsync();
            offsets.Add(await restored.Task.WaitAsync(TimeSpan.FromSeconds(10)));
            await acknowledged.Task.WaitAsync(TimeSpan.FromSeconds(10));
            (await host.Services.GetRequiredService<IStateStore>().GetAsync(SelfHealing.Supervision.WorkerContext.StateCollection, "consumer")).Should().Be($"{(run + 1) * 5}");
            await host.StopAsync();
        }

        offsets.Should().Equal(0, 5, 10);
    }

    [Fact]
    public async Task A_host_with_a_foreign_file_does_not_start_and_says_why()
    {
        string path = PathOf("notes.db");
        await File.WriteAllTextAsync(path, "not a database");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSelfHealing(b => b.UseSqliteStore(o => o.Path = path).AddAdaptiveParameters(ParameterDefinition.Boolean("Flag", true)));
        using IHost host = builder.Build();
        Func<Task> start = () => host.StartAsync();
        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("It was left untouched");
        (await File.ReadAllTextAsync(path)).Should().Be("not a database");
    }

    [Fact]
    public async Task Each_write_is_stamped_with_the_time_providers_clock()
    {
        string path = PathOf("stamped.db");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero));
        using (var store = new SqliteStateStore(Options.Create(new SqliteStateStoreOptions { Path = path }), time))
        {
            await store.PutAsync("c", "k", "{}", CancellationToken.None);
        }

        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT updated_at FROM documents WHERE collection = 'c' AND key = 'k'";
        DateTimeOffset.Parse((string)(await command.ExecuteScalarAsync())!, System.Globalization.CultureInfo.InvariantCulture).Should().Be(time.GetUtcNow());
    }
}
