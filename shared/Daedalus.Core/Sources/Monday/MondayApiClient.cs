using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Daedalus.Sources.Monday;

/// <summary>
/// Sends queries to monday for one pull: pins the API version, authenticates, watches the complexity budget
/// and waits out rate limits, locked boards and server errors as <see cref="Retry"/> allows (all its waits together
/// within <see cref="MondaySettings.MaxWait"/>); past that a rate limit ends the pull early
/// (<see cref="SourceRateLimitedException"/>) so the cursor is kept and the next tick resumes.
/// </summary>
public sealed class MondayApiClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly SourceContext _context;
    private readonly MondaySettings _settings;
    private readonly string _token;
    private DateTimeOffset? _budgetRefillsAt;

    public MondayApiClient(SourceContext context, MondaySettings settings, string token)
    {
        _context = context;
        _settings = settings;
        _token = token;
        Retry = new SourceRetryPolicy(settings.MaxWait, context.Clock, context.RetryWaits);
    }

    public int Requests { get; private set; }

    /// <summary>Retries of this client (one stream's describe or read), and the waits it granted.</summary>
    public SourceRetryPolicy Retry { get; }

    public async Task<IReadOnlyList<MondayColumn>> BoardColumnsAsync(string boardId, CancellationToken cancellationToken)
    {
        var data = await QueryAsync(MondayQueries.BoardColumns, new Dictionary<string, object?> { ["board"] = new[] { boardId } }, cancellationToken);
        var board = FirstBoard(data, boardId);
        return board.TryGetProperty("columns", out var columns) && columns.ValueKind == JsonValueKind.Array
            ? columns.Deserialize<List<MondayColumn>>(Json) ?? []
            : throw new SourceException($"monday board {boardId}: the response has no columns");
    }

    /// <summary>The first page of a pass, oldest change first; from <paramref name="since"/> when set (day-level filter).</summary>
    public async Task<MondayItemsPage> FirstPageAsync(string boardId, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, object?>
        {
            ["order_by"] = new[] { new Dictionary<string, object?> { ["column_id"] = "__last_updated__", ["direction"] = "asc" } },
        };
        if (since is { } from && _settings.DayFilter)
        {
            // The rule is day-level and in the token user's timezone: start a day early, re-filter client-side.
            var day = from.UtcDateTime.Date.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            parameters["rules"] = new[]
            {
                new Dictionary<string, object?>
                {
                    ["column_id"] = "__last_updated__",
                    ["compare_attribute"] = "UPDATED_AT",
                    ["operator"] = "greater_than_or_equals",
                    ["compare_value"] = new[] { "EXACT", day },
                },
            };
        }

        var data = await QueryAsync(
            MondayQueries.FirstPage,
            new Dictionary<string, object?> { ["board"] = new[] { boardId }, ["limit"] = _settings.PageSize, ["params"] = parameters },
            cancellationToken);
        var board = FirstBoard(data, boardId);
        return board.TryGetProperty("items_page", out var page) && page.ValueKind == JsonValueKind.Object
            ? ReadPage(page, boardId)
            : throw new SourceException($"monday board {boardId}: the response has no items_page");
    }

    public async Task<MondayItemsPage> NextPageAsync(string boardId, string cursor, CancellationToken cancellationToken)
    {
        var data = await QueryAsync(MondayQueries.NextPage, new Dictionary<string, object?> { ["cursor"] = cursor, ["limit"] = _settings.PageSize }, cancellationToken);
        return data.TryGetProperty("next_items_page", out var page) && page.ValueKind == JsonValueKind.Object
            ? ReadPage(page, boardId)
            : throw new SourceException($"monday board {boardId}: the response has no next_items_page");
    }

    /// <summary>
    /// An items page, item by item: an item that cannot be read (a string with an unpaired surrogate, which .NET
    /// refuses; a wrong shape; an <c>updated_at</c> finer than microseconds) comes back with
    /// <see cref="MondayItem.Rejected"/> set, so one bad item is quarantined and the rest of the board still loads.
    /// </summary>
    internal static MondayItemsPage ReadPage(JsonElement page, string boardId)
    {
        string? cursor;
        try
        {
            cursor = page.TryGetProperty("cursor", out var c) && c.ValueKind != JsonValueKind.Null ? c.GetString() : null;
        }
        catch (InvalidOperationException ex)
        {
            throw new SourceException($"monday board {boardId}: an items page's cursor is not a string", ex);
        }

        if (!page.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            throw new SourceException($"monday board {boardId}: an items page has no items array");
        }

        var read = new List<MondayItem>(items.GetArrayLength());
        foreach (var item in items.EnumerateArray())
        {
            read.Add(ReadItem(item));
        }

        return new MondayItemsPage(cursor, read);
    }

    private static MondayItem ReadItem(JsonElement item)
    {
        var updated = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("updated_at", out var u) && u.ValueKind == JsonValueKind.String && JsonText.TryGetString(u, out var text)
            ? text
            : null;
        try
        {
            var read = item.Deserialize<MondayItem>(Json) ?? throw new JsonException("null item");
            return updated is not null && !TemporalPrecision.FitsMicroseconds(updated)
                ? read with { Rejected = $"updated_at {TemporalPrecision.Problem}" }
                : read;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException)
        {
            // The exception's message may quote the item's text: the reason names only what went wrong.
            var id = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String && JsonText.TryGetString(i, out var s) ? s : "";
            var reason = ex is InvalidOperationException || ex.InnerException is InvalidOperationException
                ? $"a field {JsonText.UnpairedSurrogateProblem}"
                : "the item does not have the expected shape";
            var at = updated is not null && DateTimeOffset.TryParse(updated, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : (DateTimeOffset?)null;
            return new MondayItem(id, null, null, at, null, null) { Rejected = reason };
        }
    }

    private static JsonElement FirstBoard(JsonElement data, string boardId)
    {
        if (data.TryGetProperty("boards", out var boards) && boards.ValueKind == JsonValueKind.Array && boards.GetArrayLength() > 0)
        {
            return boards[0];
        }

        throw new SourceException($"monday board {boardId} was not found, or the token's user cannot see it");
    }

    private async Task<JsonElement> QueryAsync(string query, Dictionary<string, object?> variables, CancellationToken cancellationToken)
    {
        while (true)
        {
            await WaitForBudgetAsync(cancellationToken);
            var (status, retryAfter, body) = await SendAsync(query, variables, cancellationToken);
            var now = _context.Clock.GetUtcNow();
            var failure = MondayErrorClassifier.Classify(status, retryAfter, body, now, out var data);
            if (failure is null)
            {
                Retry.Succeeded();
                WatchBudget(data, now);
                return data;
            }

            switch (failure.Kind)
            {
                case MondayFailureKind.RateLimited or MondayFailureKind.Locked:
                    if (!await Retry.TryWaitAsync(failure.RetryAfter, cancellationToken))
                    {
                        throw Retry.Exhausted(failure.Message, failure.RetryAfter);
                    }

                    _context.Logger.LogWarning("monday {Kind}: waited {Seconds}s before attempt {Attempt}", failure.Kind, Retry.Waits[^1].TotalSeconds, Retry.Failures + 1);
                    continue;
                case MondayFailureKind.Error when status >= 500:
                    if (!await Retry.TryWaitAsync(retryAfter, cancellationToken))
                    {
                        throw new SourceException($"{failure.Message} (after {Retry.Failures} attempts)");
                    }

                    _context.Logger.LogWarning("monday answered HTTP {Status}: waited {Seconds}s before attempt {Attempt}", status, Retry.Waits[^1].TotalSeconds, Retry.Failures + 1);
                    continue;
                case MondayFailureKind.DailyLimit:
                    throw new SourceRateLimitedException(failure.Message, failure.RetryAfter);
                case MondayFailureKind.CursorExpired:
                    throw new MondayCursorExpiredException(failure.Message);
                case MondayFailureKind.Unauthorized:
                    throw new SourceException($"{failure.Message}. Check the token in the secret store and the user's access to the board.");
                default:
                    throw new SourceException(failure.Message);
            }
        }
    }

    private async Task<(int Status, TimeSpan? RetryAfter, string Body)> SendAsync(string query, Dictionary<string, object?> variables, CancellationToken cancellationToken)
    {
        Requests++;
        return await SourceHttpExchange.SendAsync(
            _context,
            Retry,
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, _settings.ApiUrl)
                {
                    Content = JsonContent.Create(new MondayGraphQlRequest(query, variables), options: new JsonSerializerOptions(JsonSerializerDefaults.Web)),
                };
                request.Headers.TryAddWithoutValidation("Authorization", _token);
                request.Headers.TryAddWithoutValidation("API-Version", _settings.ApiVersion);
                return request;
            },
            "monday",
            _settings.ApiUrl.ToString(),
            cancellationToken);
    }

    private void WatchBudget(JsonElement data, DateTimeOffset now)
    {
        if (!data.TryGetProperty("complexity", out var element) || element.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var complexity = element.Deserialize<MondayComplexity>(Json);
        if (complexity?.After is { } after && after < _settings.MinComplexityBudget)
        {
            _budgetRefillsAt = now + TimeSpan.FromSeconds(Math.Max(0, complexity.ResetInXSeconds ?? 60));
            _context.Logger.LogInformation("monday complexity budget low ({After} left); next call after {Reset}s", after, complexity.ResetInXSeconds);
        }
    }

    private async Task WaitForBudgetAsync(CancellationToken cancellationToken)
    {
        if (_budgetRefillsAt is not { } refill)
        {
            return;
        }

        _budgetRefillsAt = null;
        var wait = refill - _context.Clock.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        // The refill wait counts toward the same bounded wait as every retry.
        if (!await Retry.TryWaitAsync(wait, cancellationToken))
        {
            throw Retry.Exhausted($"monday complexity budget is low and refills in {wait.TotalSeconds:0}s", wait);
        }

        Retry.Succeeded();
    }
}
