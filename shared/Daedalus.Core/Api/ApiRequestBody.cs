using System.Text.Json;
using Daedalus.Client;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Daedalus.Api;

/// <summary>
/// Reads a JSON body by hand rather than by minimal-API binding (see <see cref="JsonBody{T}"/>), so every failure is a
/// problem+json answer: too large (413), not JSON (415),
/// malformed or unknown fields (400, keyed by JSON path).
/// </summary>
public static class ApiRequestBody
{
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpContext context, CancellationToken cancellationToken, bool optional = false)
        where T : class
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.MaxRequestBodyBytes;
        var request = context.Request;
        if (request.ContentLength > limit)
        {
            return (null, ApiProblems.PayloadTooLarge(limit));
        }

        var bytes = await ReadLimitedAsync(request.Body, limit, cancellationToken);
        if (bytes is null)
        {
            return (null, ApiProblems.PayloadTooLarge(limit));
        }

        if (bytes.Length == 0)
        {
            return optional ? (null, null) : (null, ApiProblems.BadRequest("$", "A JSON body is required."));
        }

        if (!IsJson(request.ContentType))
        {
            return (null, ApiProblems.UnsupportedMediaType());
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(bytes, DaedalusJson.Options);
            return value is null ? (null, ApiProblems.BadRequest("$", "The body must be a JSON object.")) : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, ApiProblems.BadRequest(ex.Path ?? "$", Describe(ex)));
        }
    }

    private static async Task<byte[]?> ReadLimitedAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The serializer's message without .NET type names, which mean nothing to an API caller.</summary>
    private static string Describe(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }

        return message.Replace("Daedalus.Client.", "", StringComparison.Ordinal).Replace("System.", "", StringComparison.Ordinal);
    }
}
