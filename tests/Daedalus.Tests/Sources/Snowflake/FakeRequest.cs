using System.Text.Json.Nodes;

namespace Daedalus.Tests.Sources.Snowflake;

/// <summary>What the fake saw: method, path and query, the bearer token, and for submissions the parsed body.</summary>
public sealed record FakeRequest(string Method, string PathAndQuery, string? Token, string? AcceptEncoding, JsonObject? Body, int Status)
{
    public string? Statement => Body?["statement"]?.GetValue<string>();

    public JsonObject? Bindings => Body?["bindings"] as JsonObject;

    public bool IsSubmit => Method == "POST" && PathAndQuery.StartsWith("/api/v2/statements?", StringComparison.Ordinal);

    public string? RequestId => Query("requestId");

    public bool Retry => Query("retry") == "true";

    private string? Query(string name)
    {
        var query = PathAndQuery.Contains('?', StringComparison.Ordinal) ? PathAndQuery[(PathAndQuery.IndexOf('?', StringComparison.Ordinal) + 1)..] : "";
        return query.Split('&').Select(p => p.Split('=', 2)).Where(p => p[0] == name).Select(p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "").FirstOrDefault();
    }
}
