using System.Net;
using Daedalus.Configuration;
using Daedalus.Sources;
using Daedalus.Sources.Snowflake;

namespace Daedalus.Tests.Sources.Snowflake;

public sealed class SnowflakeConfigTests
{
    private readonly SnowflakeSourcePlugin _plugin = new();

    private static SourceDefinition Source(Action<Dictionary<string, string>>? stream = null, Action<SourceDefinition>? source = null)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["table"] = "orders", ["watermark"] = "updated_at" };
        stream?.Invoke(settings);
        var definition = new SourceDefinition
        {
            Name = "wh",
            Plugin = "snowflake",
            Settings = new(StringComparer.OrdinalIgnoreCase) { ["account"] = "myorg-acct", ["user"] = "loader" },
            Streams = { new StreamDefinition { Name = "orders", PrimaryKey = ["id"], Settings = settings, Target = new TargetTable { Schema = "s", Table = "orders" } } },
        };
        source?.Invoke(definition);
        return definition;
    }

    [Fact]
    public void A_complete_source_is_valid() => Assert.Empty(_plugin.Validate(Source()));

    [Theory]
    [InlineData("orders; DROP TABLE users")]
    [InlineData("orders where 1=1")]
    [InlineData("\"orders\"\"; --\"")]
    [InlineData("a.b.c.d")]
    [InlineData("1orders")]
    [InlineData("")]
    public void Rejects_table_names_that_are_not_identifiers(string table)
    {
        var errors = _plugin.Validate(Source(s => s["table"] = table)).ToList();
        Assert.Contains(errors, e => e.StartsWith("streams.orders.settings", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sales.public.orders", "\"SALES\".\"PUBLIC\".\"ORDERS\"")]
    [InlineData("Orders", "\"ORDERS\"")]
    [InlineData("\"Mixed Case\".orders", "\"Mixed Case\".\"ORDERS\"")]
    [InlineData("db.\"my-schema\".t$1", "\"DB\".\"my-schema\".\"T$1\"")]
    public void Quotes_table_names_as_Snowflake_resolves_them(string table, string quoted)
    {
        var settings = SnowflakeStreamSettings.From(Source(s => s["table"] = table).Streams[0]);
        Assert.Equal($"SELECT * FROM {quoted} WHERE \"UPDATED_AT\" >= ? ORDER BY \"UPDATED_AT\"", settings.ReadStatement(fromWatermark: true));
        Assert.Equal($"SELECT * FROM {quoted} WHERE 1 = 0", settings.DescribeStatement());
    }

    [Fact]
    public void Rejects_bad_columns_queries_and_missing_keys()
    {
        Assert.Contains(_plugin.Validate(Source(s => s["watermark"] = "updated_at > 0")), e => e.Contains("settings.watermark", StringComparison.Ordinal));
        Assert.Contains(_plugin.Validate(Source(s => s["deletedColumn"] = "x or 1=1")), e => e.Contains("settings.deletedColumn", StringComparison.Ordinal));
        Assert.Contains(_plugin.Validate(Source(s => s["query"] = "SELECT 1")), e => e.Contains("exactly one of table or query", StringComparison.Ordinal));
        Assert.Contains(_plugin.Validate(Source(s => { s.Remove("table"); s["query"] = "DELETE FROM orders"; })), e => e.Contains("single SELECT", StringComparison.Ordinal));
        Assert.Contains(_plugin.Validate(Source(s => { s.Remove("table"); s["query"] = "SELECT 1; DROP TABLE t"; })), e => e.Contains("no ';'", StringComparison.Ordinal));
        Assert.Contains(_plugin.Validate(Source(s => s.Remove("watermark"))), e => e.Contains("settings.watermark: is required", StringComparison.Ordinal));
        Assert.Contains(_plugin.Validate(Source(source: d => d.Streams[0].PrimaryKey.Clear())), e => e.Contains("primaryKey: is required", StringComparison.Ordinal));
    }

    [Fact]
    public void A_full_stream_needs_no_watermark_and_a_query_is_wrapped_as_a_subquery()
    {
        var source = Source(s => { s.Remove("table"); s.Remove("watermark"); s["query"] = "WITH x AS (SELECT 1 AS id) SELECT * FROM x -- note\n;"; });
        source.Streams[0].Mode = SyncMode.Full;

        Assert.Empty(_plugin.Validate(source));
        Assert.Equal("SELECT * FROM (\nWITH x AS (SELECT 1 AS id) SELECT * FROM x -- note\n) AS \"DAEDALUS_QUERY\"", SnowflakeStreamSettings.From(source.Streams[0]).ReadStatement(false));
    }

    [Fact]
    public void Rejects_bad_source_settings()
    {
        Assert.Contains(_plugin.Validate(Source(source: d => d.Settings.Remove("account"))), e => e.Contains("settings.account: is required", StringComparison.Ordinal));
        Assert.Contains(_plugin.Validate(Source(source: d => d.Settings["account"] = "acct/../evil")), e => e.Contains("settings.account", StringComparison.Ordinal));
        Assert.Contains(_plugin.Validate(Source(source: d => d.Settings.Remove("user"))), e => e.Contains("settings.user: is required", StringComparison.Ordinal));
        Assert.Contains(_plugin.Validate(Source(source: d => d.Settings["auth"] = "password")), e => e.Contains("settings.auth", StringComparison.Ordinal));
        Assert.Contains(_plugin.Validate(Source(source: d => d.Settings["baseUrl"] = "http://example.com")), e => e.Contains("settings.baseUrl", StringComparison.Ordinal));
        Assert.Contains(_plugin.Validate(Source(source: d => d.Settings["timeoutSeconds"] = "0")), e => e.Contains("settings.timeoutSeconds", StringComparison.Ordinal));
        Assert.Empty(_plugin.Validate(Source(source: d => { d.Settings["auth"] = "oauth"; d.Settings.Remove("user"); })));
        Assert.Equal(new Uri("https://myorg-acct.snowflakecomputing.com"), SnowflakeSettings.From(Source()).BaseUrl);
    }

    [Fact]
    public void Describing_maps_names_to_lower_case_and_checks_the_configured_columns()
    {
        var stream = Source(s => s["deletedColumn"] = "is_deleted").Streams[0];
        var settings = SnowflakeStreamSettings.From(stream);
        SnowflakeColumn[] rowType = [new("ID", "fixed", 0, 38), new("UPDATED_AT", "timestamp_ntz", 9), new("IS_DELETED", "boolean"), new("Order Total", "fixed", 2, 10), new("QTY", "fixed", 0, 18)];

        var schema = SnowflakeSourcePlugin.Schema(stream, settings, rowType);

        Assert.Equal(["id", "updated_at", "is_deleted", "order_total", "qty"], schema.Columns.Select(c => c.Name));

        // NUMBER(38,0) (what INT/BIGINT are) can exceed 64 bits, so it loads as numeric; NUMBER(18,0) fits bigint.
        Assert.Equal([ColumnType.Decimal, ColumnType.Timestamp, ColumnType.Boolean, ColumnType.Decimal, ColumnType.Integer], schema.Columns.Select(c => c.Type));
        Assert.Equal("updated_at", schema.CursorField);
        Assert.Equal(["id"], schema.PrimaryKey);
        Assert.Contains("watermark column", Assert.Throws<SourceException>(() => SnowflakeSourcePlugin.Schema(stream, settings, rowType[..1])).Message, StringComparison.Ordinal);
        Assert.Contains("use a number", Assert.Throws<SourceException>(() => SnowflakeSourcePlugin.Schema(stream, settings, [rowType[0], new("UPDATED_AT", "variant"), rowType[2]])).Message, StringComparison.Ordinal);
        Assert.Contains("normalised", Assert.Throws<SourceException>(() => SnowflakeSourcePlugin.Schema(stream, settings, [.. rowType, new("id", "text")])).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "rejected the request")]
    [InlineData(HttpStatusCode.Unauthorized, "rejected the credentials")]
    [InlineData(HttpStatusCode.Forbidden, "lacks access")]
    [InlineData(HttpStatusCode.NotFound, "expired after 24 h")]
    [InlineData(HttpStatusCode.RequestTimeout, "timed out")]
    [InlineData(HttpStatusCode.UnsupportedMediaType, "request format")]
    [InlineData(HttpStatusCode.UnprocessableEntity, "query failed")]
    [InlineData(HttpStatusCode.InternalServerError, "unavailable")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "unavailable")]
    [InlineData(HttpStatusCode.GatewayTimeout, "unavailable")]
    public void Classifies_every_documented_status(HttpStatusCode status, string text)
    {
        var ex = SnowflakeErrorClassifier.Classify(status, """{"code":"000123","sqlState":"XX000","message":"boom"}""", null, "reading");

        var api = Assert.IsType<SnowflakeApiException>(ex);
        Assert.Equal(status, api.Status);
        Assert.Equal("000123", api.Code);
        Assert.Contains(text, ex.Message, StringComparison.Ordinal);
        Assert.Contains("boom", ex.Message, StringComparison.Ordinal);
        Assert.Equal(status == HttpStatusCode.NotFound, api.IsHandleGone);
    }

    [Fact]
    public void A_429_becomes_a_rate_limit_and_an_html_body_is_quoted_briefly()
    {
        var limited = Assert.IsType<SourceRateLimitedException>(SnowflakeErrorClassifier.Classify(HttpStatusCode.TooManyRequests, "{}", TimeSpan.FromSeconds(7), "polling"));
        Assert.Equal(TimeSpan.FromSeconds(7), limited.RetryAfter);

        var html = SnowflakeErrorClassifier.Classify(HttpStatusCode.BadGateway, "<html>" + new string('x', 1000) + "</html>", null, "polling");
        Assert.Contains("<html>", html.Message, StringComparison.Ordinal);
        Assert.True(html.Message.Length < 500);
    }
}
