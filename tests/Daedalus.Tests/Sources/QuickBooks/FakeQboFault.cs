namespace Daedalus.Tests.Sources.QuickBooks;

/// <summary>A canned failure the fake serves to the next <see cref="Times"/> requests of a kind, after letting <see cref="Skip"/> through.</summary>
public sealed class FakeQboFault(string kind, int status, string body, int? retryAfterSeconds = null, int times = 1)
{
    public string Kind { get; } = kind;

    public int Status { get; } = status;

    public string Body { get; } = body;

    public int? RetryAfterSeconds { get; } = retryAfterSeconds;

    public int Times { get; set; } = times;

    public int Skip { get; set; }

    public FakeQboFault After(int skip)
    {
        Skip = skip;
        return this;
    }

    // The shapes Intuit documents (developer.intuit.com: error codes, throttling, gateway faults).
    public static FakeQboFault Throttled(string kind, int retryAfterSeconds, int times) => new(
        kind,
        429,
        """{"Fault":{"Error":[{"Message":"message=ThrottleExceeded; errorCode=003001; statusCode=429","Detail":"The request limit was reached.","code":"3001"}],"type":"SERVICE"},"time":"2026-10-01T09:12:44.117-07:00"}""",
        retryAfterSeconds,
        times);

    public static FakeQboFault GatewayUnauthorized(string kind) => new(
        kind,
        401,
        """{"fault":{"error":[{"message":"message=AuthenticationFailed; errorCode=003200; statusCode=401","code":"3200"}],"type":"AUTHENTICATION"},"time":1633520295688}""");

    public static FakeQboFault Validation(string kind) => new(
        kind,
        400,
        """{"Fault":{"Error":[{"Message":"Error parsing query","Detail":"QueryParserError: Encountered \" <INTEGER> \"1001 \"\" at line 1, column 95.","code":"4000"}],"type":"ValidationFault"},"time":"2026-10-01T09:12:44.117-07:00"}""");

    public static FakeQboFault SystemFault(string kind, int times) => new(
        kind,
        500,
        """{"Fault":{"Error":[{"Message":"An application error has occurred while processing your request","Detail":"System Failure Error: Unexpected Internal Error. (-30000)","code":"10000"}],"type":"SystemFault"},"time":"2026-10-01T09:12:44.117-07:00"}""",
        null,
        times);

    public static FakeQboFault Malformed(string kind) => new(kind, 200, """{"QueryResponse":{"Invoice":[{"Id":"1","SyncToken":"0","MetaData":{"CreateTime":"2026-09""");
}
