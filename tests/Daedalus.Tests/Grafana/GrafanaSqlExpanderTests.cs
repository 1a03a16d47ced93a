namespace Daedalus.Tests.Grafana;

/// <summary>The expander writes what Grafana's PostgreSQL macro engine and SQL variable interpolation write.</summary>
public sealed class GrafanaSqlExpanderTests
{
    private static readonly DateTimeOffset From = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2025, 1, 2, 9, 4, 5, 250, TimeSpan.Zero);

    private static GrafanaSqlExpander Expander() => new(From, To, TimeSpan.FromMinutes(5), new Dictionary<string, GrafanaVariableValue>
    {
        ["source"] = new(["sample", "o'brien"], Quoted: true),
        ["limit"] = new(["10"], Quoted: false),
    });

    [Fact]
    public void Time_macros_expand_like_grafana()
    {
        var sql = Expander().Expand("SELECT $__timeGroupAlias(t.at, $__interval), $__timeGroup(t.at, '1h') FROM x t WHERE $__timeFilter(t.at) AND b > $__timeFrom() AND b < $__timeTo() AND $__unixEpochFilter(e)");

        Assert.Equal(
            "SELECT floor(extract(epoch from t.at)/300)*300 AS \"time\", floor(extract(epoch from t.at)/3600)*3600 FROM x t "
            + "WHERE t.at BETWEEN '2025-01-02T03:04:05Z' AND '2025-01-02T09:04:05.25Z' AND b > '2025-01-02T03:04:05Z' AND b < '2025-01-02T09:04:05.25Z' "
            + "AND e >= 1735787045 AND e <= 1735808645",
            sql);
    }

    [Fact]
    public void Variables_expand_as_quoted_lists_when_multi_valued()
    {
        Assert.Equal(
            "s IN ('sample','o''brien') AND s2 IN ('sample','o''brien') LIMIT 10 /* 300000 sample,o'brien */",
            Expander().Expand("s IN ($source) AND s2 IN (${source:sqlstring}) LIMIT $limit /* $__interval_ms ${source:csv} */"));
    }

    [Fact]
    public void Unknown_variables_and_macros_are_errors()
    {
        Assert.Contains("$sorce", Assert.Throws<InvalidOperationException>(() => Expander().Expand("s IN ($sorce)")).Message, StringComparison.Ordinal);
        Assert.Contains("$__timeFiltre", Assert.Throws<InvalidOperationException>(() => Expander().Expand("WHERE $__timeFiltre(at)")).Message, StringComparison.Ordinal);
    }
}
