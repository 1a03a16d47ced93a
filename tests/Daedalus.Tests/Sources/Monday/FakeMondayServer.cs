using System.Globalization;
using System.Text;
using System.Text.Json;
using Daedalus.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Daedalus.Tests.Sources.Monday;

/// <summary>
/// monday's GraphQL endpoint on 127.0.0.1, parsing queries enough to serve one board: board columns,
/// <c>items_page</c> (order by <c>__last_updated__</c>, the day-level <c>UPDATED_AT</c> rule) and root
/// <c>next_items_page</c> with opaque cursors that expire. Enforces the bare-token Authorization header and
/// injects monday's error shapes on demand. Column values follow API 2025-04+: connect boards, dependency,
/// subtasks, mirror and formula cells carry <c>text: null, value: null</c>, and their content
/// (<c>linked_item_ids</c>, <c>subitems_ids</c>, <c>display_value</c>) appears only when the query asks for it in an
/// inline fragment on the implementation type (<c>... on BoardRelationValue { linked_item_ids }</c>); a fragment on
/// an unknown type, or an unknown field on a modelled type, is refused as GraphQL validation would.
/// </summary>
public sealed class FakeMondayServer : IAsyncDisposable
{
    public const string Columns = "columns";
    public const string ItemsPage = "items_page";
    public const string NextItemsPage = "next_items_page";

    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly object _gate = new();
    private readonly WebApplication _app;
    private readonly List<FakeMondayFault> _faults = [];
    private readonly List<FakeMondayRequest> _requests = [];
    private readonly Dictionary<string, (List<long> Ids, int Offset)> _cursors = [];
    private int _cursorCount;

    private FakeMondayServer(WebApplication app, List<FixtureItem> items)
    {
        _app = app;
        Items = items;
    }

    public Uri Url { get; private set; } = null!;

    public string Token { get; set; } = "eyJhbGciOiJIUzI1NiJ9.fake-monday-token-7f3a";

    /// <summary>The board's items; tests mutate it between syncs (under <see cref="Mutate"/>).</summary>
    public List<FixtureItem> Items { get; }

    public long ComplexityAfter { get; set; } = 9_000_000;

    public int ComplexityResetSeconds { get; set; } = 42;

    public IReadOnlyList<FakeMondayRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<FakeMondayServer> StartAsync(List<FixtureItem> items)
    {
        var app = LoopbackApp.Create();
        var server = new FakeMondayServer(app, items);
        app.MapPost("/v2", server.HandleAsync);
        await app.StartAsync();
        server.Url = new Uri(LoopbackApp.Address(app), "/v2");
        return server;
    }

    public void Inject(FakeMondayFault fault)
    {
        lock (_gate)
        {
            _faults.Add(fault);
        }
    }

    public void Mutate(Action<List<FixtureItem>> change)
    {
        lock (_gate)
        {
            change(Items);
        }
    }

    /// <summary>Every page cursor handed out so far stops working (monday keeps them 60 minutes).</summary>
    public void ExpireCursors()
    {
        lock (_gate)
        {
            _cursors.Clear();
        }
    }

    public void ClearRequests()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>
    /// The cell as monday sends it: display text ("" when empty) and the raw value as JSON text (null when empty);
    /// both null for the columns computed from other items (their content is in <see cref="FragmentFields"/>).
    /// </summary>
    public static (string Id, string Type, string? Text, string? Value)[] Cells(FixtureItem item)
    {
        var changed = item.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        string V(object value) => JsonSerializer.Serialize(value, Json);
        return
        [
            ("status", "status", item.Status ?? "", item.Status is null ? null : V(new Dictionary<string, object?> { ["index"] = Array.IndexOf(["Working on it", "Done", "Stuck"], item.Status), ["post_id"] = null, ["changed_at"] = changed })),
            ("text", "text", item.Notes ?? "", item.Notes is null ? null : V(item.Notes)),
            ("numbers", "numbers", item.Budget?.ToString(CultureInfo.InvariantCulture) ?? "", item.Budget is null ? null : V(item.Budget.Value.ToString(CultureInfo.InvariantCulture))),
            ("date4", "date", item.Due?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "", item.Due is null ? null : V(new Dictionary<string, object?> { ["date"] = item.Due.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["changed_at"] = changed })),
            ("checkbox", "checkbox", item.Done ? "v" : "", item.Done ? V(new Dictionary<string, object?> { ["checked"] = "true", ["changed_at"] = changed }) : null),
            ("rating", "rating", item.Priority?.ToString(CultureInfo.InvariantCulture) ?? "", item.Priority is null ? null : V(new Dictionary<string, object?> { ["rating"] = item.Priority, ["changed_at"] = changed })),
            ("hour", "hour", item.StartTime?.ToString("HH:mm", CultureInfo.InvariantCulture) ?? "", item.StartTime is null ? null : V(new Dictionary<string, object?> { ["hour"] = item.StartTime.Value.Hour, ["minute"] = item.StartTime.Value.Minute, ["changed_at"] = changed })),
            ("person", "people", item.OwnerId is null ? "" : $"Owner {item.OwnerId}", item.OwnerId is null ? null : V(new Dictionary<string, object?> { ["personsAndTeams"] = new[] { new Dictionary<string, object?> { ["id"] = item.OwnerId, ["kind"] = "person" } }, ["changed_at"] = changed })),
            ("timeline", "timeline", item.Timeline is { } t ? $"{t.From:yyyy-MM-dd} - {t.To:yyyy-MM-dd}" : "", item.Timeline is { } tl ? V(new Dictionary<string, object?> { ["from"] = tl.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["to"] = tl.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["changed_at"] = changed }) : null),
            ("email", "email", item.Email ?? "", item.Email is null ? null : V(new Dictionary<string, object?> { ["email"] = item.Email, ["text"] = item.Email, ["changed_at"] = changed })),
            ("status_1", "status", item.Stage ?? "", item.Stage is null ? null : V(new Dictionary<string, object?> { ["index"] = 1, ["post_id"] = null, ["changed_at"] = changed })),
            ("connect_boards", "board_relation", null, null),
            ("mirror", "mirror", null, null),
            ("formula", "formula", null, null),
            ("dependent_on", "dependency", null, null),
            ("subitems", "subtasks", null, null),
        ];
    }

    /// <summary>
    /// The typed fields a cell offers on its implementation type, as the column reference pages describe them:
    /// ids are strings (type ID), <c>display_value</c> joins the linked items' names (or the mirrored values) with
    /// ", " and is "" when empty.
    /// </summary>
    public static IReadOnlyDictionary<string, object?> FragmentFields(FixtureItem item, string columnId)
    {
        static string Ids(long id) => id.ToString(CultureInfo.InvariantCulture);
        return columnId switch
        {
            "connect_boards" => new Dictionary<string, object?>
            {
                ["linked_item_ids"] = item.Clients.Select(c => Ids(c.Id)).ToList(),
                ["display_value"] = string.Join(", ", item.Clients.Select(c => c.Name)),
            },
            "mirror" => new Dictionary<string, object?> { ["display_value"] = string.Join(", ", item.Clients.Select(c => MondayFixtures.TierOf(c.Id))) },
            "formula" => new Dictionary<string, object?> { ["display_value"] = item.Score ?? "" },
            "dependent_on" => new Dictionary<string, object?>
            {
                ["linked_item_ids"] = item.BlockedBy.Select(c => Ids(c.Id)).ToList(),
                ["display_value"] = string.Join(", ", item.BlockedBy.Select(c => c.Name)),
            },
            "subitems" => new Dictionary<string, object?>
            {
                ["subitems_ids"] = item.Subitems.Select(c => Ids(c.Id)).ToList(),
                ["display_value"] = string.Join(", ", item.Subitems.Select(c => c.Name)),
            },
            _ => new Dictionary<string, object?>(),
        };
    }

    private static object Render(FixtureItem item, IReadOnlyDictionary<string, HashSet<string>> fragments) => new Dictionary<string, object?>
    {
        ["id"] = item.Id.ToString(CultureInfo.InvariantCulture),
        ["name"] = item.Name,
        ["state"] = item.State,
        ["updated_at"] = item.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ["group"] = new Dictionary<string, object?> { ["id"] = item.Group },
        ["column_values"] = Cells(item).Select(c =>
        {
            var cell = new Dictionary<string, object?> { ["id"] = c.Id, ["type"] = c.Type, ["text"] = c.Text, ["value"] = c.Value };
            if (fragments.TryGetValue(ImplementationTypes[c.Type], out var asked))
            {
                foreach (var (field, value) in FragmentFields(item, c.Id))
                {
                    if (asked.Contains(field))
                    {
                        cell[field] = value;
                    }
                }
            }

            return cell;
        }).ToList(),
    };

    /// <summary>Column type → the ColumnValue implementation its cells have (column values v2).</summary>
    private static readonly Dictionary<string, string> ImplementationTypes = new(StringComparer.Ordinal)
    {
        ["status"] = "StatusValue",
        ["text"] = "TextValue",
        ["numbers"] = "NumbersValue",
        ["date"] = "DateValue",
        ["checkbox"] = "CheckboxValue",
        ["rating"] = "RatingValue",
        ["hour"] = "HourValue",
        ["people"] = "PeopleValue",
        ["timeline"] = "TimelineValue",
        ["email"] = "EmailValue",
        ["board_relation"] = "BoardRelationValue",
        ["mirror"] = "MirrorValue",
        ["formula"] = "FormulaValue",
        ["dependency"] = "DependencyValue",
        ["subtasks"] = "SubtasksValue",
        ["button"] = "ButtonValue",
        ["item_id"] = "ItemIdValue",
    };

    /// <summary>Every ColumnValue implementation of the 2026 schema; the fields are listed for the types the fake models.</summary>
    private static readonly Dictionary<string, string[]?> KnownFragmentFields = new(StringComparer.Ordinal)
    {
        ["BoardRelationValue"] = ["id", "type", "text", "value", "column", "is_leaf", "updated_at", "linked_item_ids", "linked_items", "display_value"],
        ["DependencyValue"] = ["id", "type", "text", "value", "column", "is_leaf", "updated_at", "linked_item_ids", "linked_items", "display_value", "dependency_links"],
        ["SubtasksValue"] = ["id", "type", "text", "value", "column", "is_leaf", "subitems", "subitems_ids", "display_value"],
        ["MirrorValue"] = ["id", "type", "text", "value", "column", "is_leaf", "mirrored_items", "display_value"],
        ["FormulaValue"] = ["id", "type", "text", "value", "column", "is_leaf", "display_value"],
        ["ButtonValue"] = ["id", "type", "text", "value", "column", "is_leaf", "color", "label"],
        ["ItemIdValue"] = ["id", "type", "text", "value", "column", "is_leaf", "item_id"],
        ["BatteryValue"] = null,
        ["CheckboxValue"] = null,
        ["ColorPickerValue"] = null,
        ["CountryValue"] = null,
        ["CreationLogValue"] = null,
        ["DateValue"] = null,
        ["DirectDocValue"] = null,
        ["DocValue"] = null,
        ["DropdownValue"] = null,
        ["EmailValue"] = null,
        ["FileValue"] = null,
        ["GroupValue"] = null,
        ["HourValue"] = null,
        ["IntegrationValue"] = null,
        ["LastUpdatedValue"] = null,
        ["LinkValue"] = null,
        ["LocationValue"] = null,
        ["LongTextValue"] = null,
        ["NumbersValue"] = null,
        ["PeopleValue"] = null,
        ["PersonValue"] = null,
        ["PhoneValue"] = null,
        ["ProgressValue"] = null,
        ["RatingValue"] = null,
        ["StatusValue"] = null,
        ["TagsValue"] = null,
        ["TeamValue"] = null,
        ["TextValue"] = null,
        ["TimelineValue"] = null,
        ["TimeTrackingValue"] = null,
        ["UnsupportedValue"] = null,
        ["VoteValue"] = null,
        ["WeekValue"] = null,
        ["WorldClockValue"] = null,
    };

    /// <summary>The inline fragments of the query's column_values selection: type → requested fields.</summary>
    private static Dictionary<string, HashSet<string>> Fragments(string query, out string? problem)
    {
        problem = null;
        var fragments = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(query, @"\.\.\.\s*on\s+(\w+)\s*\{([^{}]*)\}"))
        {
            var type = match.Groups[1].Value;
            var fields = match.Groups[2].Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (!KnownFragmentFields.TryGetValue(type, out var known))
            {
                problem = $"Unknown type \"{type}\".";
                return [];
            }

            if (known is not null && fields.FirstOrDefault(f => !known.Contains(f)) is { } unknown)
            {
                problem = $"Cannot query field \"{unknown}\" on type \"{type}\".";
                return [];
            }

            (fragments.TryGetValue(type, out var set) ? set : fragments[type] = new HashSet<string>(StringComparer.Ordinal)).UnionWith(fields);
        }

        return fragments;
    }

    private static string Error(string message, string code, int statusCode) =>
        JsonSerializer.Serialize(new { errors = new[] { new { message, extensions = new { code, status_code = statusCode } } }, account_id = 123456 });

    private async Task HandleAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(http.RequestAborted);
        var (status, response, retryAfter) = Answer(http.Request.Headers.Authorization.ToString(), http.Request.Headers["API-Version"].ToString(), body);
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        if (retryAfter is { } seconds)
        {
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        await http.Response.WriteAsync(response, http.RequestAborted);
    }

    private (int Status, string Body, int? RetryAfter) Answer(string authorization, string apiVersion, string body)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            return (400, Error("Unexpected token in JSON body", "JsonParseException", 400), null);
        }

        var query = root.TryGetProperty("query", out var q) ? q.GetString() ?? "" : "";
        var variables = root.TryGetProperty("variables", out var v) && v.ValueKind == JsonValueKind.Object ? v : default;
        var kind = query.Contains("next_items_page", StringComparison.Ordinal) ? NextItemsPage
            : query.Contains("items_page", StringComparison.Ordinal) ? ItemsPage
            : query.Contains("columns", StringComparison.Ordinal) ? Columns
            : "unknown";
        var cursor = kind == NextItemsPage && variables.ValueKind == JsonValueKind.Object && variables.TryGetProperty("cursor", out var c) ? c.GetString() : null;
        int? limit = variables.ValueKind == JsonValueKind.Object && variables.TryGetProperty("limit", out var l) ? l.GetInt32() : null;
        var ruleDay = kind == ItemsPage ? RuleDay(variables) : null;

        lock (_gate)
        {
            var (status, response, retryAfter) = AnswerLocked(authorization, kind, query, variables, cursor, limit);
            _requests.Add(new FakeMondayRequest(kind, cursor, ruleDay, limit, apiVersion.Length == 0 ? null : apiVersion, status));
            return (status, response, retryAfter);
        }
    }

    private (int Status, string Body, int? RetryAfter) AnswerLocked(string authorization, string kind, string query, JsonElement variables, string? cursor, int? limit)
    {
        // monday takes the bare token, no "Bearer".
        if (authorization != Token)
        {
            return (401, Error("Not Authenticated", "UNAUTHENTICATED", 401), null);
        }

        var fault = _faults.FirstOrDefault(f => f.Times > 0 && (f.Kind is null || f.Kind == kind));
        if (fault is { Skip: > 0 })
        {
            fault.Skip--;
        }
        else if (fault is not null)
        {
            fault.Times--;

            // A fault body may echo what the request carried, as some APIs do in their errors ({{authorization}}).
            return (fault.Status, fault.Body.Replace("{{authorization}}", JsonEncodedText.Encode(authorization).ToString(), StringComparison.Ordinal), fault.RetryAfterSeconds);
        }

        if (limit is > 500)
        {
            return (200, Error("limit must be at most 500", "InvalidArgumentException", 200), null);
        }

        var fragments = Fragments(query, out var invalid);
        if (invalid is not null)
        {
            return (200, Error(invalid, "GRAPHQL_VALIDATION_FAILED", 200), null);
        }

        var complexity = new Dictionary<string, object?> { ["before"] = 10_000_000, ["after"] = ComplexityAfter, ["reset_in_x_seconds"] = ComplexityResetSeconds };
        switch (kind)
        {
            case Columns:
                var found = BoardRequested(variables);
                var boards = found ? new[] { new Dictionary<string, object?> { ["id"] = MondayFixtures.BoardId, ["name"] = "Projects", ["columns"] = MondayFixtures.Columns.Select(col => new { id = col.Id, title = col.Title, type = col.Type }) } } : [];
                return (200, Data(new Dictionary<string, object?> { ["complexity"] = complexity, ["boards"] = boards }), null);
            case ItemsPage:
                if (variables.ValueKind == JsonValueKind.Object && variables.TryGetProperty("cursor", out _) && query.Contains("query_params", StringComparison.Ordinal))
                {
                    return (200, Error("You can't use query_params and cursor in the same request", "InvalidArgumentException", 200), null);
                }

                if (!BoardRequested(variables))
                {
                    return (200, Data(new Dictionary<string, object?> { ["complexity"] = complexity, ["boards"] = Array.Empty<object>() }), null);
                }

                var selection = Select(variables, out var problem);
                if (problem is not null)
                {
                    return (200, Error(problem, "InvalidArgumentException", 200), null);
                }

                var first = Page(selection, 0, limit ?? 25, fragments);
                return (200, Data(new Dictionary<string, object?> { ["complexity"] = complexity, ["boards"] = new[] { new Dictionary<string, object?> { ["items_page"] = first } } }), null);
            case NextItemsPage:
                if (cursor is null || !_cursors.TryGetValue(cursor, out var position))
                {
                    return (200, Error("CursorExpiredError: The cursor provided for pagination has expired. Please refresh your query and paginate again.", "CursorExpiredError", 200), null);
                }

                var next = Page(position.Ids, position.Offset, limit ?? 25, fragments);
                return (200, Data(new Dictionary<string, object?> { ["complexity"] = complexity, ["next_items_page"] = next }), null);
            default:
                return (200, Error("Parse error on query", "GraphQLParseError", 200), null);
        }
    }

    private static string Data(Dictionary<string, object?> data) =>
        JsonSerializer.Serialize(new Dictionary<string, object?> { ["data"] = data, ["account_id"] = 123456 }, Json);

    private static bool BoardRequested(JsonElement variables) =>
        variables.ValueKind == JsonValueKind.Object && variables.TryGetProperty("board", out var board) && board.ValueKind == JsonValueKind.Array
        && board.EnumerateArray().Any(b => b.GetString() == MondayFixtures.BoardId);

    private static string? RuleDay(JsonElement variables)
    {
        if (variables.ValueKind != JsonValueKind.Object || !variables.TryGetProperty("params", out var p) || p.ValueKind != JsonValueKind.Object
            || !p.TryGetProperty("rules", out var rules) || rules.ValueKind != JsonValueKind.Array || rules.GetArrayLength() == 0)
        {
            return null;
        }

        var values = rules[0].TryGetProperty("compare_value", out var cv) && cv.ValueKind == JsonValueKind.Array ? cv.EnumerateArray().Select(x => x.GetString()).ToList() : [];
        return values.Count == 2 ? values[1] : null;
    }

    /// <summary>The ids the query selects, in the order it asks for.</summary>
    private List<long> Select(JsonElement variables, out string? problem)
    {
        problem = null;
        IEnumerable<FixtureItem> items = Items;
        var ordered = false;
        if (variables.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            if (p.TryGetProperty("rules", out var rules) && rules.ValueKind == JsonValueKind.Array)
            {
                foreach (var rule in rules.EnumerateArray())
                {
                    var column = rule.GetProperty("column_id").GetString();
                    var attribute = rule.TryGetProperty("compare_attribute", out var a) ? a.GetString() : null;
                    var op = rule.TryGetProperty("operator", out var o) ? o.GetString() : "any_of";
                    var values = rule.GetProperty("compare_value").EnumerateArray().Select(x => x.GetString()).ToList();
                    if (column != "__last_updated__" || attribute != "UPDATED_AT" || op != "greater_than_or_equals" || values.Count != 2 || values[0] != "EXACT"
                        || !DateOnly.TryParseExact(values[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                    {
                        problem = $"unsupported rule {rule.GetRawText()}";
                        return [];
                    }

                    // The fake's token user lives in UTC.
                    items = items.Where(i => DateOnly.FromDateTime(i.UpdatedAt.UtcDateTime) >= day);
                }
            }

            if (p.TryGetProperty("order_by", out var order) && order.ValueKind == JsonValueKind.Array && order.GetArrayLength() > 0)
            {
                var by = order[0];
                if (by.GetProperty("column_id").GetString() != "__last_updated__")
                {
                    problem = $"unsupported order_by {by.GetRawText()}";
                    return [];
                }

                var descending = by.TryGetProperty("direction", out var d) && d.GetString() == "desc";
                items = descending ? items.OrderByDescending(i => i.UpdatedAt).ThenByDescending(i => i.Id) : items.OrderBy(i => i.UpdatedAt).ThenBy(i => i.Id);
                ordered = true;
            }
        }

        return (ordered ? items : items.OrderBy(i => i.Id)).Select(i => i.Id).ToList();
    }

    private Dictionary<string, object?> Page(List<long> ids, int offset, int limit, IReadOnlyDictionary<string, HashSet<string>> fragments)
    {
        var byId = Items.ToDictionary(i => i.Id);
        var slice = ids.Skip(offset).Take(limit).Where(byId.ContainsKey).Select(id => Render(byId[id], fragments)).ToList();
        string? next = null;
        if (offset + limit < ids.Count)
        {
            next = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{++_cursorCount},{offset + limit},{Guid.NewGuid():N}"));
            _cursors[next] = (ids, offset + limit);
        }

        return new Dictionary<string, object?> { ["cursor"] = next, ["items"] = slice };
    }
}
