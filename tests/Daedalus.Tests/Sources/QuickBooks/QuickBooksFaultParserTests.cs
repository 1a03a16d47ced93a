using Daedalus.Sources.QuickBooks;

namespace Daedalus.Tests.Sources.QuickBooks;

public sealed class QuickBooksFaultParserTests
{
    [Fact]
    public void The_api_casing_gives_type_code_message_and_detail()
    {
        var fault = QuickBooksFaultParser.Parse(400, null, FakeQboFault.Validation("query").Body, out _)!;

        Assert.Equal(QuickBooksFaultKind.Validation, fault.Kind);
        Assert.Equal("4000", fault.Code);
        Assert.Equal("ValidationFault", fault.Type);
        Assert.Contains("Error parsing query: QueryParserError", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_gateway_lowercase_casing_with_epoch_time_is_read_too()
    {
        var fault = QuickBooksFaultParser.Parse(401, null, FakeQboFault.GatewayUnauthorized("query").Body, out _)!;

        Assert.Equal(QuickBooksFaultKind.Unauthenticated, fault.Kind);
        Assert.Equal("3200", fault.Code);
        Assert.Contains("AuthenticationFailed", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Throttling_keeps_retry_after_and_a_fault_in_a_200_is_still_a_fault()
    {
        var throttled = QuickBooksFaultParser.Parse(429, TimeSpan.FromSeconds(7), FakeQboFault.Throttled("query", 7, 1).Body, out _)!;
        Assert.Equal(QuickBooksFaultKind.Throttled, throttled.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), throttled.RetryAfter);

        var in200 = QuickBooksFaultParser.Parse(200, null, """{"Fault":{"Error":[{"Message":"message=ThrottleExceeded; errorCode=003001; statusCode=429","code":"3001"}],"type":"SERVICE"}}""", out _)!;
        Assert.Equal(QuickBooksFaultKind.Throttled, in200.Kind);

        var forbidden = QuickBooksFaultParser.Parse(403, null, """{"fault":{"error":[{"message":"message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403","code":"3100"}],"type":"AUTHORIZATION"},"time":1633520295688}""", out _)!;
        Assert.Equal(QuickBooksFaultKind.Forbidden, forbidden.Kind);
    }

    [Fact]
    public void Malformed_bodies_are_named_and_a_good_body_is_returned()
    {
        Assert.Equal(QuickBooksFaultKind.Malformed, QuickBooksFaultParser.Parse(200, null, FakeQboFault.Malformed("query").Body, out _)!.Kind);
        Assert.Equal(QuickBooksFaultKind.Server, QuickBooksFaultParser.Parse(502, null, "<html>Bad Gateway</html>", out _)!.Kind);
        Assert.Null(QuickBooksFaultParser.Parse(200, null, """{"QueryResponse":{},"time":"2026-10-01T09:12:44.117-07:00"}""", out var root));
        Assert.True(root.TryGetProperty("QueryResponse", out _));
    }
}
