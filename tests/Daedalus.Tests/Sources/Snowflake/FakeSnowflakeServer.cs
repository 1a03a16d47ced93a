using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Daedalus.Sources.Snowflake;
using Daedalus.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Daedalus.Tests.Sources.Snowflake;

/// <summary>
/// A Snowflake SQL API v2 on 127.0.0.1 speaking the wire format: it verifies the RS256 key-pair JWT (or an OAuth
/// token), "executes" the statements the plugin generates against in-memory tables (rejecting any statement that
/// is not exactly the expected shape, so an interpolated value fails), answers 202 then 200 on poll, serves
/// partitions gzip-compressed with Link headers, and serves injected faults in Snowflake's error shapes.
/// </summary>
public sealed partial class FakeSnowflakeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RSA _publicKey;
    private readonly string _qualifier;
    private readonly string _fingerprint;
    private readonly ConcurrentDictionary<string, FakeTable> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (FakeTable Table, string[] Columns)> _queries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Result> _results = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _handlesByRequestId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FakeFault>> _faults = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _tokensSeen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _expiredTokens = new(StringComparer.Ordinal);

    private FakeSnowflakeServer(WebApplication app, RSA publicKey, string account, string user)
    {
        _app = app;
        _publicKey = publicKey;
        _qualifier = $"{account.Split('.')[0].ToUpperInvariant()}.{user.ToUpperInvariant()}";
        _fingerprint = "SHA256:" + Convert.ToBase64String(SHA256.HashData(publicKey.ExportSubjectPublicKeyInfo()));
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The OAuth token the fake accepts (type OAUTH); null = OAuth not accepted.</summary>
    public string? OAuthToken { get; set; }

    public int PartitionSize { get; set; } = 4;

    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    /// <summary>Protocol mistakes the client made; tests assert it stays empty.</summary>
    public ConcurrentQueue<string> Violations { get; } = new();

    public static async Task<FakeSnowflakeServer> StartAsync(RSA publicKey, string account, string user)
    {
        var app = LoopbackApp.Create();
        var server = new FakeSnowflakeServer(app, publicKey, account, user);
        app.MapPost("/api/v2/statements", server.SubmitAsync);
        app.MapGet("/api/v2/statements/{handle}", server.GetAsync);
        app.MapPost("/api/v2/statements/{handle}/cancel", server.CancelAsync);
        await app.StartAsync();
        server.BaseUrl = LoopbackApp.Address(app);
        return server;
    }

    public FakeTable AddTable(string quotedName, IReadOnlyList<SnowflakeColumn> rowType) => _tables[quotedName] = new FakeTable(rowType);

    /// <summary>A query stream's SELECT: a projection of a table's columns.</summary>
    public void AddQuery(string query, FakeTable table, params string[] columns) => _queries[query] = (table, columns);

    /// <summary>Faults at "submit", "poll" or "partition:N", served in order before normal replies.</summary>
    public void Inject(string point, FakeFault fault, int times = 1)
    {
        var queue = _faults.GetOrAdd(point, _ => new ConcurrentQueue<FakeFault>());
        for (var i = 0; i < times; i++)
        {
            queue.Enqueue(fault);
        }
    }

    /// <summary>Every token presented so far is now expired (as after a server-side clock jump or revocation).</summary>
    public void ExpireTokensSeen()
    {
        foreach (var token in _tokensSeen.Keys)
        {
            _expiredTokens[token] = true;
        }
    }

    /// <summary>Results older than this are gone (24 h retention passed).</summary>
    public void ExpireAllResults()
    {
        foreach (var result in _results.Values)
        {
            result.Expired = true;
        }
    }

    public List<FakeRequest> Submissions() => Requests.Where(r => r.IsSubmit).ToList();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task SubmitAsync(HttpContext context)
    {
        var token = Authenticate(context, out var authError);
        var raw = await new StreamReader(context.Request.Body).ReadToEndAsync();
        JsonObject? body = null;
        try
        {
            body = JsonNode.Parse(raw) as JsonObject;
        }
        catch (JsonException)
        {
        }

        if (authError is not null)
        {
            await ReplyAsync(context, token, body, 401, authError);
            return;
        }

        CheckHeaders(context, requireJsonBody: true);
        var requestId = context.Request.Query["requestId"].ToString();
        if (!Guid.TryParse(requestId, out _))
        {
            Violations.Enqueue($"submission without a UUID requestId: {context.Request.QueryString}");
        }

        if (TakeFault("submit") is { } fault)
        {
            await ReplyAsync(context, token, body, fault);
            return;
        }

        if (body?["statement"]?.GetValue<string>() is not { } statement)
        {
            await ReplyAsync(context, token, body, 400, """{"code":"390142","message":"Incoming request does not contain a valid payload."}""");
            return;
        }

        // retry=true with a known requestId returns the first submission's statement instead of running it again.
        if (context.Request.Query["retry"] == "true" && _handlesByRequestId.TryGetValue(requestId, out var existing))
        {
            await ReplyAsync(context, token, body, 202, Running(existing, requestId));
            return;
        }

        var (rowType, rows, error) = Execute(statement, body["bindings"] as JsonObject);
        if (error is not null)
        {
            await ReplyAsync(context, token, body, 422, error);
            return;
        }

        var handle = Guid.NewGuid().ToString();
        _results[handle] = new Result(handle, requestId, rowType!, rows!);
        _handlesByRequestId[requestId] = handle;
        await ReplyAsync(context, token, body, 202, Running(handle, requestId));
    }

    private async Task GetAsync(HttpContext context, string handle)
    {
        var token = Authenticate(context, out var authError);
        if (authError is not null)
        {
            await ReplyAsync(context, token, null, 401, authError);
            return;
        }

        CheckHeaders(context, requireJsonBody: false);
        var partitionText = context.Request.Query["partition"].ToString();
        var partition = partitionText.Length == 0 ? 0 : int.Parse(partitionText, CultureInfo.InvariantCulture);
        var point = partitionText.Length == 0 ? "poll" : $"partition:{partition}";
        if (TakeFault(point) is { } fault)
        {
            await ReplyAsync(context, token, null, fault, gzip: partitionText.Length > 0);
            return;
        }

        if (!_results.TryGetValue(handle, out var result) || result.Expired)
        {
            await ReplyAsync(context, token, null, FakeFault.HandleExpired(handle));
            return;
        }

        var chunks = result.Rows.Chunk(PartitionSize).ToList();
        if (partitionText.Length == 0)
        {
            await ReplyAsync(context, token, null, 200, ResultSet(result, chunks));
            return;
        }

        if (partition < 0 || partition >= Math.Max(1, chunks.Count))
        {
            await ReplyAsync(context, token, null, 400, """{"code":"000605","message":"Invalid partition number."}""");
            return;
        }

        var path = $"/api/v2/statements/{handle}";
        var links = new List<string> { $"<{path}?partition=0>; rel=\"first\"" };
        if (partition + 1 < chunks.Count)
        {
            links.Add($"<{path}?partition={partition + 1}>; rel=\"next\"");
        }

        links.Add($"<{path}?partition={partition - 1}>; rel=\"prev\"");
        links.Add($"<{path}?partition={chunks.Count - 1}>; rel=\"last\"");
        context.Response.Headers.Link = string.Join(",", links);
        var data = new JsonObject { ["data"] = Rows(chunks[partition]) };
        await ReplyAsync(context, token, null, 200, data.ToJsonString(), gzip: true);
    }

    private async Task CancelAsync(HttpContext context, string handle)
    {
        var token = Authenticate(context, out var authError);
        if (authError is not null)
        {
            await ReplyAsync(context, token, null, 401, authError);
            return;
        }

        await ReplyAsync(context, token, null, 200, $$"""{"code":"000604","sqlState":"57014","message":"SQL execution canceled","statementHandle":"{{handle}}"}""");
    }

    private (IReadOnlyList<SnowflakeColumn>? RowType, List<string?[]>? Rows, string? Error) Execute(string statement, JsonObject? bindings)
    {
        string Failure(string message) =>
            new JsonObject { ["code"] = "001003", ["sqlState"] = "42000", ["message"] = $"SQL compilation error:\n{message}", ["statementHandle"] = Guid.NewGuid().ToString() }.ToJsonString();

        var describe = DescribeShape().Match(statement);
        var read = describe.Success ? describe : ReadShape().Match(statement);
        if (!read.Success)
        {
            Violations.Enqueue($"unexpected statement shape: {statement}");
            return (null, null, Failure("syntax error: unexpected statement"));
        }

        var relation = read.Groups["rel"].Value;
        IReadOnlyList<SnowflakeColumn> rowType;
        List<string?[]> rows;
        if (_tables.TryGetValue(relation, out var table))
        {
            rowType = table.RowType;
            rows = table.Snapshot();
        }
        else if (QueryShape().Match(relation) is { Success: true } query && _queries.TryGetValue(query.Groups["q"].Value, out var projection))
        {
            var indexes = projection.Columns.Select(projection.Table.IndexOf).ToArray();
            rowType = indexes.Select(i => projection.Table.RowType[i]).ToList();
            rows = projection.Table.Snapshot().Select(r => indexes.Select(i => r[i]).ToArray()).ToList();
        }
        else
        {
            Violations.Enqueue($"unknown relation (or text spliced into the statement): {relation}");
            return (null, null, Failure($"Object '{relation}' does not exist or not authorized."));
        }

        if (describe.Success)
        {
            return (rowType, [], null);
        }

        var where = read.Groups["w"];
        var order = read.Groups["o"];
        if (where.Success)
        {
            var index = rowType.ToList().FindIndex(c => $"\"{c.Name}\"" == where.Value);
            var binding = bindings?["1"] as JsonObject;
            if (index < 0 || binding is null || bindings!.Count != 1)
            {
                Violations.Enqueue($"watermark filter without exactly one binding: {statement}");
                return (null, null, Failure("Bind variable ? not set."));
            }

            var type = binding["type"]?.GetValue<string>();
            var value = binding["value"]?.GetValue<string>();
            var expectedType = SnowflakeWireExpectations.BindingType(rowType[index].Type);
            if (type != expectedType || value is null)
            {
                Violations.Enqueue($"binding type {type} for a {rowType[index].Type} watermark (expected {expectedType})");
            }

            var bound = SnowflakeWireExpectations.BindingKey(rowType[index].Type, value ?? "0");
            rows = rows.Where(r => r[index] is { } cell && SnowflakeWireExpectations.CellKey(rowType[index].Type, cell) >= bound).ToList();
        }
        else if (bindings is { Count: > 0 })
        {
            Violations.Enqueue("bindings without a placeholder");
        }

        if (order.Success)
        {
            var index = rowType.ToList().FindIndex(c => $"\"{c.Name}\"" == order.Value);
            rows = rows.OrderBy(r => r[index] is null ? 1 : 0).ThenBy(r => r[index] is { } cell ? SnowflakeWireExpectations.CellKey(rowType[index].Type, cell) : 0).ToList();
        }

        return (rowType, rows, null);
    }

    private string? Authenticate(HttpContext context, out string? error)
    {
        error = null;
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            error = """{"code":"390101","message":"Authorization header not found in the request data."}""";
            return null;
        }

        var token = header["Bearer ".Length..];
        var type = context.Request.Headers["X-Snowflake-Authorization-Token-Type"].ToString();
        if (_expiredTokens.ContainsKey(token))
        {
            error = type == "OAUTH"
                ? """{"code":"390318","message":"OAuth access token expired. [1172527951366]"}"""
                : """{"code":"390144","message":"JWT token is invalid. [expired]"}""";
            return token;
        }

        _tokensSeen[token] = true;
        if (type == "OAUTH")
        {
            if (OAuthToken is null || token != OAuthToken)
            {
                error = """{"code":"390303","message":"Invalid OAuth access token. [1172527951366]"}""";
            }

            return token;
        }

        if (type != "KEYPAIR_JWT")
        {
            Violations.Enqueue($"token type header '{type}'");
        }

        if (VerifyJwt(token) is { } reason)
        {
            Violations.Enqueue($"JWT rejected: {reason}");
            error = """{"code":"390144","message":"JWT token is invalid."}""";
        }

        return token;
    }

    private string? VerifyJwt(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return "not three parts";
        }

        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        if (header.RootElement.GetProperty("alg").GetString() != "RS256")
        {
            return "alg is not RS256";
        }

        var signature = Base64Url.DecodeFromChars(parts[2]);
        if (!_publicKey.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return "signature does not verify with the registered public key";
        }

        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        var claims = payload.RootElement;
        var iat = claims.GetProperty("iat").GetInt64();
        var exp = claims.GetProperty("exp").GetInt64();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return claims.GetProperty("iss").GetString() != $"{_qualifier}.{_fingerprint}" ? $"iss {claims.GetProperty("iss").GetString()}"
            : claims.GetProperty("sub").GetString() != _qualifier ? $"sub {claims.GetProperty("sub").GetString()}"
            : exp - iat > 3600 ? "lifetime over one hour"
            : iat > now + 60 ? "issued in the future"
            : exp <= now ? "expired"
            : null;
    }

    private void CheckHeaders(HttpContext context, bool requireJsonBody)
    {
        if (string.IsNullOrEmpty(context.Request.Headers.UserAgent))
        {
            Violations.Enqueue("no User-Agent");
        }

        if (!context.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.Ordinal))
        {
            Violations.Enqueue("Accept is not application/json");
        }

        if (requireJsonBody && context.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            Violations.Enqueue($"Content-Type {context.Request.ContentType}");
        }
    }

    private FakeFault? TakeFault(string point) =>
        _faults.TryGetValue(point, out var queue) && queue.TryDequeue(out var fault) ? fault : null;

    private Task ReplyAsync(HttpContext context, string? token, JsonObject? body, FakeFault fault, bool gzip = false)
    {
        if (fault.RetryAfter is not null)
        {
            context.Response.Headers.RetryAfter = fault.RetryAfter;
        }

        return ReplyAsync(context, token, body, fault.Status, fault.Body, gzip && fault.Status == 200, fault.ContentType);
    }

    private async Task ReplyAsync(HttpContext context, string? token, JsonObject? body, int status, string text, bool gzip = false, string contentType = "application/json")
    {
        Requests.Enqueue(new FakeRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, token, context.Request.Headers.AcceptEncoding.ToString(), body, status));
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        var bytes = Encoding.UTF8.GetBytes(text);
        if (gzip)
        {
            using var buffer = new MemoryStream();
            using (var zip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            {
                zip.Write(bytes);
            }

            bytes = buffer.ToArray();
            context.Response.Headers.ContentEncoding = "gzip";
        }

        await context.Response.Body.WriteAsync(bytes);
    }

    private static string Running(string handle, string requestId) =>
        $$"""{"code":"333334","message":"Asynchronous execution in progress. Use provided query id to perform query monitoring and management.","statementHandle":"{{handle}}","statementStatusUrl":"/api/v2/statements/{{handle}}?requestId={{requestId}}"}""";

    private static string ResultSet(Result result, List<string?[][]> chunks)
    {
        var rowType = new JsonArray();
        foreach (var column in result.RowType)
        {
            rowType.Add(new JsonObject
            {
                ["name"] = column.Name,
                ["database"] = "SALES",
                ["schema"] = "PUBLIC",
                ["table"] = "ORDERS",
                ["type"] = column.Type,
                ["scale"] = column.Scale,
                ["precision"] = column.Precision,
                ["byteLength"] = null,
                ["length"] = null,
                ["collation"] = null,
                ["nullable"] = column.Nullable,
            });
        }

        var partitions = new JsonArray();
        foreach (var chunk in chunks.Count == 0 ? [Array.Empty<string?[]>()] : chunks)
        {
            var size = Encoding.UTF8.GetByteCount(Rows(chunk).ToJsonString());
            partitions.Add(new JsonObject { ["rowCount"] = chunk.Length, ["uncompressedSize"] = size, ["compressedSize"] = size / 3 });
        }

        return new JsonObject
        {
            ["resultSetMetaData"] = new JsonObject { ["numRows"] = result.Rows.Count, ["format"] = "jsonv2", ["partitionInfo"] = partitions, ["rowType"] = rowType },
            ["data"] = Rows(chunks.Count == 0 ? [] : chunks[0]),
            ["code"] = "090001",
            ["statementStatusUrl"] = $"/api/v2/statements/{result.Handle}?requestId={result.RequestId}",
            ["requestId"] = result.RequestId,
            ["sqlState"] = "00000",
            ["statementHandle"] = result.Handle,
            ["message"] = "Statement executed successfully.",
            ["createdOn"] = 1716000000000,
        }.ToJsonString();
    }

    private static JsonArray Rows(IEnumerable<string?[]> rows)
    {
        var array = new JsonArray();
        foreach (var row in rows)
        {
            array.Add(new JsonArray(row.Select(c => (JsonNode?)(c is null ? null : JsonValue.Create(c))).ToArray()));
        }

        return array;
    }

    [GeneratedRegex(@"^SELECT \* FROM (?<rel>.+) WHERE 1 = 0$", RegexOptions.Singleline)]
    private static partial Regex DescribeShape();

    [GeneratedRegex(@"^SELECT \* FROM (?<rel>.+?)(?: WHERE (?<w>""[A-Z_]+"") >= \?)?(?: ORDER BY (?<o>""[A-Z_]+""))?$", RegexOptions.Singleline)]
    private static partial Regex ReadShape();

    [GeneratedRegex(@"^\(\n(?<q>.+)\n\) AS ""DAEDALUS_QUERY""$", RegexOptions.Singleline)]
    private static partial Regex QueryShape();

    private sealed class Result(string handle, string requestId, IReadOnlyList<SnowflakeColumn> rowType, List<string?[]> rows)
    {
        public string Handle { get; } = handle;

        public string RequestId { get; } = requestId;

        public IReadOnlyList<SnowflakeColumn> RowType { get; } = rowType;

        public List<string?[]> Rows { get; } = rows;

        public bool Expired { get; set; }
    }
}
