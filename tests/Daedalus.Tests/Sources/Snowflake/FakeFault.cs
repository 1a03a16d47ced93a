namespace Daedalus.Tests.Sources.Snowflake;

/// <summary>A reply the fake serves instead of the real one, in Snowflake's error shapes.</summary>
public sealed record FakeFault(int Status, string Body, string? RetryAfter = null, string ContentType = "application/json")
{
    public static FakeFault RateLimited(int retryAfterSeconds) =>
        new(429, """{"code":"000429","message":"Too many requests. Please retry later."}""", retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static FakeFault Unavailable() =>
        new(503, "<html><body><h1>503 Service Unavailable</h1></body></html>", null, "text/html");

    public static FakeFault QueryFailed(string handle) =>
        new(422, $$"""{"code":"002003","sqlState":"42S02","message":"SQL compilation error:\nObject 'SALES.PUBLIC.ORDERS' does not exist or not authorized.","statementHandle":"{{handle}}","createdOn":1716000000000,"statementStatusUrl":"/api/v2/statements/{{handle}}"}""");

    public static FakeFault HandleExpired(string handle) =>
        new(404, $$"""{"code":"000709","message":"Statement {{handle}} not found"}""");

    public static FakeFault Malformed() => new(200, """{"data":[["1","Ada","12.50",""", null);

    public static FakeFault Timeout(string handle) =>
        new(408, $$"""{"code":"000630","sqlState":"57014","message":"Statement reached its statement or warehouse timeout of 10 second(s) and was canceled.","statementHandle":"{{handle}}"}""");
}
