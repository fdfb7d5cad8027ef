using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using SelfHealing.Storage;

namespace SelfHealing.Sqlite;

/// <summary>
/// An <see cref="IStateStore"/> in a SQLite file: one table of documents, each write in a transaction. The file is
/// opened on first use: created with its schema when missing or empty, migrated when an older version of this
/// store wrote it, and refused — untouched — when it is not a SQLite database, is damaged, belongs to something
/// else, or was written by a newer version.
/// </summary>
public sealed class SqliteStateStore : IStateStore, IDisposable
{
    /// <summary>The schema version this store writes.</summary>
    public const int SchemaVersion = 1;

    private const string Application = "SelfHealing";
    private readonly SqliteStateStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _open = new(1, 1);
    private bool _ready;

    /// <summary>Creates a store; the file is opened and checked on first use.</summary>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">The clock that stamps each write; the system clock when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">An option is invalid (the message names each problem).</exception>
    public SqliteStateStore(IOptions<SqliteStateStoreOptions> options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = timeProvider ?? TimeProvider.System;
        List<string> errors = SqliteStateStoreOptionsValidator.Check(options.Value);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors), nameof(options));
        }

        _options = new SqliteStateStoreOptions { Path = Path.GetFullPath(options.Value.Path), BusyTimeout = options.Value.BusyTimeout };
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _options.Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(_options.BusyTimeout.TotalSeconds),
        }.ToString();
    }

    /// <summary>Gets the database file's full path.</summary>
    public string FilePath => _options.Path;

    /// <summary>Opens and checks the file now (otherwise done on first use).</summary>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>A task that ends when the store is ready.</returns>
    /// <exception cref="InvalidOperationException">The file cannot be used; the message says why. The file is left as it was.</exception>
    public async Task OpenAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _ready))
        {
            return;
        }

        await _open.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_ready)
            {
                try
                {
                    await PrepareAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
                {
                    // A directory in place of the file, a read-only mount, a locked or odd file: say which file and why.
                    throw Refuse($"it cannot be opened or prepared ({ex.Message.TrimEnd('.')})", ex);
                }

                Volatile.Write(ref _ready, true);
            }
        }
        finally
        {
            _open.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask PutAsync(string collection, string key, string json, CancellationToken cancellationToken = default)
    {
        StateStoreArguments.Check(collection, key);
        ArgumentNullException.ThrowIfNull(json);
        await using SqliteConnection connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO documents (collection, key, json, updated_at) VALUES ($collection, $key, $json, $updated)
            ON CONFLICT (collection, key) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at
            """;
        command.Parameters.AddWithValue("$collection", collection);
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$json", json);
        command.Parameters.AddWithValue("$updated", _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<string?> GetAsync(string collection, string key, CancellationToken cancellationToken = default)
    {
        StateStoreArguments.Check(collection, key);
        await using SqliteConnection connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT json FROM documents WHERE collection = $collection AND key = $key";
        command.Parameters.AddWithValue("$collection", collection);
        command.Parameters.AddWithValue("$key", key);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<KeyValuePair<string, string>>> ListAsync(string collection, CancellationToken cancellationToken = default)
    {
        StateStoreArguments.Check(collection, "list");
        await using SqliteConnection connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT key, json FROM documents WHERE collection = $collection ORDER BY key";
        command.Parameters.AddWithValue("$collection", collection);
        var documents = new List<KeyValuePair<string, string>>();
        await using SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            documents.Add(new(reader.GetString(0), reader.GetString(1)));
        }

        return documents;
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string collection, string key, CancellationToken cancellationToken = default)
    {
        StateStoreArguments.Check(collection, key);
        await using SqliteConnection connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM documents WHERE collection = $collection AND key = $key";
        command.Parameters.AddWithValue("$collection", collection);
        command.Parameters.AddWithValue("$key", key);
        int deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted > 0;
    }

    /// <summary>Releases the file (pooled connections are closed).</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _open.Dispose();
    }

    private async Task<SqliteConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    // Checks the file before writing anything to it: a file that is not ours is never touched.
    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var file = new FileInfo(_options.Path);
        if (file.Exists && file.Length > 0)
        {
            await CheckExistingAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            file.Directory?.Create();
        }

        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

        // The version is read under the write lock (BEGIN IMMEDIATE): of two processes creating the file at once, the
        // second waits and then finds the schema the first one made.
        await using SqliteTransaction transaction = connection.BeginTransaction(deferred: false); // Microsoft.Data.Sqlite has no asynchronous I/O
        int version = await ReadSchemaVersionAsync(connection, cancellationToken, transaction).ConfigureAwait(false);
        if (version == 0)
        {
            await ExecuteAsync(connection, transaction, """
                CREATE TABLE selfhealing_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE documents (
                    collection TEXT NOT NULL,
                    key TEXT NOT NULL,
                    json TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    PRIMARY KEY (collection, key)) WITHOUT ROWID;
                """, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"INSERT INTO selfhealing_meta (name, value) VALUES ('application', '{Application}'), ('schema_version', '{SchemaVersion}')", cancellationToken).ConfigureAwait(false);
        }

        // Migrations from older schema versions go here, one step each, in this transaction.
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL", cancellationToken).ConfigureAwait(false);
    }

    private async Task CheckExistingAsync(CancellationToken cancellationToken)
    {
        // Read-only. A write-ahead-log database nobody has open (no -wal beside it) is read as immutable: SQLite would
        // otherwise create -wal and -shm files beside a file that may not be ours. One in use is read as usual.
        var readOnly = new SqliteConnectionStringBuilder(_connectionString)
        {
            DataSource = IsIdleWalDatabase(_options.Path) ? new Uri(Path.GetFullPath(_options.Path)).AbsoluteUri + "?immutable=1" : _options.Path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString();
        try
        {
            await using var connection = new SqliteConnection(readOnly);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            string integrity = await ScalarAsync(connection, "PRAGMA quick_check", cancellationToken).ConfigureAwait(false) ?? "";
            if (!string.Equals(integrity, "ok", StringComparison.Ordinal))
            {
                throw Refuse($"it is damaged (SQLite's check says: {integrity})");
            }

            bool ours = await ScalarAsync(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'selfhealing_meta'", cancellationToken).ConfigureAwait(false) is not null;
            string foreign = await ScalarAsync(connection, """
                SELECT group_concat(type || ' ' || name, ', ') FROM sqlite_master
                WHERE name NOT LIKE 'sqlite_%' AND name NOT IN ('selfhealing_meta', 'documents')
                """, cancellationToken).ConfigureAwait(false) ?? "";
            if (!ours)
            {
                if (foreign.Length > 0)
                {
                    throw Refuse($"it is a SQLite database of something else ({foreign})");
                }

                return; // an empty SQLite database: ours to initialize
            }

            if (foreign.Length > 0)
            {
                throw Refuse($"it holds more than the store's tables ({foreign}); the store keeps a file of its own");
            }

            string? application = await ScalarAsync(connection, "SELECT value FROM selfhealing_meta WHERE name = 'application'", cancellationToken).ConfigureAwait(false);
            if (application != Application)
            {
                throw Refuse($"it belongs to '{application}', not to {Application}");
            }

            int version = await ReadSchemaVersionAsync(connection, cancellationToken).ConfigureAwait(false);
            if (version < 1)
            {
                throw Refuse(string.Create(CultureInfo.InvariantCulture, $"its schema version is {version}, which no version of this store writes"));
            }

            string columns = await ScalarAsync(connection, "SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('documents') ORDER BY name)", cancellationToken).ConfigureAwait(false) ?? "";
            if (version <= SchemaVersion && !string.Equals(columns, "collection,json,key,updated_at", StringComparison.Ordinal))
            {
                throw Refuse(columns.Length == 0 ? "its documents table is missing" : $"its documents table has other columns ({columns}) than this store writes");
            }

            if (version > SchemaVersion)
            {
                throw Refuse(string.Create(CultureInfo.InvariantCulture, $"a newer version wrote it (schema {version}; this version reads up to {SchemaVersion})"));
            }
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 26 or 11) // SQLITE_NOTADB, SQLITE_CORRUPT
        {
            throw Refuse($"it is not a SQLite database, or is damaged ({ex.Message})", ex);
        }
    }

    // The SQLite header's read and write versions are 2 in write-ahead-log mode (bytes 18 and 19).
    private static bool IsIdleWalDatabase(string path)
    {
        if (File.Exists(path + "-wal"))
        {
            return false;
        }

        Span<byte> header = stackalloc byte[20];
        using FileStream file = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return file.Read(header) == header.Length && header[..16].SequenceEqual("SQLite format 3\0"u8) && header[18] == 2 && header[19] == 2;
    }

    private InvalidOperationException Refuse(string why, Exception? inner = null) =>
        new($"The state store cannot use {_options.Path}: {why}. It was left untouched; move it away or set {SqliteStateStoreOptionsValidator.Section}:{nameof(SqliteStateStoreOptions.Path)} to another file.", inner);

    private static async Task<int> ReadSchemaVersionAsync(SqliteConnection connection, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        if (await ScalarAsync(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'selfhealing_meta'", cancellationToken, transaction).ConfigureAwait(false) is null)
        {
            return 0;
        }

        string? text = await ScalarAsync(connection, "SELECT value FROM selfhealing_meta WHERE name = 'schema_version'", cancellationToken, transaction).ConfigureAwait(false);
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int version) ? version : int.MaxValue;
    }

    private static async Task<string?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        await using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        object? value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? null : Convert.ToString(value, CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
