using System.Text.Json;
using System.Text.Json.Serialization;

namespace Daedalus.Client;

/// <summary>An RFC 9457 problem+json answer; <c>errors</c> holds field-level detail keyed by JSON path.</summary>
public sealed record ApiProblem
{
    public string? Type { get; init; }

    public string? Title { get; init; }

    public int? Status { get; init; }

    public string? Detail { get; init; }

    public string? Instance { get; init; }

    public Dictionary<string, string[]>? Errors { get; init; }

    /// <summary>Fields servers may add (traceId...); kept so reading a problem never fails on them.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extensions { get; init; }
}
