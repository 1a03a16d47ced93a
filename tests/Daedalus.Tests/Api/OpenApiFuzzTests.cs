using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Sources.Sample;
using Daedalus.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Daedalus.Tests.Api;

/// <summary>
/// Hostile requests generated from the API's own OpenAPI document (so a new route is covered without touching this
/// test): every operation gets hostile path values, query parameters and bodies (NULs, control characters, unpaired
/// surrogates, huge strings, wrong types, nulls, deep nesting, invalid UTF-8, path traversal, unknown parameters),
/// plus raw-socket requests with broken framing. Deterministic seed, a total time budget and a per-request timeout.
/// Every answer must be below 500 (or the 503 a route documents for an unavailable dependency — none here: the host
/// has PostgreSQL and Azurite), and a refused request (4xx) must leave the daedalus schema exactly as it was.
/// </summary>
public sealed class OpenApiFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Seed = 20_260_112;
    private const int MinimumRequests = 1_000;
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan PerRequest = TimeSpan.FromSeconds(15);

    private ApiServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync("api_fuzz", new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = await AzuriteServer.ConnectionStringAsync(),
            ["Daedalus:Queue:Name"] = AzuriteServer.UniqueQueueName("fuzzbatches"),
            ["Daedalus:Queue:PullName"] = AzuriteServer.UniqueQueueName("fuzzpulls"),
        });
        _http = _server.Http(_server.WriteKey);
        _http.Timeout = PerRequest;
        await SeedAsync();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private Task SeedAsync() => new DaedalusClient(_http).ReplaceSourceAsync("existing", ValidSource() with { Name = null });

    private static SourceSpec ValidSource() => SourceSpecMapper.ToSpec(SampleSourceDefinition.Create("existing", 100, targetSchema: "existing"));

    [Fact]
    public async Task A_thousand_generated_hostile_requests_get_no_5xx_no_hang_and_refused_ones_change_nothing()
    {
        var document = JsonNode.Parse(await _http.GetStringAsync(ApiPaths.Prefix + "/openapi.json"))!;
        var operations = Operations(document).ToList();
        Assert.Contains(operations, o => o.Method == "PUT" && o.Path.EndsWith("/sources/{name}", StringComparison.Ordinal));
        Assert.True(operations.Count >= 15, $"only {operations.Count} operations in the document");

        var random = new Random(Seed);
        var clock = Stopwatch.StartNew();
        var sent = 0;
        var perOperation = operations.ToDictionary(o => o.Key, _ => 0);
        var statuses = new Dictionary<int, int>();
        var failures = new List<string>();
        var before = await SnapshotAsync();

        while ((sent < MinimumRequests || perOperation.Values.Any(n => n < 20)) && clock.Elapsed < Budget)
        {
            var operation = operations[sent % operations.Count];
            var request = Generate(operation, random, document);
            var (status, detail) = await SendAsync(request);
            sent++;
            perOperation[operation.Key]++;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status is >= 500 or 0)
            {
                failures.Add($"{status} {request.Describe()}: {detail}");
                continue;
            }

            var after = await SnapshotAsync();
            if (status >= 400 && after != before)
            {
                failures.Add($"{status} changed the database: {request.Describe()}");
            }

            before = after;
            if (operation.Method == "DELETE" && status < 300)
            {
                await SeedAsync();
                before = await SnapshotAsync();
            }
        }

        // Raw-socket requests whose framing HttpClient would never send.
        foreach (var (name, bytes) in RawRequests(_server.WriteKey))
        {
            var status = await SendRawAsync(bytes);
            sent++;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status is >= 500 or 0 or -1)
            {
                failures.Add($"raw '{name}': {(status == -1 ? "no answer in time" : status.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
            }

            // Some framing is odd but valid (Transfer-Encoding wins over Content-Length): only refusals must change nothing.
            var after = await SnapshotAsync();
            if (status >= 400 && after != before)
            {
                failures.Add($"raw '{name}' ({status}) changed the database");
            }

            before = after;
        }

        output.WriteLine($"{sent} requests over {operations.Count} operations in {clock.Elapsed.TotalSeconds:0.0}s; statuses {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
        Assert.True(sent >= MinimumRequests, $"only {sent} requests within the budget");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(30)));
        Assert.True(statuses.Where(s => s.Key is >= 400 and < 500).Sum(s => s.Value) > sent / 2, "most hostile requests must be refused");
    }

    private sealed record Operation(string Method, string Path, JsonNode? Body, IReadOnlyList<string> Query)
    {
        public string Key => $"{Method} {Path}";
    }

    private sealed record FuzzRequest(string Method, string Url, byte[]? Body, string? ContentType, bool Authorized)
    {
        public string Describe() => $"{Method} {(Url.Length > 160 ? Url[..160] + "…" : Url)} body {(Body is null ? "none" : Encoding.UTF8.GetString(Body.AsSpan(0, Math.Min(Body.Length, 160))))}";
    }

    /// <summary>Every operation the document lists: method, path template, request body schema and query parameters.</summary>
    private static IEnumerable<Operation> Operations(JsonNode document)
    {
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (method is "parameters" or "summary" or "description" || operation is null)
                {
                    continue;
                }

                var body = operation["requestBody"]?["content"]?["application/json"]?["schema"];
                var query = (operation["parameters"]?.AsArray() ?? []).Where(p => (string?)p?["in"] == "query").Select(p => (string)p!["name"]!).ToList();
                yield return new Operation(method.ToUpperInvariant(), path, body, query);
            }
        }
    }

    private static readonly string[] HostileText =
    [
        "\u0000", "a\u0000b", "@@LONE_HIGH@@", "@@LONE_LOW@@", "\u0001\u0002\u001f", "\u001b[31mred\u001b[0m", "a\r\nb", "\t", "\u202e", "\ufeff", "",
        " ", "../../../../etc/passwd", "..\\..\\windows\\win.ini", "'; DROP TABLE daedalus.sources; --", "\" OR 1=1 --", "${jndi:ldap://x}", "%00", "%s%n",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ", "Bearer abc", "0 */0 * * * *", "*/0 * * * * *", "0 0 0 30 2 *", "* * * * * *",
        "daedalus", "pg_catalog", "information_schema", "public", "😀", "\ud83d\ude00x", "NaN", "-1", "1e309", "99999999999999999999",
    ];

    private static string Pick(Random random, IReadOnlyList<string> values) => values[random.Next(values.Count)];

    private static string HostileString(Random random) => random.Next(12) switch
    {
        0 => new string('x', random.Next(1, 4) * 70_000),
        1 => string.Concat(Enumerable.Range(0, 300).Select(_ => (char)random.Next(0, 0x30))),
        _ => Pick(random, HostileText),
    };

    /// <summary>A hostile JSON value: text, wrong types, nulls, deep nesting.</summary>
    private static JsonNode? HostileValue(Random random) => random.Next(10) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(2) == 0 ? long.MinValue : -1),
        2 => JsonValue.Create(random.Next(2) == 0),
        3 => new JsonArray(JsonValue.Create(HostileString(random)), null),
        4 => new JsonObject { [HostileString(random)] = JsonValue.Create(HostileString(random)) },
        5 => JsonValue.Create("@@DEEP@@"),
        6 => JsonValue.Create(1.5e300),
        _ => JsonValue.Create(HostileString(random)),
    };

    /// <summary>A plausible value for a schema, so hostile values land deep inside otherwise well-formed bodies.</summary>
    private static JsonNode? Plausible(JsonNode? schema, JsonNode document, int depth = 0)
    {
        if (schema is null || depth > 6)
        {
            return JsonValue.Create("x");
        }

        if ((string?)schema["$ref"] is { } reference)
        {
            return Plausible(document["components"]?["schemas"]?[reference.Split('/')[^1]], document, depth + 1);
        }

        var type = schema["type"] switch
        {
            JsonArray types => types.Select(t => (string?)t).FirstOrDefault(t => t != "null"),
            JsonValue value => (string?)value,
            _ => null,
        };
        switch (type)
        {
            case "object" or null when schema["properties"] is JsonObject properties:
                var result = new JsonObject();
                foreach (var (name, property) in properties)
                {
                    result[name] = Plausible(property, document, depth + 1);
                }

                return result;
            case "object":
                return schema["additionalProperties"] is JsonObject values ? new JsonObject { ["key"] = Plausible(values, document, depth + 1) } : new JsonObject();
            case "array":
                return new JsonArray(Plausible(schema["items"], document, depth + 1));
            case "integer":
                return JsonValue.Create(1);
            case "number":
                return JsonValue.Create(1.5);
            case "boolean":
                return JsonValue.Create(true);
            default:
                return JsonValue.Create("x");
        }
    }

    private static JsonNode BaseBody(Operation operation, JsonNode document)
    {
        var reference = (string?)operation.Body?["$ref"] ?? "";
        return reference.EndsWith("/SourceSpec", StringComparison.Ordinal)
            ? JsonSerializer.SerializeToNode(ValidSource() with { Name = operation.Method == "POST" ? "fuzzed" : null }, DaedalusJson.Options)!
            : Plausible(operation.Body, document) ?? new JsonObject();
    }

    /// <summary>Every (container, key) position of a tree, for a mutation to pick from.</summary>
    private static List<(JsonNode Parent, string? Key, int Index)> Positions(JsonNode node)
    {
        var positions = new List<(JsonNode, string?, int)>();
        void Walk(JsonNode current)
        {
            switch (current)
            {
                case JsonObject o:
                    foreach (var (key, value) in o.ToList())
                    {
                        positions.Add((o, key, -1));
                        if (value is not null)
                        {
                            Walk(value);
                        }
                    }

                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        positions.Add((a, null, i));
                        if (a[i] is { } item)
                        {
                            Walk(item);
                        }
                    }

                    break;
            }
        }

        Walk(node);
        return positions;
    }

    private static FuzzRequest Generate(Operation operation, Random random, JsonNode document)
    {
        var path = operation.Path;
        foreach (var parameter in new[] { "{name}", "{stream}", "{id}", "{*path}" })
        {
            var value = random.Next(3) == 0
                ? parameter switch { "{name}" => "existing", "{stream}" => "customers", "{id}" => Guid.NewGuid().ToString(), _ => "index.html" }
                : HostileSegment(random);
            path = path.Replace(parameter, value, StringComparison.Ordinal);
        }

        var query = new List<string>();
        var known = operation.Query.Concat(["limit", "metric", "labels", "from", "to", "step", "aggregate", "code"]).Distinct().ToList();
        for (var n = random.Next(0, 4); n > 0; n--)
        {
            var name = random.Next(4) == 0 ? HostileString(random) : Pick(random, known);
            query.Add($"{Escape(name, random)}={Escape(HostileString(random), random)}");
        }

        var url = query.Count == 0 ? path : $"{path}?{string.Join('&', query)}";
        byte[]? body = null;
        string? contentType = "application/json";
        if (operation.Method is "POST" or "PUT" or "PATCH")
        {
            body = random.Next(12) switch
            {
                0 => [0x7b, 0x22, 0xff, 0xfe, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d], // invalid UTF-8
                1 => Encoding.UTF8.GetBytes(new string('[', 5_000) + new string(']', 5_000)),
                2 => Encoding.UTF8.GetBytes("{\"a\":"),
                3 => Encoding.UTF8.GetBytes(new string(' ', 300 * 1024) + "{}"),
                4 => Encoding.UTF8.GetBytes("\"just a string\""),
                5 => [],
                _ => Mutated(operation, random, document),
            };
            contentType = random.Next(15) switch
            {
                0 => null,
                1 => "text/plain",
                2 => "application/json; charset=utf-16",
                3 => "application/x-www-form-urlencoded",
                _ => "application/json",
            };
        }

        return new FuzzRequest(operation.Method, url, body, contentType, random.Next(25) != 0);
    }

    private static byte[] Mutated(Operation operation, Random random, JsonNode document)
    {
        var root = BaseBody(operation, document);
        var positions = Positions(root);
        for (var n = random.Next(1, 3); n > 0 && positions.Count > 0; n--)
        {
            var (parent, key, index) = positions[random.Next(positions.Count)];
            switch (parent, random.Next(3))
            {
                case (JsonObject o, 0):
                    o[HostileString(random)] = HostileValue(random);
                    break;
                case (JsonObject o, _):
                    o[key!] = HostileValue(random);
                    break;
                case (JsonArray a, _) when index < a.Count:
                    a[index] = HostileValue(random);
                    break;
            }
        }

        var text = root.ToJsonString();
        text = text.Replace("\"@@DEEP@@\"", new string('[', 200) + new string(']', 200), StringComparison.Ordinal)
            .Replace("@@LONE_HIGH@@", "\\ud800", StringComparison.Ordinal)
            .Replace("@@LONE_LOW@@", "x\\udc00y", StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(text);
    }

    private static string HostileSegment(Random random) => random.Next(10) switch
    {
        0 => "%00",
        1 => "..%2F..%2Fetc%2Fpasswd",
        2 => "%2e%2e",
        3 => "%ff%fe",
        4 => "%c0%af",
        5 => new string('a', 5_000),
        6 => "a%20b%0d%0a",
        7 => "%E2%80%AE",
        8 => "%ed%a0%80",
        _ => Uri.EscapeDataString(HostileString(random) is { Length: < 300 } s ? s.Replace("@@LONE_HIGH@@", "x", StringComparison.Ordinal) : "long"),
    };

    /// <summary>Percent-encodes query text, sometimes leaving raw bytes escaped as %XX of invalid UTF-8 instead.</summary>
    private static string Escape(string text, Random random)
    {
        if (random.Next(8) == 0)
        {
            return "%ff%00%c0%80";
        }

        text = text.Replace("@@LONE_HIGH@@", "%ed%a0%80", StringComparison.Ordinal).Replace("@@LONE_LOW@@", "%ed%b0%80", StringComparison.Ordinal);
        return text.Contains("%ed", StringComparison.Ordinal) ? text : Uri.EscapeDataString(text.Length > 20_000 ? text[..20_000] : text);
    }

    private async Task<(int Status, string Detail)> SendAsync(FuzzRequest request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_server.Address, request.Url));
        if (!request.Authorized)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "dk_000000000000_wrong");
        }

        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (request.ContentType is not null)
            {
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType);
            }
        }

        try
        {
            using var response = await _http.SendAsync(message);
            var text = await response.Content.ReadAsStringAsync();
            return ((int)response.StatusCode, text.Length > 300 ? text[..300] : text);
        }
        catch (TaskCanceledException)
        {
            return (0, $"no answer within {PerRequest.TotalSeconds:0}s");
        }
    }

    /// <summary>Requests with framing only a hostile client sends: broken chunking, smuggling headers, bad header bytes.</summary>
    private static IEnumerable<(string Name, byte[] Bytes)> RawRequests(string key)
    {
        var head = $"Host: 127.0.0.1\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\n";
        foreach (var path in new[] { "/api/v1/sources", "/api/v1/sources/existing", "/api/v1/notifications", "/api/v1/batches/poison/replay" })
        {
            var method = path.EndsWith("existing", StringComparison.Ordinal) || path.EndsWith("notifications", StringComparison.Ordinal) ? "PUT" : "POST";
            yield return ($"{method} {path} invalid chunk size", Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\n{head}Transfer-Encoding: chunked\r\n\r\nzz\r\n{{}}\r\n0\r\n\r\n"));
            yield return ($"{method} {path} chunk size overflow", Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\n{head}Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\n{{}}\r\n0\r\n\r\n"));
            yield return ($"{method} {path} chunk without CRLF", Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\n{head}Transfer-Encoding: chunked\r\n\r\n2\r\n{{}}XX0\r\n\r\n"));
            yield return ($"{method} {path} chunked and content-length", Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\n{head}Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n2\r\n{{}}\r\n0\r\n\r\n"));
            yield return ($"{method} {path} unknown transfer coding", Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\n{head}Transfer-Encoding: gzip, chunked, x\r\n\r\n0\r\n\r\n"));
            yield return ($"{method} {path} short body then close", Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\n{head}Content-Length: 100\r\nConnection: close\r\n\r\n{{\"a\":"));
        }

        yield return ("NUL in a header", Encoding.ASCII.GetBytes($"GET /api/v1/sources HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: a\0b\r\n\r\n"));
        yield return ("NUL in the path", Encoding.ASCII.GetBytes($"GET /api/v1/sources/a\0b HTTP/1.1\r\n{head}\r\n"));
        yield return ("raw NUL in the query", Encoding.ASCII.GetBytes($"GET /api/v1/timeseries?metric=a\0b HTTP/1.1\r\n{head}\r\n"));
        yield return ("bad method", Encoding.ASCII.GetBytes($"G\u0001T /api/v1/sources HTTP/1.1\r\n{head}\r\n"));
        yield return ("huge header", Encoding.ASCII.GetBytes($"GET /api/v1/sources HTTP/1.1\r\n{head}X-Big: {new string('a', 70_000)}\r\n\r\n"));
        yield return ("absolute-form to another host", Encoding.ASCII.GetBytes($"GET http://evil.example/api/v1/sources HTTP/1.1\r\n{head}\r\n"));
        yield return ("bare LF line endings", Encoding.ASCII.GetBytes($"GET /api/v1/sources HTTP/1.1\nHost: 127.0.0.1\n\n"));
        yield return ("HTTP/1.0 without host", Encoding.ASCII.GetBytes("GET /api/v1/status HTTP/1.0\r\n\r\n"));
        yield return ("non-HTTP bytes", [0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03, 0x0d, 0x0a, 0x0d, 0x0a]);
    }

    /// <summary>Status of the first response on a fresh connection; -1 when none came in time, 0 when it closed silently.</summary>
    private async Task<int> SendRawAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(PerRequest);
        using var client = new TcpClient();
        await client.ConnectAsync(_server.Address.Host, _server.Address.Port, timeout.Token);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(bytes, timeout.Token);
            if (bytes.AsSpan().IndexOf("Connection: close"u8) >= 0)
            {
                client.Client.Shutdown(SocketShutdown.Send);
            }

            var buffer = new byte[4096];
            var received = new StringBuilder();
            while (!received.ToString().Contains("\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    return received.Length == 0 ? 400 : ParseStatus(received.ToString());
                }

                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            return ParseStatus(received.ToString());
        }
        catch (OperationCanceledException)
        {
            return -1;
        }
        catch (IOException)
        {
            // Kestrel may reset a connection it refused; nothing was answered with a 5xx.
            return 400;
        }
    }

    private static int ParseStatus(string response)
    {
        var parts = response.Split(' ', 3);
        return parts.Length >= 2 && int.TryParse(parts[1], out var status) ? status : 0;
    }

    /// <summary>Row counts of every daedalus table and the content of the ones a request could change.</summary>
    private async Task<string> SnapshotAsync() => await _server.ScalarAsync<string>(
        """
        SELECT concat_ws(' | ',
            (SELECT count(*) FROM daedalus.sources), (SELECT md5(coalesce(string_agg(name || definition::text || enabled::text, ',' ORDER BY name), '')) FROM daedalus.sources),
            (SELECT count(*) FROM daedalus.audit_log), (SELECT count(*) FROM daedalus.runs), (SELECT count(*) FROM daedalus.run_streams),
            (SELECT md5(coalesce(string_agg(c::text, ',' ORDER BY c::text), '')) FROM daedalus.cursors c),
            (SELECT count(*) FROM daedalus.batches), (SELECT count(*) FROM daedalus.quarantine),
            (SELECT md5(coalesce(string_agg(n::text, ',' ORDER BY n::text), '')) FROM daedalus.notification_settings n),
            (SELECT count(*) FROM daedalus.notification_outbox), (SELECT count(*) FROM daedalus.schedule_state),
            (SELECT count(*) FROM daedalus.run_anomalies), (SELECT count(*) FROM daedalus.run_stream_metrics),
            (SELECT count(*) FROM daedalus.metric_series), (SELECT count(*) FROM daedalus.metric_points),
            (SELECT md5(coalesce(string_agg(id::text || coalesce(revoked_at::text, ''), ',' ORDER BY id), '')) FROM daedalus.api_keys))
        """);
}
