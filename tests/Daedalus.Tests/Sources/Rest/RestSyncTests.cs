using System.Globalization;
using Daedalus.Configuration;
using Daedalus.Pipeline;
using Daedalus.Runs;
using Daedalus.Security;
using Daedalus.Sources;
using Daedalus.Sources.Rest;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Daedalus.Tests.Sources.Monday;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Daedalus.Tests.Sources.Rest;

/// <summary>
/// The rest plugin through the real SyncRunner into a real PostgreSQL, against a fake JSON API on 127.0.0.1: every
/// paginator, every auth style (a rotating refresh token among them), a 429 storm, a 500 then success, malformed
/// JSON, a 400 whose message quotes the credential, and values that only land exactly when kept as text.
/// </summary>
public sealed class RestSyncTests : IAsyncLifetime
{
    private const string Source = "api";
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly CapturedLogs _logs = new();
    private FakeRestApi _api = null!;
    private CoreServices _core = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeRestApi.StartAsync();
        _api.PageSize = 100;
        for (var i = 1; i <= 450; i++)
        {
            _api.Widgets.Add(new FakeWidget(i, $"widget {i}", Amount(i), Start.AddMinutes(i / 2), AmountIsText: i is 13 or 21));
        }

        // One page per batch, so a pull that stops keeps every page before the one in hand (the batcher holds that one).
        _core = await CoreServices.StartAsync("rest", new Dictionary<string, string?> { ["Daedalus:Sync:MaxBatchRows"] = "100" }, configure: services => services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs)));
        var secrets = _core.Get<ISecretStore>();
        foreach (var (name, value) in new[] { ("token", FakeRestApi.Token), ("api_key", FakeRestApi.ApiKey), ("username", FakeRestApi.User), ("password", FakeRestApi.Password), ("client_id", FakeRestApi.ClientId), ("client_secret", FakeRestApi.ClientSecret), ("refresh_token", _api.RefreshToken) })
        {
            await secrets.SetAsync($"{Source}-{name}", value, CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        await _core.DisposeAsync();
        await _api.DisposeAsync();
    }

    /// <summary>Exact-value edges: scale kept, beyond decimal, beyond double, negative, a quoted number, a cell that is no number.</summary>
    private static string Amount(int i) => i switch
    {
        1 => "12.50",
        2 => "123456789012345678901234567890.123456789",
        3 => "0.1000000000000000055511151231257827",
        4 => "-7",
        5 => "1E+3",
        13 => "not a number",
        21 => "19.99",
        _ => $"{i}.{i:00}",
    };

    private static string Expected(int i) => i switch
    {
        5 => "1000",
        _ => Amount(i),
    };

    [Theory]
    [InlineData("json_link", "data", "json_link", 5)]
    [InlineData("link", "$", "header_link", 5)]
    [InlineData("cursor", "items", "cursor", 5)]
    [InlineData("offset", "results", "offset", 5)]
    [InlineData("pages", "data", "page_number", 5)]
    public async Task Every_paginator_reads_every_record_once_with_exact_values_and_quarantines_the_undecodable_cell(string endpoint, string records, string paginator, int pages)
    {
        await SaveAsync(Stream(endpoint, records, paginator));

        var summary = await SyncOneAsync();

        Assert.Equal(RunStatus.Succeeded, summary.Status);
        Assert.Equal(450, summary.RowsRead);
        Assert.Equal(449, summary.RowsLoaded);
        Assert.Equal(1, summary.Quarantined);
        Assert.Equal(pages, _api.Requests.Count);
        Assert.Equal(Enumerable.Range(1, 450).Where(i => i != 13).Select(i => $"{i}|{Expected(i)}|{Start.AddMinutes(i / 2).UtcDateTime:yyyy-MM-dd HH:mm:ss}|user{i % 3}|[\"a\", \"b\"]"), await RowsAsync());
        var reason = Assert.Single(await QuarantineAsync());
        Assert.Equal("stream widgets: column amount is not a decimal number (a string)", reason);
    }

    [Fact]
    public async Task Incremental_runs_ask_from_the_watermark_less_the_lookback_and_read_only_what_changed()
    {
        await SaveAsync(Stream("link", "$", "header_link", incremental: true));
        await SyncOneAsync();
        var cursor = RestCursor.Parse(await CursorAsync())!;
        Assert.Null(cursor.Pass);
        Assert.Equal("2025-03-01T11:45:00Z", cursor.Watermark);
        _api.Widgets[4] = _api.Widgets[4] with { Name = "renamed", UpdatedAt = Start.AddHours(5) };
        _api.ClearRequests();

        var second = await SyncOneAsync();

        Assert.Equal(RunStatus.Succeeded, second.Status);
        var first = _api.Requests[0];
        Assert.Contains("updated_since=2025-03-01T11%3A40%3A00Z", first.Query, StringComparison.Ordinal);
        Assert.Equal(_api.Widgets.Count(w => w.UpdatedAt >= Start.AddMinutes(220)), second.RowsRead);
        Assert.Contains("5|1000|2025-03-01 13:00:00|user2|[\"a\", \"b\"]", await RowsAsync());
        Assert.Equal("2025-03-01T13:00:00Z", RestCursor.Parse(await CursorAsync())!.Watermark);
    }

    [Fact]
    public async Task Further_credentials_by_secret_name_go_in_headers_and_params_and_never_into_the_cursor()
    {
        // An API needing two credentials (an application key header and a token parameter): plain headers/params are
        // refused for them, so auth.headers and auth.params name the secrets instead.
        _api.Auth = "two_keys";
        var settings = new Dictionary<string, string> { ["auth.headers.X-App-Key"] = "api_key", ["auth.params.token"] = "token" };
        await SaveAsync(Stream("json_link", "data", "json_link", incremental: true), settings);

        var summary = await SyncOneAsync();

        Assert.Equal(RunStatus.Succeeded, summary.Status);
        Assert.Equal(450, summary.RowsRead);
        Assert.All(_api.Requests, r => Assert.Equal(200, r.Status));
        Assert.DoesNotContain(FakeRestApi.Token, await CursorAsync() ?? "", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bearer", "bearer", null, null)]
    [InlineData("api_key_header", "api_key", "header", "X-Api-Key")]
    [InlineData("api_key_query", "api_key", "query", "api_key")]
    [InlineData("basic", "basic", null, null)]
    [InlineData("oauth", "oauth_client_credentials", null, null)]
    public async Task Every_auth_style_gets_in_and_a_wrong_credential_fails_without_echoing_it(string serverAuth, string type, string? location, string? name)
    {
        _api.Auth = serverAuth;
        var settings = new Dictionary<string, string> { ["auth.type"] = type };
        if (location is not null)
        {
            settings["auth.in"] = location;
            settings["auth.name"] = name!;
        }

        if (type.StartsWith("oauth", StringComparison.Ordinal))
        {
            settings["auth.tokenUrl"] = new Uri(_api.Url, "/oauth/token").ToString();
        }

        await SaveAsync(Stream("json_link", "data", "json_link", incremental: true), settings);

        var summary = await SyncOneAsync();

        Assert.Equal(RunStatus.Succeeded, summary.Status);
        Assert.Equal(450, summary.RowsRead);
        Assert.All(_api.Requests, r => Assert.Equal(200, r.Status));

        // Credentials never land in the stored cursor, even when the server echoes a query key into its next link.
        Assert.DoesNotContain(FakeRestApi.ApiKey, await CursorAsync() ?? "", StringComparison.Ordinal);

        // A wrong credential: the stream fails with the status and the API's message, never the secret.
        var secretName = type switch { "bearer" => "token", "api_key" => "api_key", "basic" => "password", _ => "client_secret" };
        await _core.Get<ISecretStore>().SetAsync($"{Source}-{secretName}", "wrong-credential-value", CancellationToken.None);
        _api.RevokeAccessTokens();
        await _core.Get<CursorStore>().ResetAsync(Source, "widgets", "test", CancellationToken.None);

        var failed = await SyncOneAsync();

        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Contains(type.StartsWith("oauth", StringComparison.Ordinal) ? "refused the client id/secret (HTTP 401, invalid_client)" : "answered HTTP 401: Bad credentials", failed.Error, StringComparison.Ordinal);
        AssertNoSecret(failed.Error, "wrong-credential-value");
    }

    [Fact]
    public async Task A_rotating_refresh_token_is_written_back_and_the_next_run_uses_the_new_one()
    {
        _api.Auth = "oauth";
        var original = _api.RefreshToken;
        await SaveAsync(Stream("cursor", "items", "cursor", incremental: true), new Dictionary<string, string>
        {
            ["auth.type"] = "oauth_refresh_token",
            ["auth.tokenUrl"] = new Uri(_api.Url, "/oauth/token").ToString(),
            ["auth.clientAuth"] = "body",
        });

        Assert.Equal(RunStatus.Succeeded, (await SyncOneAsync()).Status);

        var rotated = (await StoredAsync("refresh_token"))!;
        Assert.NotEqual(original, rotated);
        Assert.Equal(_api.RefreshToken, rotated);
        Assert.Equal([original], _api.UsedRefreshTokens);

        // The access token dies; the next run refreshes with the rotated token (the original one no longer works).
        _api.RevokeAccessTokens();
        _api.Widgets.Add(new FakeWidget(451, "new", "1.5", Start.AddHours(6)));
        var second = await SyncOneAsync();

        Assert.Equal(RunStatus.Succeeded, second.Status);
        Assert.Equal([original, rotated], _api.UsedRefreshTokens);
        Assert.Equal(_api.RefreshToken, await StoredAsync("refresh_token"));
        Assert.Contains("451|1.5|2025-03-01 14:00:00|user1|[\"a\", \"b\"]", await RowsAsync());

        // The original token is dead: putting it back fails the refresh with a message that names the secret, not the token.
        await _core.Get<ISecretStore>().SetAsync($"{Source}-refresh_token", original, CancellationToken.None);
        _api.RevokeAccessTokens();
        var failed = await SyncOneAsync();
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Contains("refused the refresh token (invalid_grant)", failed.Error, StringComparison.Ordinal);
        Assert.Contains($"'{Source}-refresh_token'", failed.Error, StringComparison.Ordinal);
        AssertNoSecret(failed.Error, original);
        foreach (var token in _api.UsedRefreshTokens.Append(_api.RefreshToken).Append(FakeRestApi.ClientSecret))
        {
            Assert.DoesNotContain(_logs.Lines, l => l.Contains(token, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_429_storm_ends_the_pull_early_with_its_cursor_and_the_next_run_resumes_at_the_stored_page()
    {
        await SaveAsync(Stream("json_link", "data", "json_link", incremental: true), new Dictionary<string, string> { ["maxWaitSeconds"] = "0" });
        // Two pages succeed, then every request is throttled, through the HTTP client's own retries too.
        _api.Inject(new FakeRestFault("/v1/json_link", 429, """{"message":"API rate limit exceeded"}""", After: 2, Times: 1000, RetryAfterSeconds: 1));

        var stopped = await SyncOneAsync();

        Assert.Equal(RunStatus.Partial, stopped.Status);
        Assert.Contains("rate limited", stopped.Error, StringComparison.Ordinal);
        Assert.Equal(100, stopped.RowsRead);
        var cursor = RestCursor.Parse(await CursorAsync())!;
        Assert.Null(cursor.Watermark);
        Assert.Equal("2025-03-01T08:50:00Z", cursor.Pass!.Max);
        Assert.Contains("after=100", cursor.Pass.Next, StringComparison.Ordinal);
        Assert.Equal(99, await CountAsync());

        Assert.Contains(_api.Requests, r => r.Status == 429);

        // The storm passes; the next run starts at the page after the last stored one.
        _api.ClearFaults();
        _api.ClearRequests();
        var resumed = await SyncOneAsync();

        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        var first = _api.Requests.First(r => r.Status == 200);
        Assert.Contains("after=100", first.Query, StringComparison.Ordinal);
        Assert.Equal(350, resumed.RowsRead);
        Assert.Equal(449, await CountAsync());
        Assert.Equal("2025-03-01T11:45:00Z", RestCursor.Parse(await CursorAsync())!.Watermark);
    }

    [Fact]
    public async Task A_500_then_success_is_retried_and_loads_everything_once()
    {
        await SaveAsync(Stream("offset", "results", "offset"));
        _api.Inject(new FakeRestFault("/v1/offset", 500, """{"message":"Server Error"}""", After: 1, Times: 1));

        var summary = await SyncOneAsync();

        Assert.Equal(RunStatus.Succeeded, summary.Status);
        Assert.Equal(450, summary.RowsRead);
        Assert.Equal(449, await CountAsync());
        Assert.Equal([200, 500, 200, 200, 200, 200], _api.Requests.Select(r => r.Status));
        Assert.Equal(_api.Requests[1].Query, _api.Requests[2].Query);
    }

    [Fact]
    public async Task Malformed_json_fails_the_stream_keeps_the_pages_before_it_and_loads_nothing_of_it()
    {
        await SaveAsync(Stream("pages", "data", "page_number", incremental: true));
        _api.Inject(new FakeRestFault("/v1/pages", 200, """{"data":[{"id":15,"name":"half""", After: 2, Times: 1));

        var failed = await SyncOneAsync();

        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Contains("/v1/pages answered HTTP 200 with a body that is not valid JSON (line 1", failed.Error, StringComparison.Ordinal);
        Assert.Contains("nothing of that page was loaded", failed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("half", failed.Error, StringComparison.Ordinal);
        Assert.Equal(99, await CountAsync());
        Assert.Contains("page=2", RestCursor.Parse(await CursorAsync())!.Pass!.Next, StringComparison.Ordinal);

        var resumed = await SyncOneAsync();
        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.Equal(449, await CountAsync());
    }

    [Fact]
    public async Task A_page_whose_bytes_are_not_utf8_fails_the_stream_instead_of_landing_U_FFFD_and_loads_nothing_of_it()
    {
        // "Renée" as a Latin-1 server sends it (é is the single byte 0xE9) under a charset=utf-8 header.
        await SaveAsync(Stream("pages", "data", "page_number", incremental: true));
        _api.Inject(new FakeRestFault("/v1/pages", 200, "", After: 2, Times: 1, RawBody: [.. "{\"data\":[{\"id\":15,\"name\":\"Ren"u8, 0xE9, .. "e\"}]}"u8]));

        var failed = await SyncOneAsync();

        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal("/v1/pages answered HTTP 200 with a body that is not valid utf-8; nothing of that page was loaded", failed.Error);
        Assert.Equal(99, await CountAsync());

        var resumed = await SyncOneAsync();
        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.Equal(449, await CountAsync());
    }

    [Fact]
    public async Task A_400_fails_the_stream_with_status_and_message_and_the_credential_it_quotes_is_redacted()
    {
        _api.Auth = "bearer";
        await SaveAsync(Stream("cursor", "items", "cursor"), new Dictionary<string, string> { ["auth.type"] = "bearer" });
        _api.Inject(new FakeRestFault("/v1/cursor", 400, $$$"""{"error":{"message":"token {{{FakeRestApi.Token}}} may not use page size 100"}}""", After: 2, Times: 1));

        var failed = await SyncOneAsync();

        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal("/v1/cursor answered HTTP 400: token [secret] may not use page size 100", failed.Error);
        Assert.Equal(99, await CountAsync());
        Assert.Equal(3, _api.Requests.Count);
    }

    [Fact]
    public async Task Discover_infers_column_types_from_a_sample_and_check_proves_the_credentials()
    {
        _api.Auth = "bearer";
        var stream = Stream("link", "$", "header_link", declared: false);
        var source = Definition([stream], new Dictionary<string, string> { ["auth.type"] = "bearer" });
        var plugin = (ISourceDiscovery)_core.Get<SourcePluginRegistry>().Get(RestSourcePlugin.PluginName);
        var context = new SourceContext(source, _core.Get<ISecretStore>(), _core.Get<IHttpClientFactory>().CreateClient(RestSourcePlugin.PluginName), TimeProvider.System, _core.Get<ILoggerFactory>().CreateLogger("test"));

        var check = await plugin.CheckAsync(context, stream, CancellationToken.None);
        var discovered = await plugin.DiscoverAsync(context, stream, CancellationToken.None);

        Assert.Equal(new StreamCheck("widgets", true, "/v1/link answered; 100 record(s) on the first page"), check);

        // amount: numbers, but widgets 13 and 21 send strings, so the sample says text (declare it to load decimals).
        Assert.Equal(
            ["id:Integer", "name:Text", "amount:Text", "updatedat:Timestamp", "tags:Json", "owner:Json"],
            discovered.Schema.Columns.Select(c => $"{c.Name}:{c.Type}"));
        Assert.Equal("timestamp", discovered.Settings["columns.updatedat"]);
        // The six column types are pinned; the stream's own settings (path, records, paginator...) are kept as they were.
        Assert.Equal(6, discovered.Settings.Keys.Count(k => k.StartsWith("columns.", StringComparison.Ordinal)));
        Assert.All(stream.Settings, setting => Assert.Equal(setting.Value, discovered.Settings[setting.Key]));
        Assert.Equal(stream.Settings.Count + 6, discovered.Settings.Count);

        await _core.Get<ISecretStore>().SetAsync($"{Source}-token", "nope-nope", CancellationToken.None);
        var refused = await plugin.CheckAsync(context, stream, CancellationToken.None);
        Assert.False(refused.Ok);
        Assert.Equal("/v1/link answered HTTP 401: Bad credentials (check the credentials: token)", refused.Message);
    }

    private static StreamDefinition Stream(string endpoint, string records, string paginator, bool incremental = false, bool declared = true)
    {
        var stream = new StreamDefinition
        {
            Name = "widgets",
            Mode = incremental ? SyncMode.Incremental : SyncMode.Full,
            PrimaryKey = ["id"],
            Cursor = "updatedat",
            Target = new TargetTable { Schema = "rest", Table = "widgets" },
            Settings =
            {
                ["path"] = $"/v1/{endpoint}",
                ["records"] = records,
                ["paginator.type"] = paginator,
                ["paginator.nextUrlPath"] = "next",
                ["paginator.cursorPath"] = "meta.next_cursor",
                ["paginator.totalPath"] = paginator == "offset" ? "total" : "total_pages",
                ["incremental.param"] = "updated_since",
                ["incremental.lookbackSeconds"] = "300",
                ["incremental.format"] = "iso8601",
            },
        };
        if (paginator == "offset")
        {
            stream.Settings["paginator.limit"] = "100";
        }

        if (declared)
        {
            foreach (var (name, type) in new[] { ("id", "integer"), ("name", "text"), ("amount", "decimal"), ("updatedat", "timestamp"), ("owner__login", "text"), ("tags", "json") })
            {
                stream.Settings[$"columns.{name}"] = type;
            }
        }

        return stream;
    }

    private SourceDefinition Definition(IEnumerable<StreamDefinition> streams, IReadOnlyDictionary<string, string>? settings = null)
    {
        var source = new SourceDefinition { Name = Source, Plugin = RestSourcePlugin.PluginName, Settings = { ["baseUrl"] = _api.Url.ToString() } };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            source.Settings[key] = value;
        }

        source.Streams.AddRange(streams);
        return source;
    }

    private async Task SaveAsync(StreamDefinition stream, IReadOnlyDictionary<string, string>? settings = null)
    {
        var source = Definition([stream], settings);
        Assert.Empty(_core.Get<SourceDefinitionValidator>().Validate(source, "sources.api"));
        await _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);
    }

    private async Task<StreamSummary> SyncOneAsync() =>
        Assert.Single(await _core.Get<SyncRunner>().RunAsync([Source], _core.Get<InProcessSink>(), "test", null, CancellationToken.None));

    private Task<string?> CursorAsync() => _core.Get<CursorStore>().GetAsync(Source, "widgets", CancellationToken.None);

    private Task<string?> StoredAsync(string name) => _core.Get<ISecretStore>().GetAsync($"{Source}-{name}", CancellationToken.None).AsTask();

    private void AssertNoSecret(string? error, string wrong)
    {
        foreach (var secret in new[] { FakeRestApi.Token, FakeRestApi.ApiKey, FakeRestApi.Password, FakeRestApi.ClientSecret, wrong })
        {
            Assert.DoesNotContain(secret, error ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain(_logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
        }
    }

    private async Task<List<string>> RowsAsync()
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id, amount::text, to_char(updatedat AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), owner__login, tags::text FROM rest.widgets ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    private async Task<long> CountAsync()
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM rest.widgets", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<List<string>> QuarantineAsync()
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT reason FROM daedalus.quarantine WHERE source = 'api' ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var reasons = new List<string>();
        while (await reader.ReadAsync())
        {
            reasons.Add(reader.GetString(0));
        }

        return reasons;
    }
}
