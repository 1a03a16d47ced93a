using System.Text;
using Daedalus.Configuration;
using Daedalus.Sources;
using Daedalus.Tests.Sources;
using Microsoft.Extensions.Logging.Abstractions;

namespace Daedalus.Tests.Review;

/// <summary>Hostile review of 65637fa (REST, monday.com, QuickBooks: 2xx bodies checked in their charset).</summary>
public sealed class SessionResponseTextReviewTests
{
    /// <summary>
    /// A body declared in a charset .NET cannot decode (even with the code-pages provider) is decoded as UTF-8 instead of
    /// being refused: ReadAsStringAsync threw here (the page failed), now bytes meant as ISO-8859-16 "Caf\u0102\u00A9" land
    /// as "Café". The same fallback applies to windows-1252 in a process where FilesStreamSettings' static constructor
    /// (the only CodePagesEncodingProvider registration) has not run.
    /// </summary>
    [Fact]
    public async Task A_2xx_body_in_a_charset_that_cannot_be_decoded_is_refused_not_read_as_utf8()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Assert.ThrowsAny<ArgumentException>(() => Encoding.GetEncoding("iso-8859-16"));
        byte[] body = [.. "{\"name\":\"Caf"u8, 0xC3, 0xA9, .. "\"}"u8];

        var exception = await Record.ExceptionAsync(() => SendAsync(200, body, "iso-8859-16"));

        Assert.IsType<SourceException>(exception);
    }

    /// <summary>
    /// Regression: ReadAsStringAsync detects a UTF-16 or UTF-32 byte order mark when no charset is given and decodes the
    /// body with it; ResponseText takes such a body as UTF-8 and fails the page.
    /// </summary>
    [Fact]
    public async Task A_2xx_body_with_a_utf16_byte_order_mark_and_no_charset_reads_as_before()
    {
        var text = "{\"name\":\"Renée\"}";
        byte[] body = [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)];

        Assert.Equal(text, await new ByteArrayContent(body).ReadAsStringAsync());
        Assert.Equal(text, (await SendAsync(200, body, null)).Body);
    }

    private static async Task<(int Status, TimeSpan? RetryAfter, string Body)> SendAsync(int status, byte[] body, string? charset)
    {
        using var http = new HttpClient(new FixedResponseHandler(status, body, charset));
        var context = new SourceContext(new SourceDefinition { Name = "t", Plugin = "monday" }, null!, http, TimeProvider.System, NullLogger.Instance);
        return await SourceHttpExchange.SendAsync(
            context, new SourceRetryPolicy(TimeSpan.Zero, TimeProvider.System), () => new HttpRequestMessage(HttpMethod.Get, "https://api.example/v2"), "monday.com", "https://api.example", CancellationToken.None);
    }
}
