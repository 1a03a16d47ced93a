using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace Daedalus.Tests.Grafana;

/// <summary>
/// Every SQL query of the provisioned dashboards, expanded as Grafana would with the dashboard's default time
/// range, runs against a migrated and seeded PostgreSQL and returns rows.
/// </summary>
public sealed partial class DashboardQueryTests : IClassFixture<SeededDashboardDatabase>
{
    private readonly SeededDashboardDatabase _database;

    public DashboardQueryTests(SeededDashboardDatabase database) => _database = database;

    public static TheoryData<string, string> PanelQueries() => Data(d => d.Panels());

    public static TheoryData<string, string> VariableQueries() => Data(d => d.Variables());

    [Theory]
    [MemberData(nameof(PanelQueries))]
    public async Task Panel_query_succeeds_and_returns_rows(string dashboard, string query)
    {
        var file = DashboardFile.Load(dashboard);
        var panel = file.Panels().Single(q => q.Name == query);
        var (from, to) = DefaultRange(file);
        var expander = new GrafanaSqlExpander(from, to, Interval(from, to, panel.MinInterval), await ResolveVariablesAsync(file, from, to));
        var sql = expander.Expand(panel.RawSql);

        var (columns, rows) = await RunAsync(sql);

        Assert.True(rows > 0, $"{dashboard} {query} returned no rows:\n{sql}");
        if (panel.Format == "time_series")
        {
            // Grafana needs a time column to build a time series frame.
            Assert.Contains("time", columns);
        }
    }

    /// <summary>Amounts in EUR, GBP and USD are never added: a money panel returns one row or series per currency.</summary>
    [Theory]
    [MemberData(nameof(PanelQueries))]
    public async Task Panel_does_not_add_amounts_of_different_currencies(string dashboard, string query)
    {
        var file = DashboardFile.Load(dashboard);
        var panel = file.Panels().Single(q => q.Name == query);
        if (!panel.RawSql.Contains("'invoice_amount'", StringComparison.Ordinal) || !panel.RawSql.Contains("p.sum", StringComparison.Ordinal))
        {
            return;
        }

        var (from, to) = DefaultRange(file);
        var sql = new GrafanaSqlExpander(from, to, Interval(from, to, panel.MinInterval), await ResolveVariablesAsync(file, from, to)).Expand(panel.RawSql);
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        var rows = (await connection.QueryAsync(sql)).Cast<IDictionary<string, object?>>().ToList();
        var key = panel.Format == "time_series" ? "metric" : "currency";
        Assert.True(rows.Count > 0 && rows[0].ContainsKey(key), $"{dashboard} {query} has no '{key}' column: it adds amounts of every currency");
        var currencies = rows.Select(r => (string)r[key]!).Distinct().ToList();
        Assert.True(currencies.Count >= 2, $"{dashboard} {query}: the seeded data has several currencies");
        var time = rows[0].ContainsKey("time") && panel.Format == "time_series" ? "time" : null;
        Assert.Equal(rows.Count, rows.Select(r => (time is null ? "" : Convert.ToString(r[time], CultureInfo.InvariantCulture)) + "|" + r[key] + "|" + (r.TryGetValue("day", out var day) ? day : "")).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(VariableQueries))]
    public async Task Variable_query_succeeds_and_returns_values(string dashboard, string query)
    {
        var file = DashboardFile.Load(dashboard);
        var (from, to) = DefaultRange(file);
        var variables = await ResolveVariablesAsync(file, from, to);

        Assert.NotEmpty(variables[query["variable ".Length..]].Values);
    }

    [Fact]
    public void Every_query_uses_the_provisioned_postgres_data_source()
    {
        var provisioning = File.ReadAllText(Path.Combine(DashboardFile.Directory, "provisioning", "datasources", "postgres.yaml"));
        var uid = ProvisionedUid().Match(provisioning);
        Assert.True(uid.Success, "postgres.yaml sets no fixed uid");

        var queries = DashboardFile.Names.Select(DashboardFile.Load).SelectMany(f => f.Panels().Concat(f.Variables())).ToList();
        Assert.NotEmpty(queries);
        Assert.All(queries, q => Assert.True(q.DatasourceUid == uid.Groups[1].Value, $"{q.Dashboard} {q.Name} uses data source '{q.DatasourceUid}'"));
    }

    private static TheoryData<string, string> Data(Func<DashboardFile, IEnumerable<DashboardQuery>> select)
    {
        var data = new TheoryData<string, string>();
        foreach (var name in DashboardFile.Names)
        {
            foreach (var query in select(DashboardFile.Load(name)))
            {
                data.Add(name, query.Name);
            }
        }

        return data;
    }

    /// <summary>The dashboard's default range ("now-2y" to now).</summary>
    internal static (DateTimeOffset From, DateTimeOffset To) DefaultRange(DashboardFile file)
    {
        var to = DateTimeOffset.UtcNow;
        var match = RelativeTime().Match(file.TimeFrom);
        Assert.True(match.Success, $"{file.Name}: time.from '{file.TimeFrom}' is not now-<n><unit>");
        var n = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var from = match.Groups[2].Value switch
        {
            "y" => to.AddYears(-n),
            "M" => to.AddMonths(-n),
            "w" => to.AddDays(-7 * n),
            "d" => to.AddDays(-n),
            "h" => to.AddHours(-n),
            _ => to.AddMinutes(-n),
        };
        return (from, to);
    }

    /// <summary>Grafana's $__interval: the range over ~1,000 data points, rounded up to a common step, at least the panel's min interval.</summary>
    internal static TimeSpan Interval(DateTimeOffset from, DateTimeOffset to, TimeSpan? minInterval)
    {
        var raw = (to - from) / 1000;
        string[] steps = ["1s", "5s", "10s", "15s", "30s", "1m", "5m", "10m", "15m", "30m", "1h", "3h", "6h", "12h", "1d", "7d", "30d"];
        var interval = steps.Select(GrafanaSqlExpander.ParseInterval).FirstOrDefault(s => s >= raw, TimeSpan.FromDays(30));
        return minInterval is { } min && min > interval ? min : interval;
    }

    /// <summary>Runs the variable queries in order; like the dashboard default ("All"), every returned value is selected.</summary>
    private async Task<Dictionary<string, GrafanaVariableValue>> ResolveVariablesAsync(DashboardFile file, DateTimeOffset from, DateTimeOffset to)
    {
        var values = new Dictionary<string, GrafanaVariableValue>();
        foreach (var variable in file.Variables())
        {
            var name = variable.Name["variable ".Length..];
            var sql = new GrafanaSqlExpander(from, to, Interval(from, to, null), values).Expand(variable.RawSql);
            await using var connection = new NpgsqlConnection(_database.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            var list = new List<string>();
            while (await reader.ReadAsync())
            {
                list.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
            }

            values[name] = new GrafanaVariableValue(list, file.IsMultiValue(name));
        }

        return values;
    }

    private async Task<(List<string> Columns, int Rows)> RunAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = 0;
        while (await reader.ReadAsync())
        {
            rows++;
        }

        return (columns, rows);
    }

    [GeneratedRegex(@"^\s*uid:\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex ProvisionedUid();

    [GeneratedRegex(@"^now-(\d+)([smhdwMy])$")]
    private static partial Regex RelativeTime();
}
