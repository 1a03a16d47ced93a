using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Daedalus.Client;
using Dapper;
using Npgsql;

namespace Daedalus.Tests.Grafana;

/// <summary>
/// The HTTP dashboards executed for real: each Infinity panel's URL and parameters (with Grafana's
/// <c>${__from}</c>, <c>${__to}</c>, <c>${__interval}</c> filled in for the default range) go to a running API with
/// the read key in the header the provisioned data source sends; the panel's root selector, columns and
/// transformations are applied to the answer, and the numbers are compared with the database and with /status.
/// </summary>
public sealed partial class InfinityDashboardTests : IClassFixture<SeededApiServer>
{
    private readonly SeededApiServer _api;

    public InfinityDashboardTests(SeededApiServer api) => _api = api;

    public static TheoryData<string, string> Panels()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in DashboardFile.HttpNames)
        {
            foreach (var query in InfinityPanelQuery.From(DashboardFile.Load(name)))
            {
                data.Add(name, query.Panel);
            }
        }

        return data;
    }

    [Fact]
    public void Every_http_panel_uses_the_provisioned_infinity_data_source()
    {
        var provisioning = File.ReadAllText(Path.Combine(DashboardFile.Directory, "provisioning", "datasources", "daedalus-api.yaml"));
        Assert.Contains("type: yesoreyeram-infinity-datasource", provisioning, StringComparison.Ordinal);
        // The key is a secure field (encrypted, never sent to the browser), not a plain header value or URL parameter.
        Assert.Matches(@"secureJsonData:\s+httpHeaderValue1: \$\{DAEDALUS_API_KEY\}", provisioning);
        var uid = Regex.Match(provisioning, @"^\s*uid:\s*(\S+)\s*$", RegexOptions.Multiline).Groups[1].Value;

        var queries = DashboardFile.HttpNames.SelectMany(n => InfinityPanelQuery.From(DashboardFile.Load(n))).ToList();
        Assert.NotEmpty(queries);
        Assert.All(queries, q => Assert.Equal(uid, q.DatasourceUid));
    }

    [Theory]
    [MemberData(nameof(Panels))]
    public async Task Http_panel_query_answers_and_fills_every_column(string dashboard, string panel)
    {
        var query = Query(dashboard, panel);

        var rows = await RunAsync(query);

        Assert.True(rows.Count > 0, $"{query} returned no rows");
        foreach (var column in query.Columns)
        {
            Assert.True(rows.Any(r => r[column.Text] is not null), $"{query}: column '{column.Selector}' is empty in every row");
        }
    }

    [Fact]
    public async Task Invoice_total_is_one_sum_per_currency_equal_to_the_database()
    {
        var query = Query(DashboardFile.HttpNames[0], "Invoice total");
        var (from, to) = DashboardQueryTests.DefaultRange(DashboardFile.Load(query.Dashboard));

        var frames = InfinityFrameReader.Partition(await RunAsync(query, from, to), query.PartitionBy);
        Assert.Equal(["sum"], query.Calcs);
        var shown = frames.ToDictionary(f => (string)f.Select(r => r["currency"]).Distinct().Single()!, f => f.Sum(r => (double?)r["total"] ?? 0));

        await using var connection = new NpgsqlConnection(_api.Server.ConnectionString);
        var expected = (await connection.QueryAsync<(string Currency, decimal Total)>(
            """
            SELECT s.labels->>'currency', sum(p.sum) FROM daedalus.metric_points p JOIN daedalus.metric_series s ON s.id = p.series_id
            WHERE s.name = 'invoice_amount' AND p.ts >= @from AND p.ts < @to GROUP BY 1
            """,
            new { from = from.UtcDateTime, to = to.UtcDateTime })).ToDictionary(r => r.Currency, r => (double)r.Total);
        Assert.True(expected.Count >= 2, "the sample data has invoices in more than one currency");
        Assert.Equal(expected.Keys.Order(), shown.Keys.Order());
        Assert.All(expected, e => Assert.Equal(e.Value, shown[e.Key], 2));
    }

    [Fact]
    public async Task No_http_panel_adds_amounts_of_different_currencies()
    {
        var money = DashboardFile.HttpNames.SelectMany(n => InfinityPanelQuery.From(DashboardFile.Load(n)))
            .Where(q => q.HasParam("metric") && q.Label("metric") == "invoice_amount").ToList();
        Assert.NotEmpty(money);
        foreach (var query in money)
        {
            var filtered = query.HasParam("labels") && query.Label("labels").Contains("currency=", StringComparison.Ordinal);
            Assert.True(filtered || query.PartitionBy.Contains("currency"), $"{query} neither filters nor partitions by currency");
            var rows = await RunAsync(query);
            foreach (var frame in InfinityFrameReader.Partition(rows, query.PartitionBy))
            {
                // One frame is one series or one stat value: it must hold one currency only.
                Assert.Single(frame.Select(r => r.GetValueOrDefault("currency") ?? Labels(query)).Distinct());
            }
        }
    }

    [Fact]
    public async Task Lag_per_source_shows_the_status_lag_of_enabled_sources_largest_first()
    {
        var query = Query(DashboardFile.HttpNames[0], "Lag per source");
        using var http = _api.Server.Http(null);
        var answer = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/v1/status", UriKind.Relative))).RootElement;
        var status = answer.Deserialize<StatusReport>(DaedalusJson.Options)!;

        var rows = InfinityFrameReader.Rows(answer, query.RootSelector, query.Columns)
            .OrderByDescending(r => (double?)r[query.SortByDescending!]).ToList();

        var expected = status.Sources.Where(s => s.Enabled).OrderByDescending(s => s.LagSeconds).ToList();
        Assert.Equal(expected.Select(s => s.Name), rows.Select(r => (string)r["source"]!));
        Assert.Equal(expected.Select(s => s.LagSeconds), rows.Select(r => (double)r["lag"]!));
        Assert.DoesNotContain(rows, r => (string)r["source"]! == "paused");
        Assert.Equal("stale", rows[0]["source"]);
        Assert.True((double)rows[0]["lag"]! > 29 * 86400, "the stale source's lag counts from its expected run 30 days ago");
    }

    private static string Labels(InfinityPanelQuery query) => query.HasParam("labels") ? query.Label("labels") : "";

    private static InfinityPanelQuery Query(string dashboard, string panel) =>
        InfinityPanelQuery.From(DashboardFile.Load(dashboard)).Single(q => q.Panel == panel);

    private Task<List<Dictionary<string, object?>>> RunAsync(InfinityPanelQuery query)
    {
        var (from, to) = DashboardQueryTests.DefaultRange(DashboardFile.Load(query.Dashboard));
        return RunAsync(query, from, to);
    }

    /// <summary>Sends the panel's request as the provisioned data source does (read key in X-Api-Key) and frames the answer.</summary>
    private async Task<List<Dictionary<string, object?>>> RunAsync(InfinityPanelQuery query, DateTimeOffset from, DateTimeOffset to)
    {
        var interval = GrafanaSqlExpander.FormatInterval(DashboardQueryTests.Interval(from, to, null));
        string Fill(string value) => value
            .Replace("${__from}", from.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("${__to}", to.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("${__interval}", interval, StringComparison.Ordinal);
        var parameters = string.Join("&", query.Params.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(Fill(p.Value))}"));
        Assert.DoesNotContain("$", parameters, StringComparison.Ordinal);

        using var http = _api.Server.Http(null);
        http.DefaultRequestHeaders.Add("X-Api-Key", _api.Server.ReadKey);
        using var response = await http.GetAsync(new Uri(query.Url + (parameters.Length > 0 ? "?" + parameters : ""), UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {body}");
        using var document = JsonDocument.Parse(body);
        return InfinityFrameReader.Rows(document.RootElement, query.RootSelector, query.Columns);
    }
}
