using System.Net;
using System.Net.Http.Headers;

namespace Daedalus.Tests.Sources;

/// <summary>Answers every request with the same status and body bytes, sent as is (no encoding in between).</summary>
public sealed class FixedResponseHandler(int status, byte[] body, string? charset) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = charset };
        return Task.FromResult(new HttpResponseMessage((HttpStatusCode)status) { Content = content, RequestMessage = request });
    }
}
