namespace Daedalus.Tests.Sources.Monday;

/// <summary>A canned failure the fake serves to the next <see cref="Times"/> requests of a kind (null = any).</summary>
public sealed class FakeMondayFault
{
    public FakeMondayFault(string? kind, int status, string body, int? retryAfterSeconds = null, int times = 1)
    {
        Kind = kind;
        Status = status;
        Body = body;
        RetryAfterSeconds = retryAfterSeconds;
        Times = times;
    }

    public string? Kind { get; }

    public int Status { get; }

    public string Body { get; }

    public int? RetryAfterSeconds { get; }

    public int Times { get; set; }

    /// <summary>Matching requests to let through before the fault fires.</summary>
    public int Skip { get; set; }

    public FakeMondayFault After(int skip)
    {
        Skip = skip;
        return this;
    }

    // The shapes monday documents (developer.monday.com/api-reference/docs/errors, rate-limits, changelog).
    public static FakeMondayFault ComplexityBudgetExhausted(string? kind, int retryInSeconds, int times = 1) => new(
        kind,
        200,
        $$$"""{"errors":[{"message":"Complexity budget exhausted","locations":[{"line":1,"column":1}],"extensions":{"code":"COMPLEXITY_BUDGET_EXHAUSTED","status_code":429,"retry_in_seconds":{{{retryInSeconds}}},"complexity":5000,"complexity_budget_left":0,"complexity_budget_limit":10000000}}],"account_id":123456}""",
        null,
        times);

    public static FakeMondayFault LegacyComplexity(string? kind, int resetInSeconds, int times = 1) => new(
        kind,
        200,
        $$"""{"error_code":"ComplexityException","status_code":429,"error_message":"Complexity budget exhausted, query cost 30001 budget remaining 1 out of 1000000 reset in {{resetInSeconds}} seconds","error_data":{},"account_id":123456}""",
        null,
        times);

    public static FakeMondayFault DailyLimit(string? kind) => new(
        kind,
        200,
        """{"errors":[{"message":"Daily limit exceeded","extensions":{"code":"DAILY_LIMIT_EXCEEDED","status_code":429}}],"account_id":123456}""");

    public static FakeMondayFault MaxConcurrency(string? kind, int retryAfterSeconds) => new(
        kind,
        200,
        """{"errors":[{"message":"Max concurrency exceeded","extensions":{"code":"maxConcurrencyExceeded","status_code":429}}],"account_id":123456}""",
        retryAfterSeconds);

    public static FakeMondayFault IpRateLimit(string? kind, int retryAfterSeconds) => new(
        kind,
        429,
        """{"errors":[{"message":"IP rate limit exceeded","extensions":{"code":"IP_RATE_LIMIT_EXCEEDED","status_code":429}}]}""",
        retryAfterSeconds);

    public static FakeMondayFault MinuteLimit(string? kind, int retryAfterSeconds, int times = 1) => new(
        kind,
        429,
        """{"errors":[{"message":"Minute limit rate exceeded","extensions":{"code":"RATE_LIMIT_EXCEEDED","status_code":429}}]}""",
        retryAfterSeconds,
        times);

    public static FakeMondayFault BoardLocked(string? kind, int retryAfterSeconds) => new(
        kind,
        423,
        """{"errors":[{"message":"Resource is locked","extensions":{"code":"ResourceLockedException","status_code":423}}]}""",
        retryAfterSeconds);

    public static FakeMondayFault UserUnauthorized(string? kind) => new(
        kind,
        403,
        """{"data":[],"errors":[{"message":"User unauthorized to perform action","locations":[{"line":2,"column":3}],"path":["boards"],"extensions":{"code":"UserUnauthorizedException","error_data":{},"status_code":403}}],"account_id":123456}""");

    public static FakeMondayFault PartialDataWithError(string? kind) => new(
        kind,
        200,
        """{"data":{"complexity":{"before":10000000,"after":9990000,"reset_in_x_seconds":30},"boards":[{"items_page":{"cursor":null,"items":[]}}]},"errors":[{"message":"Column not found","path":["boards",0,"items_page"],"extensions":{"code":"InvalidColumnIdException","status_code":200}}],"account_id":123456}""");

    public static FakeMondayFault Malformed(string? kind) => new(kind, 200, """{"data":{"next_items_page":{"cursor":"MSw5NzI4""");

    public static FakeMondayFault ServerError(string? kind, int times = 1) => new(kind, 500, """{"error_message":"Internal server error","status_code":500}""", null, times);
}
