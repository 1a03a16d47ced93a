using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Daedalus.Runs;

namespace Daedalus.Client;

/// <summary>
/// Typed client for the Daedalus HTTP API. Errors surface as <see cref="DaedalusApiException"/> with the
/// server's problem+json detail.
/// </summary>
public sealed class DaedalusClient : IDaedalusApi
{
    private readonly HttpClient _http;

    /// <param name="http">An HttpClient whose BaseAddress is the server root (e.g. http://localhost:5080/).</param>
    public DaedalusClient(HttpClient http)
    {
        _http = http;
    }

    /// <summary>The header an Azure Function App reads a function key from (the host checks it before any code runs).</summary>
    public const string FunctionKeyHeader = "x-functions-key";

    /// <summary>The most runs the API gives per page.</summary>
    private const int MaxRunPage = 500;

    /// <summary>The most run events the API gives per page.</summary>
    private const int MaxEventPage = 5000;

    /// <summary>A client for <paramref name="baseAddress"/>, sending <paramref name="apiKey"/> as a bearer token.</summary>
    public static DaedalusClient Create(Uri baseAddress, string? apiKey, TimeSpan? timeout = null)
    {
        var http = Http(baseAddress, timeout);
        if (!string.IsNullOrEmpty(apiKey))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return new DaedalusClient(http);
    }

    /// <summary>A client for the API hosted in an Azure Function App, sending <paramref name="functionKey"/> as <c>x-functions-key</c>.</summary>
    public static DaedalusClient CreateForFunctionApp(Uri baseAddress, string functionKey, TimeSpan? timeout = null)
    {
        var http = Http(baseAddress, timeout);
        http.DefaultRequestHeaders.Add(FunctionKeyHeader, functionKey);
        return new DaedalusClient(http);
    }

    public async Task<IReadOnlyList<SourceSpec>> ListSourcesAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync<ItemList<SourceSpec>>(HttpMethod.Get, ApiPaths.Sources, null, cancellationToken)).Items;

    public Task<SourceSpec> GetSourceAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<SourceSpec>(HttpMethod.Get, ApiPaths.Source(name), null, cancellationToken);

    public Task<SourceSpec> CreateSourceAsync(SourceSpec source, CancellationToken cancellationToken = default) =>
        SendAsync<SourceSpec>(HttpMethod.Post, ApiPaths.Sources, source, cancellationToken);

    /// <summary>Creates or replaces the source; <c>Created</c> tells which.</summary>
    public async Task<(SourceSpec Source, bool Created)> ReplaceSourceAsync(string name, SourceSpec source, CancellationToken cancellationToken = default)
    {
        using var response = await SendRawAsync(HttpMethod.Put, ApiPaths.Source(name), source, cancellationToken);
        return (await ReadAsync<SourceSpec>(response, cancellationToken), response.StatusCode == HttpStatusCode.Created);
    }

    public Task<SourceSpec> PatchSourceAsync(string name, SourcePatch patch, CancellationToken cancellationToken = default) =>
        SendAsync<SourceSpec>(HttpMethod.Patch, ApiPaths.Source(name), patch, cancellationToken);

    public async Task DeleteSourceAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await SendRawAsync(HttpMethod.Delete, ApiPaths.Source(name), null, cancellationToken);
    }

    /// <summary>The source with its ETag (its version), for a later conditional write.</summary>
    public Task<Versioned<SourceSpec>> GetSourceVersionedAsync(string name, CancellationToken cancellationToken = default) =>
        SendVersionedAsync<SourceSpec>(HttpMethod.Get, ApiPaths.Source(name), null, null, cancellationToken);

    /// <summary>
    /// Replaces the source only if it is still at <paramref name="ifMatch"/> (an ETag from an earlier answer, or <c>*</c>
    /// for any existing version); a <see cref="DaedalusApiException"/> with status 412 when it changed meanwhile.
    /// </summary>
    public Task<Versioned<SourceSpec>> ReplaceSourceAsync(string name, SourceSpec source, string? ifMatch, CancellationToken cancellationToken = default) =>
        SendVersionedAsync<SourceSpec>(HttpMethod.Put, ApiPaths.Source(name), source, ifMatch, cancellationToken);

    /// <summary>Patches the source only if it is still at <paramref name="ifMatch"/> (412 otherwise); the answer carries the new ETag.</summary>
    public Task<Versioned<SourceSpec>> PatchSourceAsync(string name, SourcePatch patch, string? ifMatch, CancellationToken cancellationToken = default) =>
        SendVersionedAsync<SourceSpec>(HttpMethod.Patch, ApiPaths.Source(name), patch, ifMatch, cancellationToken);

    /// <summary>Deletes the source only if it is still at <paramref name="ifMatch"/> (412 otherwise).</summary>
    public async Task DeleteSourceAsync(string name, string? ifMatch, CancellationToken cancellationToken = default)
    {
        using var response = await SendRawAsync(HttpMethod.Delete, ApiPaths.Source(name), null, cancellationToken, ifMatch);
    }

    /// <summary>Every target table Daedalus loads, with columns, types, row counts, last load and freshness.</summary>
    public async Task<IReadOnlyList<CatalogTable>> ListCatalogAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync<ItemList<CatalogTable>>(HttpMethod.Get, ApiPaths.Catalog, null, cancellationToken)).Items;

    public Task<CatalogTable> GetCatalogTableAsync(string schema, string table, CancellationToken cancellationToken = default) =>
        SendAsync<CatalogTable>(HttpMethod.Get, ApiPaths.CatalogTable(schema, table), null, cancellationToken);

    public Task<NotificationSettings> GetNotificationsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<NotificationSettings>(HttpMethod.Get, ApiPaths.Notifications, null, cancellationToken);

    /// <summary>Replaces the global notification channels.</summary>
    public Task<NotificationSettings> ReplaceNotificationsAsync(NotificationSettings settings, CancellationToken cancellationToken = default) =>
        SendAsync<NotificationSettings>(HttpMethod.Put, ApiPaths.Notifications, settings, cancellationToken);

    /// <inheritdoc />
    public Task<SourceCheckReport> CheckSourceAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<SourceCheckReport>(HttpMethod.Post, ApiPaths.SourceCheck(name), null, cancellationToken);

    /// <inheritdoc />
    public Task<SourceDiscoveryReport> DiscoverSourceAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<SourceDiscoveryReport>(HttpMethod.Get, ApiPaths.SourceDiscover(name), null, cancellationToken);

    /// <summary>The newest <paramref name="limit"/> runs of the source, following the API's pages (500 a page).</summary>
    public Task<IReadOnlyList<RunInfo>> ListRunsAsync(string source, int limit = 20, RunStatus? status = null, CancellationToken cancellationToken = default) =>
        FollowPagesAsync<RunInfo>($"{ApiPaths.Runs(source)}?limit={PageSize(limit, MaxRunPage)}{StatusQuery(status)}", limit, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RunInfo>> ListAllRunsAsync(int limit = 20, RunStatus? status = null, CancellationToken cancellationToken = default) =>
        FollowPagesAsync<RunInfo>($"{ApiPaths.AllRuns}?limit={PageSize(limit, MaxRunPage)}{StatusQuery(status)}", limit, cancellationToken);

    private static string StatusQuery(RunStatus? status) => status is null ? "" : $"&status={status.Value.Name()}";

    /// <inheritdoc/>
    public Task<RunInfo> CancelRunAsync(Guid id, CancellationToken cancellationToken = default) =>
        SendAsync<RunInfo>(HttpMethod.Post, ApiPaths.RunCancelById(id), null, cancellationToken);

    public Task<RunInfo> GetRunAsync(string source, Guid id, CancellationToken cancellationToken = default) =>
        SendAsync<RunInfo>(HttpMethod.Get, ApiPaths.Run(source, id), null, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RunEventInfo>> ListRunEventsAsync(string source, Guid id, int limit = int.MaxValue, CancellationToken cancellationToken = default) =>
        FollowPagesAsync<RunEventInfo>($"{ApiPaths.RunEvents(source, id)}?limit={PageSize(limit, MaxEventPage)}", limit, cancellationToken);

    /// <summary>Starts a pull now; the server answers at once (202) and the run goes on in the background.</summary>
    public Task<RunAccepted> TriggerRunAsync(string source, CancellationToken cancellationToken = default) =>
        SendAsync<RunAccepted>(HttpMethod.Post, ApiPaths.Runs(source), null, cancellationToken);

    public Task<CursorReset> ResetStreamAsync(string source, string stream, CancellationToken cancellationToken = default) =>
        SendAsync<CursorReset>(HttpMethod.Post, ApiPaths.StreamReset(source, stream), null, cancellationToken);

    /// <summary>The status report; a 503 still carries one, so it is returned rather than thrown.</summary>
    public async Task<StatusReport> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ApiPaths.Status);
        using var response = await _http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable && IsJson(response, "application/json"))
        {
            return await ReadBodyAsync<StatusReport>(response, cancellationToken);
        }

        return await ReadAsync<StatusReport>(response, cancellationToken);
    }

    /// <summary>Every series (of <paramref name="metric"/> when given), following the API's pages.</summary>
    public Task<IReadOnlyList<SeriesInfo>> ListSeriesAsync(string? metric = null, CancellationToken cancellationToken = default) =>
        FollowPagesAsync<SeriesInfo>(ApiPaths.Timeseries + (metric is null ? "" : "?metric=" + Uri.EscapeDataString(metric)), int.MaxValue, cancellationToken);

    public Task<SeriesPoints> GetPointsAsync(string metric, DateTimeOffset from, DateTimeOffset to, string? step = null, string? aggregate = null, IReadOnlyDictionary<string, string>? labels = null, CancellationToken cancellationToken = default)
    {
        var query = new StringBuilder($"{ApiPaths.TimeseriesPoints}?metric={Uri.EscapeDataString(metric)}");
        query.Append("&from=").Append(Uri.EscapeDataString(from.ToString("O", CultureInfo.InvariantCulture)));
        query.Append("&to=").Append(Uri.EscapeDataString(to.ToString("O", CultureInfo.InvariantCulture)));
        if (step is not null)
        {
            query.Append("&step=").Append(Uri.EscapeDataString(step));
        }

        if (aggregate is not null)
        {
            query.Append("&aggregate=").Append(Uri.EscapeDataString(aggregate));
        }

        if (labels is { Count: > 0 })
        {
            query.Append("&labels=").Append(Uri.EscapeDataString(string.Join(",", labels.Select(l => $"{l.Key}={l.Value}"))));
        }

        return SendAsync<SeriesPoints>(HttpMethod.Get, query.ToString(), null, cancellationToken);
    }

    public async Task<IReadOnlyList<PoisonBatch>> ListPoisonAsync(int limit = 32, CancellationToken cancellationToken = default) =>
        (await ListPoisonWithTotalAsync(limit, cancellationToken)).Items;

    public Task<ItemList<PoisonBatch>> ListPoisonWithTotalAsync(int limit = 32, CancellationToken cancellationToken = default) =>
        SendAsync<ItemList<PoisonBatch>>(HttpMethod.Get, $"{ApiPaths.PoisonBatches}?limit={limit.ToString(CultureInfo.InvariantCulture)}", null, cancellationToken);

    public Task<PoisonReplayResult> ReplayPoisonAsync(string? messageId = null, CancellationToken cancellationToken = default) =>
        SendAsync<PoisonReplayResult>(HttpMethod.Post, ApiPaths.PoisonReplay, new PoisonReplayRequest { MessageId = messageId }, cancellationToken);

    /// <summary>Pull requests in the pull poison queue (their runs are failed until replayed).</summary>
    public async Task<IReadOnlyList<PoisonPull>> ListPoisonPullsAsync(int limit = 32, CancellationToken cancellationToken = default) =>
        (await SendAsync<ItemList<PoisonPull>>(HttpMethod.Get, $"{ApiPaths.PoisonPulls}?limit={limit.ToString(CultureInfo.InvariantCulture)}", null, cancellationToken)).Items;

    /// <summary>Moves one poisoned pull request (or all, when <paramref name="messageId"/> is null) back to the pull queue; each resumes its run.</summary>
    public Task<PoisonReplayResult> ReplayPoisonPullsAsync(string? messageId = null, CancellationToken cancellationToken = default) =>
        SendAsync<PoisonReplayResult>(HttpMethod.Post, ApiPaths.PoisonPullsReplay, new PoisonReplayRequest { MessageId = messageId }, cancellationToken);

    /// <summary>The Prometheus exposition text.</summary>
    public async Task<string> GetMetricsTextAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendRawAsync(HttpMethod.Get, ApiPaths.Metrics, null, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary>Items of a paged list from <paramref name="path"/> on, following each page's next link, up to <paramref name="limit"/>.</summary>
    private async Task<IReadOnlyList<T>> FollowPagesAsync<T>(string path, int limit, CancellationToken cancellationToken)
    {
        // The first page is always asked for, so a limit the server refuses is its 400, not an empty list.
        var page = await SendAsync<ItemList<T>>(HttpMethod.Get, path, null, cancellationToken);
        var items = new List<T>(page.Items);
        while (page.Next is not null && items.Count < limit)
        {
            page = await SendAsync<ItemList<T>>(HttpMethod.Get, page.Next, null, cancellationToken);
            items.AddRange(page.Items);
        }

        return items.Count > limit ? items.GetRange(0, limit) : items;
    }

    /// <summary>The page size to ask for: what is wanted, within what the server allows per page.</summary>
    private static string PageSize(int limit, int maxPage) => Math.Min(limit, maxPage).ToString(CultureInfo.InvariantCulture);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, body, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    private async Task<Versioned<T>> SendVersionedAsync<T>(HttpMethod method, string path, object? body, string? ifMatch, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, body, cancellationToken, ifMatch);
        return new Versioned<T>(await ReadAsync<T>(response, cancellationToken), response.Headers.ETag?.ToString());
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (ifMatch is not null)
        {
            // Unvalidated: "*" and tags are sent exactly as the caller got them.
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: DaedalusJson.Options);
        }

        var response = await _http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ToExceptionAsync(response, cancellationToken);
            }
        }

        return response;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ToExceptionAsync(response, cancellationToken);
        }

        return await ReadBodyAsync<T>(response, cancellationToken);
    }

    private static async Task<T> ReadBodyAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(DaedalusJson.Options, cancellationToken)
                ?? throw new DaedalusApiException($"{(int)response.StatusCode}: empty answer where {typeof(T).Name} was expected");
        }
        catch (JsonException ex)
        {
            throw new DaedalusApiException($"{(int)response.StatusCode}: the answer is not a valid {typeof(T).Name}: {ex.Message}", ex);
        }
    }

    private static async Task<DaedalusApiException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ApiProblem? problem = null;
        if (IsJson(response, "application/problem+json") || IsJson(response, "application/json"))
        {
            try
            {
                problem = await response.Content.ReadFromJsonAsync<ApiProblem>(DaedalusJson.Options, cancellationToken);
            }
            catch (JsonException)
            {
                // Not a problem document after all: fall back to the status line below.
            }
        }

        problem ??= new ApiProblem { Status = (int)response.StatusCode, Title = response.ReasonPhrase };
        return new DaedalusApiException(response.StatusCode, problem);
    }

    private static HttpClient Http(Uri baseAddress, TimeSpan? timeout) =>
        new() { BaseAddress = baseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(100) };

    private static bool IsJson(HttpResponseMessage response, string mediaType) =>
        string.Equals(response.Content.Headers.ContentType?.MediaType, mediaType, StringComparison.OrdinalIgnoreCase);
}
