using System.Text;
using Daedalus.Configuration;
using Daedalus.Sources;
using Microsoft.Extensions.Logging.Abstractions;

namespace Daedalus.Tests.Sources;

/// <summary>
/// monday.com and QuickBooks answers are read through <see cref="SourceHttpExchange"/>. ReadAsStringAsync turned bytes
/// that are not valid in the body's charset into U+FFFD, which then parsed as JSON and landed as the value, silently.
/// </summary>
public sealed class SourceHttpExchangeTests
{
    private static readonly byte[] Latin1Renee = [.. "{\"name\":\"Ren"u8, 0xE9, .. "e\"}"u8];

    [Fact]
    public async Task A_success_whose_body_is_not_valid_utf8_fails_with_a_clear_error_instead_of_turning_into_U_FFFD()
    {
        var error = await Assert.ThrowsAsync<SourceException>(() => SendAsync(200, Latin1Renee, "utf-8"));

        Assert.Equal("monday.com API at https://api.example answered HTTP 200 with a body that is not valid utf-8; nothing of that answer was loaded", error.Message);
        await Assert.ThrowsAsync<SourceException>(() => SendAsync(200, Latin1Renee, null));
    }

    [Fact]
    public async Task Valid_bodies_read_exactly_as_sent_and_an_error_body_is_still_read_for_its_message()
    {
        var text = "{\"name\":\"\uFFFD \uFDD0 Renée \U0001F600\"}";

        Assert.Equal(text, (await SendAsync(200, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)], null)).Body);
        Assert.Equal("{\"name\":\"Renée\"}", (await SendAsync(200, Latin1Renee, "iso-8859-1")).Body);
        var failed = await SendAsync(500, [.. "oops "u8, 0xE9], "utf-8");
        Assert.Equal(500, failed.Status);
        Assert.Equal("oops \uFFFD", failed.Body);
    }

    private static async Task<(int Status, TimeSpan? RetryAfter, string Body)> SendAsync(int status, byte[] body, string? charset)
    {
        using var http = new HttpClient(new FixedResponseHandler(status, body, charset));
        var context = new SourceContext(new SourceDefinition { Name = "t", Plugin = "monday" }, null!, http, TimeProvider.System, NullLogger.Instance);
        return await SourceHttpExchange.SendAsync(
            context, new SourceRetryPolicy(TimeSpan.Zero, TimeProvider.System), () => new HttpRequestMessage(HttpMethod.Get, "https://api.example/v2"), "monday.com", "https://api.example", CancellationToken.None);
    }
}
