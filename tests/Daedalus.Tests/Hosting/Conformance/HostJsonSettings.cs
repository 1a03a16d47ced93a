using System.Globalization;
using System.Text.Json;

namespace Daedalus.Tests.Hosting.Conformance;

/// <summary>
/// What the stand-in host takes from the app's host.json, as the real host and its extensions read it: the HTTP
/// route prefix, the function timeout, and the Storage Queues extension's polling and retry settings (with the
/// extension's defaults where host.json is silent).
/// </summary>
public sealed record HostJsonSettings(
    string RoutePrefix,
    TimeSpan FunctionTimeout,
    int QueueBatchSize,
    int MaxDequeueCount,
    TimeSpan QueueVisibilityTimeout,
    string MessageEncoding)
{
    public static HostJsonSettings Read(string appDirectory)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(appDirectory, "host.json")));
        var root = document.RootElement;
        var extensions = root.TryGetProperty("extensions", out var e) ? e : default;
        var http = Section(extensions, "http");
        var queues = Section(extensions, "queues");
        return new HostJsonSettings(
            RoutePrefix: String(http, "routePrefix") ?? "api",
            FunctionTimeout: Duration(root, "functionTimeout") ?? TimeSpan.FromMinutes(30),
            QueueBatchSize: Int(queues, "batchSize") ?? 16,
            MaxDequeueCount: Int(queues, "maxDequeueCount") ?? 5,
            QueueVisibilityTimeout: Duration(queues, "visibilityTimeout") ?? TimeSpan.Zero,
            MessageEncoding: String(queues, "messageEncoding") ?? "base64");
    }

    private static JsonElement Section(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var section) ? section : default;

    private static string? String(JsonElement section, string name) =>
        section.ValueKind == JsonValueKind.Object && section.TryGetProperty(name, out var value) ? value.GetString() : null;

    private static int? Int(JsonElement section, string name) =>
        section.ValueKind == JsonValueKind.Object && section.TryGetProperty(name, out var value) ? value.GetInt32() : null;

    private static TimeSpan? Duration(JsonElement section, string name) =>
        String(section, name) is { } text ? TimeSpan.Parse(text, CultureInfo.InvariantCulture) : null;
}
