using Daedalus.Client;
using Dapper;
using Npgsql;

namespace Daedalus.Scheduling;

/// <summary>Sources that carry a retirement time, soonest first: the upcoming ones and those already retired.</summary>
public sealed class SourceRetirementReader
{
    private readonly NpgsqlDataSource _dataSource;

    public SourceRetirementReader(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
    }

    public async Task<IReadOnlyList<SourceRetirement>> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Name, DateTime RetireAt, DateTime? RetiredAt)>(new CommandDefinition(
            """
            SELECT name, (definition ->> 'retireAt')::timestamptz AS retire_at, retired_at FROM daedalus.sources
            WHERE definition ->> 'retireAt' IS NOT NULL ORDER BY 2, name
            """,
            cancellationToken: cancellationToken));
        return rows.Select(r => new SourceRetirement(r.Name, Utc(r.RetireAt), r.RetiredAt is { } retired ? Utc(retired) : null)).ToList();
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
