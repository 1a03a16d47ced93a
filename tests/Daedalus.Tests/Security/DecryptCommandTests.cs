using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Daedalus.Configuration;
using Daedalus.Sources.Sample;
using Daedalus.Tests.Infrastructure;
using Npgsql;

namespace Daedalus.Tests.Security;

/// <summary>
/// <c>daedalus decrypt</c> as an operator runs it (a child process in local mode) on a real PostgreSQL database that
/// <c>daedalus sync</c> filled from the sample source with an encrypted <c>email</c> and a hashed <c>phone</c>.
/// </summary>
public sealed class DecryptCommandTests : IClassFixture<DecryptCommandTests.SyncedSample>
{
    private readonly SyncedSample _sample;

    public DecryptCommandTests(SyncedSample sample)
    {
        _sample = sample;
    }

    [Fact]
    public async Task Decrypts_exactly_what_the_sample_source_generated_and_audits_the_read_without_values()
    {
        var rows = await _sample.RowsAsync();
        var (first, second) = (rows[3], rows[17]);
        var before = await _sample.ScalarAsync<long>("SELECT count(*) FROM daedalus.audit_log WHERE action = 'decrypt'");

        var result = await _sample.Cli("decrypt", "demo", "customers", "--column", "email", "--key", first.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--key", second.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        var items = json.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal("demo.customers", json.RootElement.GetProperty("table").GetString());
        foreach (var (item, row) in items.Zip(new[] { first, second }))
        {
            Assert.Equal(row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), item.GetProperty("key").GetProperty("id").GetString());
            Assert.Equal(_sample.GeneratedEmail(row), item.GetProperty("values").GetProperty("email").GetString());
        }

        Assert.Equal(before + 1, await _sample.ScalarAsync<long>("SELECT count(*) FROM daedalus.audit_log WHERE action = 'decrypt'"));
        var (actor, target, detail) = await _sample.LastAuditAsync("decrypt");
        Assert.Equal($"cli:{Environment.UserName}", actor);
        Assert.Equal("demo/customers", target);
        using var audited = JsonDocument.Parse(detail);
        Assert.Equal(2, audited.RootElement.GetProperty("rows").GetInt32());
        Assert.Equal(2, audited.RootElement.GetProperty("values").GetInt32());
        Assert.Equal(["email"], audited.RootElement.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal([first.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), second.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], audited.RootElement.GetProperty("rowKeys").EnumerateArray().Select(k => k.GetProperty("id").GetString()));
        Assert.Equal(first.Email.Split(':')[2], Assert.Single(audited.RootElement.GetProperty("keyIds").EnumerateArray()).GetString());
        foreach (var row in new[] { first, second })
        {
            Assert.DoesNotContain(_sample.GeneratedEmail(row), detail, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(row.Email.Split(':')[3], detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Without_keys_the_first_rows_by_primary_key_are_read_and_the_table_shows_them()
    {
        var rows = await _sample.RowsAsync();

        var result = await _sample.Cli("decrypt", "demo", "customers", "-c", "email", "--limit", "3");

        Assert.True(result.ExitCode == 0, result.Error);
        foreach (var row in rows.Take(3))
        {
            Assert.Contains(_sample.GeneratedEmail(row), result.Output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(_sample.GeneratedEmail(rows[3]), result.Output, StringComparison.Ordinal);
        var (_, _, detail) = await _sample.LastAuditAsync("decrypt");
        using var audited = JsonDocument.Parse(detail);
        Assert.Equal(3, audited.RootElement.GetProperty("rows").GetInt32());
        Assert.Equal("limit", audited.RootElement.GetProperty("selectedBy").GetString());
    }

    [Fact]
    public async Task A_tampered_value_is_refused_without_printing_or_logging_any_value()
    {
        var rows = await _sample.RowsAsync();
        var victim = rows[^1];
        var parts = victim.Email.Split(':');
        var payload = Convert.FromBase64String(parts[3]);
        payload[14] ^= 1;
        var tampered = $"{parts[0]}:{parts[1]}:{parts[2]}:{Convert.ToBase64String(payload)}";
        await _sample.ExecuteAsync("UPDATE demo.customers SET email = @tampered WHERE id = @id", new NpgsqlParameter("tampered", tampered), new NpgsqlParameter("id", victim.Id));
        try
        {
            var result = await _sample.Cli("decrypt", "demo", "customers", "-c", "email", "-k", victim.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", rows[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

            Assert.Equal(6, result.ExitCode);
            Assert.Contains("does not authenticate", result.Error, StringComparison.Ordinal);
            Assert.Equal("", result.Output);
            foreach (var text in new[] { result.Error, (await _sample.LastAuditAsync("decrypt.refused")).Detail })
            {
                Assert.DoesNotContain(parts[3][..16], text, StringComparison.Ordinal);
                Assert.DoesNotContain(Convert.ToBase64String(payload)[..16], text, StringComparison.Ordinal);
                Assert.DoesNotContain(_sample.GeneratedEmail(victim), text, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(_sample.GeneratedEmail(rows[0]), text, StringComparison.OrdinalIgnoreCase);
            }

            await _sample.ExecuteAsync("UPDATE demo.customers SET email = 'leaked@example.com' WHERE id = @id", new NpgsqlParameter("id", victim.Id));
            var notEncrypted = await _sample.Cli("decrypt", "demo", "customers", "-c", "email", "-k", victim.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(6, notEncrypted.ExitCode);
            Assert.Contains("not an enc:v1 value", notEncrypted.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("leaked", notEncrypted.Error + notEncrypted.Output, StringComparison.Ordinal);
        }
        finally
        {
            await _sample.ExecuteAsync("UPDATE demo.customers SET email = @email WHERE id = @id", new NpgsqlParameter("email", victim.Email), new NpgsqlParameter("id", victim.Id));
        }
    }

    [Fact]
    public async Task Plain_hashed_and_unknown_columns_and_unknown_sources_are_refused_with_their_exit_codes()
    {
        var audited = await _sample.ScalarAsync<long>("SELECT count(*) FROM daedalus.audit_log WHERE action LIKE 'decrypt%'");
        var plain = await _sample.Cli("decrypt", "demo", "customers", "-c", "name");
        Assert.Equal(2, plain.ExitCode);
        Assert.Contains("is not protected", plain.Error, StringComparison.Ordinal);

        var hashed = await _sample.Cli("decrypt", "demo", "customers", "-c", "phone");
        Assert.Equal(2, hashed.ExitCode);
        Assert.Contains("hashed", hashed.Error, StringComparison.Ordinal);

        var key = await _sample.Cli("decrypt", "demo", "customers", "-c", "id");
        Assert.Equal(2, key.ExitCode);

        Assert.Equal(4, (await _sample.Cli("decrypt", "demo", "customers", "-c", "nope")).ExitCode);
        Assert.Equal(4, (await _sample.Cli("decrypt", "demo", "nope", "-c", "email")).ExitCode);
        Assert.Equal(4, (await _sample.Cli("decrypt", "nope", "customers", "-c", "email")).ExitCode);
        Assert.Equal(2, (await _sample.Cli("decrypt", "demo", "customers", "-c", "email", "-k", "not-a-number")).ExitCode);
        Assert.Equal(2, (await _sample.Cli("decrypt", "demo", "customers", "-c", "email", "--api-url", "http://127.0.0.1:9/")).ExitCode);

        // Refused before any value was read: nothing decrypted, so nothing audited.
        Assert.Equal(audited, await _sample.ScalarAsync<long>("SELECT count(*) FROM daedalus.audit_log WHERE action LIKE 'decrypt%'"));

        // A key no row has: an empty read, still audited (with the key it asked for).
        var missing = await _sample.Cli("decrypt", "demo", "customers", "-c", "email", "-k", "99999999");
        Assert.Equal(4, missing.ExitCode);
        Assert.Contains("'99999999'", missing.Error, StringComparison.Ordinal);
        Assert.Contains("99999999", (await _sample.LastAuditAsync("decrypt")).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_key_that_encrypted_the_values_nothing_is_decrypted()
    {
        var rows = await _sample.RowsAsync();
        var id = rows[5].Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var absent = Path.Combine(_sample.Directory, "absent-keys.json");
        var noFile = await _sample.CliWith(new() { ["Daedalus__Security__KeyFile"] = absent }, "decrypt", "demo", "customers", "-c", "email", "-k", id);
        Assert.Equal(6, noFile.ExitCode);
        Assert.Contains("no column key file", noFile.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(absent));

        // Same key id, other material: the values do not authenticate.
        var file = JsonNode.Parse(await File.ReadAllTextAsync(_sample.KeyFile))!;
        var active = file["Active"]!.GetValue<string>();
        file["Keys"]![active] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var forged = Path.Combine(_sample.Directory, "forged-keys.json");
        await File.WriteAllTextAsync(forged, file.ToJsonString());
        var wrong = await _sample.CliWith(new() { ["Daedalus__Security__KeyFile"] = forged }, "decrypt", "demo", "customers", "-c", "email", "-k", id);
        Assert.Equal(6, wrong.ExitCode);
        Assert.Contains("does not authenticate", wrong.Error, StringComparison.Ordinal);
        Assert.Equal("", wrong.Output);

        // Another key file altogether: the key id is unknown.
        var other = new JsonObject { ["Active"] = "kother", ["Keys"] = new JsonObject { ["kother"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) } };
        var otherPath = Path.Combine(_sample.Directory, "other-keys.json");
        await File.WriteAllTextAsync(otherPath, other.ToJsonString());
        var unknown = await _sample.CliWith(new() { ["Daedalus__Security__KeyFile"] = otherPath }, "decrypt", "demo", "customers", "-c", "email", "-k", id);
        Assert.Equal(6, unknown.ExitCode);
        Assert.Contains($"'{active}'", unknown.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(_sample.GeneratedEmail(rows[5]), unknown.Error + unknown.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task When_the_audit_row_cannot_be_written_the_decrypt_is_refused()
    {
        var rows = await _sample.RowsAsync();
        await _sample.ExecuteAsync("ALTER TABLE daedalus.audit_log RENAME TO audit_log_away");
        CliProcess.Result result;
        try
        {
            result = await _sample.Cli("decrypt", "demo", "customers", "-c", "email", "-k", rows[2].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
        }
        finally
        {
            await _sample.ExecuteAsync("ALTER TABLE daedalus.audit_log_away RENAME TO audit_log");
        }

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("audit log could not be written", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Output);
        Assert.DoesNotContain(_sample.GeneratedEmail(rows[2]), result.Error, StringComparison.OrdinalIgnoreCase);
    }

    public sealed record CustomerRow(long Id, string Email, DateTime UpdatedAt);

    /// <summary>One database, key file and config for the class: the sample source applied and synced once.</summary>
    public sealed class SyncedSample : IAsyncLifetime
    {
        private readonly SampleSettings _settings = SampleSettings.From(new SourceDefinition { Name = "demo", Plugin = "sample", Settings = { ["customers"] = "60" } });
        private Dictionary<string, string> _environment = null!;

        public string Directory { get; private set; } = null!;

        public string ConnectionString { get; private set; } = null!;

        public string KeyFile => Path.Combine(Directory, "keys.json");

        public async Task InitializeAsync()
        {
            ConnectionString = await PostgresServer.CreateDatabaseAsync("decrypt");
            Directory = Path.Combine(Path.GetTempPath(), "daedalus-tests", "decrypt-" + Guid.NewGuid().ToString("N"));
            System.IO.Directory.CreateDirectory(Path.Combine(Directory, "config"));
            await File.WriteAllTextAsync(Path.Combine(Directory, "config", "daedalus.yaml"), """
                version: 1
                sources:
                  demo:
                    plugin: sample
                    schedule: "0 */5 * * * *"
                    settings: { customers: 60 }
                    streams:
                      customers:
                        target: { schema: demo, table: customers }
                        protect: { email: encrypt, phone: hash }
                """);
            _environment = new()
            {
                ["Daedalus__Database__ConnectionString"] = ConnectionString,
                ["Daedalus__Security__KeyFile"] = KeyFile,
                ["Daedalus__Security__SecretFile"] = Path.Combine(Directory, "secrets.json"),
            };
            var apply = await Cli("sources", "apply", "config/daedalus.yaml");
            Assert.True(apply.ExitCode == 0, apply.Error);
            var sync = await Cli("sync", "demo");
            Assert.True(sync.ExitCode == 0, sync.Error + sync.Output);
        }

        public Task DisposeAsync()
        {
            System.IO.Directory.Delete(Directory, recursive: true);
            return Task.CompletedTask;
        }

        public Task<CliProcess.Result> Cli(params string[] args) => CliWith([], args);

        public Task<CliProcess.Result> CliWith(Dictionary<string, string> overrides, params string[] args)
        {
            var environment = new Dictionary<string, string>(_environment);
            foreach (var (name, value) in overrides)
            {
                environment[name] = value;
            }

            return CliProcess.RunAsync(environment, Directory, args);
        }

        /// <summary>The email the sample source generated for this row, from its id and the generation its <c>updated_at</c> encodes.</summary>
        public string GeneratedEmail(CustomerRow row)
        {
            var (generation, id) = SampleData.Position(new DateTimeOffset(DateTime.SpecifyKind(row.UpdatedAt, DateTimeKind.Utc)));
            Assert.Equal(row.Id, id);
            return (string)SampleData.Customer(_settings, generation, row.Id)[2]!;
        }

        public async Task<List<CustomerRow>> RowsAsync()
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT id, email, updated_at FROM demo.customers ORDER BY id", connection);
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<CustomerRow>();
            while (await reader.ReadAsync())
            {
                rows.Add(new CustomerRow(reader.GetInt64(0), reader.GetString(1), reader.GetDateTime(2)));
            }

            Assert.True(rows.Count > 20);
            Assert.All(rows, r => Assert.StartsWith("enc:v1:", r.Email, StringComparison.Ordinal));
            return rows;
        }

        public async Task<T> ScalarAsync<T>(string sql)
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            return (T)(await command.ExecuteScalarAsync())!;
        }

        public async Task ExecuteAsync(string sql, params NpgsqlParameter[] parameters)
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddRange(parameters);
            await command.ExecuteNonQueryAsync();
        }

        public async Task<(string Actor, string Target, string Detail)> LastAuditAsync(string action)
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT actor, target, detail::text FROM daedalus.audit_log WHERE action = @action ORDER BY id DESC LIMIT 1", connection);
            command.Parameters.AddWithValue("action", action);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync(), $"no audit row for {action}");
            return (reader.GetString(0), reader.GetString(1), reader.GetString(2));
        }
    }
}
