using Daedalus.Sources.Monday;

namespace Daedalus.Tests.Sources.Monday;

public sealed class MondayErrorClassifierTests
{
    private static readonly DateTimeOffset Now = new(2026, 10, 30, 22, 15, 0, TimeSpan.Zero);

    private static MondayFailure? Classify(FakeMondayFault fault) =>
        MondayErrorClassifier.Classify(fault.Status, fault.RetryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null, fault.Body, Now, out _);

    [Fact]
    public void Current_complexity_error_in_an_http_200_waits_retry_in_seconds()
    {
        var failure = Classify(FakeMondayFault.ComplexityBudgetExhausted(null, 17));
        Assert.Equal(new MondayFailure(MondayFailureKind.RateLimited, failure!.Message, TimeSpan.FromSeconds(17)), failure);
    }

    [Fact]
    public void Legacy_complexity_error_waits_the_seconds_named_in_its_message()
    {
        var failure = Classify(FakeMondayFault.LegacyComplexity(null, 23));
        Assert.Equal(MondayFailureKind.RateLimited, failure!.Kind);
        Assert.Equal(TimeSpan.FromSeconds(23), failure.RetryAfter);
    }

    [Fact]
    public void Retry_after_header_wins_over_the_body()
    {
        var failure = MondayErrorClassifier.Classify(200, TimeSpan.FromSeconds(3), FakeMondayFault.ComplexityBudgetExhausted(null, 40).Body, Now, out _);
        Assert.Equal(TimeSpan.FromSeconds(3), failure!.RetryAfter);
    }

    [Fact]
    public void Daily_limit_waits_until_midnight_utc()
    {
        var failure = Classify(FakeMondayFault.DailyLimit(null));
        Assert.Equal(MondayFailureKind.DailyLimit, failure!.Kind);
        Assert.Equal(TimeSpan.FromMinutes(105), failure.RetryAfter);
    }

    [Theory]
    [InlineData("concurrency", MondayFailureKind.RateLimited)]
    [InlineData("ip", MondayFailureKind.RateLimited)]
    [InlineData("minute", MondayFailureKind.RateLimited)]
    [InlineData("locked", MondayFailureKind.Locked)]
    [InlineData("user-unauthorized", MondayFailureKind.Unauthorized)]
    [InlineData("partial", MondayFailureKind.Error)]
    [InlineData("malformed", MondayFailureKind.Malformed)]
    [InlineData("server", MondayFailureKind.Error)]
    public void Every_documented_shape_has_its_kind(string shape, MondayFailureKind kind)
    {
        var fault = shape switch
        {
            "concurrency" => FakeMondayFault.MaxConcurrency(null, 2),
            "ip" => FakeMondayFault.IpRateLimit(null, 2),
            "minute" => FakeMondayFault.MinuteLimit(null, 2),
            "locked" => FakeMondayFault.BoardLocked(null, 2),
            "user-unauthorized" => FakeMondayFault.UserUnauthorized(null),
            "partial" => FakeMondayFault.PartialDataWithError(null),
            "malformed" => FakeMondayFault.Malformed(null),
            _ => FakeMondayFault.ServerError(null),
        };
        Assert.Equal(kind, Classify(fault)!.Kind);
    }

    [Theory]
    [InlineData(401, "<html>Unauthorized</html>", MondayFailureKind.Unauthorized)]
    [InlineData(502, "<html>Bad gateway</html>", MondayFailureKind.Error)]
    [InlineData(429, "", MondayFailureKind.RateLimited)]
    [InlineData(200, "[1,2]", MondayFailureKind.Malformed)]
    [InlineData(200, "{\"account_id\":1}", MondayFailureKind.Malformed)]
    [InlineData(200, "{\"errors\":[{\"message\":\"CursorExpiredError: The cursor provided for pagination has expired.\",\"extensions\":{\"code\":\"CursorExpiredError\"}}]}", MondayFailureKind.CursorExpired)]
    [InlineData(200, "{\"errors\":[{\"message\":\"Not Authenticated\"}]}", MondayFailureKind.Unauthorized)]
    public void Non_json_bodies_and_bare_statuses_are_classified(int status, string body, MondayFailureKind kind) =>
        Assert.Equal(kind, MondayErrorClassifier.Classify(status, null, body, Now, out _)!.Kind);

    [Fact]
    public void Data_without_errors_is_success()
    {
        Assert.Null(MondayErrorClassifier.Classify(200, null, "{\"data\":{\"boards\":[]},\"account_id\":1}", Now, out var data));
        Assert.Equal(0, data.GetProperty("boards").GetArrayLength());
    }
}
