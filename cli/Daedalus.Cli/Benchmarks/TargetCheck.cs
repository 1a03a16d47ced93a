using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Daedalus.Configuration;
using Daedalus.Ingest;
using Daedalus.Security;
using Daedalus.Sources;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Dapper;
using Npgsql;

namespace Daedalus.Cli.Benchmarks;

/// <summary>
/// The bench's self-check, untimed: replays the sample source's generations (QA rules as configured, the merge's
/// rules for updates and deletes) into the state the target table must hold, then reads the table back in key order
/// (decrypting email, re-hashing phone) and compares row counts, the quarantine count and an XXH128 checksum over
/// every value of both sides. Throws, naming only ids, when anything differs.
/// </summary>
public sealed class TargetCheck
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ColumnProtector _protector;

    public TargetCheck(NpgsqlDataSource dataSource, ColumnProtector protector)
    {
        _dataSource = dataSource;
        _protector = protector;
    }

    /// <summary>Checks <c>{schema}.customers</c> after generations 0..<paramref name="lastGeneration"/> of <paramref name="source"/>.</summary>
    public async Task<string> VerifyAsync(SourceDefinition source, string schema, long lastGeneration, CancellationToken cancellationToken)
    {
        var settings = SampleSettings.From(source);
        var stream = source.Streams.Single(s => s.Name == "customers");
        var plugin = new SampleSourcePlugin();
        var columns = (await plugin.DescribeAsync(null!, stream, cancellationToken)).Columns;
        var rules = stream.Qa.Select(r => QaRule.Bind(r, new StreamSchema("customers", columns, ["id"], "updated_at"))).ToList();
        using var bound = await _protector.BindAsync(cancellationToken);

        var expected = new XxHash128();
        var actual = new XxHash128();
        long expectedRows = 0, expectedDeleted = 0, expectedQuarantined = 0, actualRows = 0, actualDeleted = 0, mismatches = 0;
        long? firstMismatch = null;

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var quarantined = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM daedalus.quarantine WHERE source = @name", new { name = source.Name });
        await using var command = new NpgsqlCommand(
            $"SELECT id, name, email, phone, country, status, signup_date, updated_at, _daedalus_deleted_at IS NOT NULL FROM {SqlIdentifier.Quote(schema)}.customers ORDER BY id",
            connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var hasRow = await reader.ReadAsync(cancellationToken);
        for (long id = 1; id <= settings.Customers; id++)
        {
            // The state the merge must leave for this id after every generation.
            object?[]? state = null;
            var deleted = false;
            for (long g = 0; g <= lastGeneration; g++)
            {
                var change = SampleData.ChangeOf(settings, g, id, 11);
                if (change == RowChange.None)
                {
                    continue;
                }

                var values = SampleData.Customer(settings, g, id);
                if (change == RowChange.Delete)
                {
                    (state, deleted) = (state ?? values, true);
                }
                else if (rules.All(r => r.Check(values) is null))
                {
                    (state, deleted) = (values, false);
                }
                else
                {
                    expectedQuarantined++;
                }
            }

            string? want = null;
            if (state is not null)
            {
                expectedRows++;
                expectedDeleted += deleted ? 1 : 0;
                want = Canonical(id, (string)state[1]!, (string)state[2]!, bound.Hash((string)state[3]!), (string)state[4]!, (string)state[5]!, (DateOnly)state[6]!, (DateTimeOffset)state[7]!, deleted);
                Append(expected, want);
            }

            string? got = null;
            if (hasRow && reader.GetInt64(0) == id)
            {
                actualRows++;
                var gotDeleted = reader.GetBoolean(8);
                actualDeleted += gotDeleted ? 1 : 0;
                var email = await _protector.DecryptAsync(reader.GetString(2), cancellationToken);
                got = Canonical(id, reader.GetString(1), email, reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetFieldValue<DateOnly>(6), reader.GetFieldValue<DateTimeOffset>(7), gotDeleted);
                Append(actual, got);
                hasRow = await reader.ReadAsync(cancellationToken);
            }

            if (want != got)
            {
                mismatches++;
                firstMismatch ??= id;
            }
        }

        while (hasRow)
        {
            // Rows the source never produced.
            actualRows++;
            mismatches++;
            firstMismatch ??= reader.GetInt64(0);
            hasRow = await reader.ReadAsync(cancellationToken);
        }

        var want128 = Convert.ToHexStringLower(expected.GetCurrentHash());
        var got128 = Convert.ToHexStringLower(actual.GetCurrentHash());
        if (mismatches > 0 || actualRows != expectedRows || actualDeleted != expectedDeleted || quarantined != expectedQuarantined || want128 != got128)
        {
            throw new InvalidOperationException(
                $"bench self-check FAILED for {schema}.customers: rows {actualRows:N0} (expected {expectedRows:N0}), deleted {actualDeleted:N0} (expected {expectedDeleted:N0}), " +
                $"quarantined {quarantined:N0} (expected {expectedQuarantined:N0}), {mismatches:N0} rows differ (first id {firstMismatch}), checksum {got128} (expected {want128})");
        }

        return $"{actualRows:N0} rows ({actualDeleted:N0} deleted) + {quarantined:N0} quarantined, XXH128 {got128[..12]} = source";
    }

    private static string Canonical(long id, string name, string email, string phoneHash, string country, string status, DateOnly signup, DateTimeOffset updated, bool deleted) =>
        string.Create(CultureInfo.InvariantCulture, $"{id}\u001f{name}\u001f{email}\u001f{phoneHash}\u001f{country}\u001f{status}\u001f{signup:yyyy-MM-dd}\u001f{updated.UtcTicks}\u001f{deleted}\u001e");

    private static void Append(XxHash128 hash, string canonical) => hash.Append(Encoding.UTF8.GetBytes(canonical));
}
