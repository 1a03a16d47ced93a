using System.Text.Json;
using Daedalus.Client;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Api;

/// <summary>
/// Money stays exact on its way out: time-series points are numeric in PostgreSQL, <see cref="ExactNumber"/> in C# and
/// plain JSON numbers on the wire, so sums whose binary floating-point sum is noisy (0.1 + 0.2, 468712.94 in three
/// parts), amounts with more digits than a double holds and values past decimal's 28 digits or scale are answered as
/// the exact decimal text.
/// </summary>
public sealed class ExactSeriesValueTests : IAsyncLifetime
{
    private ApiServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync("api_exact");
        await _server.ScalarAsync<int>("""
            WITH s AS (
                INSERT INTO daedalus.metric_series (name, labels) VALUES
                    ('money', '{"case":"tenths"}'), ('money', '{"case":"parts"}'), ('money', '{"case":"wide"}'),
                    ('money', '{"case":"huge"}'), ('money', '{"case":"tiny"}')
                RETURNING id, labels->>'case' AS c)
            INSERT INTO daedalus.metric_points (series_id, ts, sum, count, min, max)
            SELECT s.id, v.ts, v.amount, 1, v.amount, v.amount
            FROM s JOIN (VALUES
                ('tenths', TIMESTAMPTZ '2025-03-01 01:00Z', 0.1), ('tenths', TIMESTAMPTZ '2025-03-01 02:00Z', 0.2),
                ('parts', TIMESTAMPTZ '2025-03-01 01:00Z', 100000.01), ('parts', TIMESTAMPTZ '2025-03-01 02:00Z', 200000.02), ('parts', TIMESTAMPTZ '2025-03-01 03:00Z', 168712.91),
                ('wide', TIMESTAMPTZ '2025-03-01 01:00Z', 123456789012345678.91), ('wide', TIMESTAMPTZ '2025-03-01 02:00Z', 0.01),
                ('huge', TIMESTAMPTZ '2025-03-01 01:00Z', 12345678901234567890123456789.5), ('huge', TIMESTAMPTZ '2025-03-01 02:00Z', 0.25),
                ('tiny', TIMESTAMPTZ '2025-03-01 01:00Z', 0.00000000000000000000000000000001), ('tiny', TIMESTAMPTZ '2025-03-01 02:00Z', 0.00000000000000000000000000000002)
            ) AS v(c, ts, amount) ON v.c = s.c;
            SELECT 1
            """);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("sum", "tenths", "0.3")]
    [InlineData("sum", "parts", "468712.94")]
    [InlineData("sum", "wide", "123456789012345678.92")]
    [InlineData("avg", "tenths", "0.15")]
    [InlineData("avg", "parts", "156237.646666666667")]
    [InlineData("avg", "wide", "61728394506172839.46")]
    [InlineData("max", "wide", "123456789012345678.91")]
    [InlineData("min", "tenths", "0.1")]
    [InlineData("count", "parts", "3")]
    // Past decimal: 31 significant digits, and a scale of 32 (decimal holds 28-29 digits and a scale of at most 28).
    [InlineData("sum", "huge", "12345678901234567890123456789.75")]
    // A mean is PostgreSQL's numeric division (what avg() answers in SQL and Grafana's SQL panels): the sum's scale of
    // 2 here, rounded half away from zero; the 28 digits before the point are all kept.
    [InlineData("avg", "huge", "6172839450617283945061728394.88")]
    [InlineData("max", "huge", "12345678901234567890123456789.5")]
    [InlineData("sum", "tiny", "0.00000000000000000000000000000003")]
    [InlineData("min", "tiny", "0.00000000000000000000000000000001")]
    public async Task A_day_of_points_is_answered_as_the_exact_decimal(string aggregate, string series, string expected)
    {
        using var http = _server.Http(_server.ReadKey);
        var body = await http.GetStringAsync($"{ApiPaths.TimeseriesPoints}?metric=money&labels=case={series}&from=2025-03-01T00:00:00Z&to=2025-03-02T00:00:00Z&step=1d&aggregate={aggregate}");

        using var json = JsonDocument.Parse(body);
        var value = Assert.Single(json.RootElement.GetProperty("points").EnumerateArray()).GetProperty("value");
        Assert.Equal(JsonValueKind.Number, value.ValueKind);
        Assert.Equal(expected, value.GetRawText());
        var points = await _server.Client(_server.ReadKey).GetPointsAsync("money", DateTimeOffset.Parse("2025-03-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse("2025-03-02T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), "1d", aggregate, new Dictionary<string, string> { ["case"] = series });
        Assert.Equal(expected, points.Points[0].Value?.Text);
    }
}
