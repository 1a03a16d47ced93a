using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Daedalus.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Daedalus.Tests.Sources.QuickBooks;

/// <summary>
/// QuickBooks Online on 127.0.0.1: the OAuth token endpoint (Basic client auth, rotating refresh tokens,
/// invalid_grant for dead ones), the query endpoint (parses SELECT/WHERE Metadata.LastUpdatedTime/ORDERBY/
/// STARTPOSITION/MAXRESULTS, rejects MAXRESULTS above 1000 with a QueryValidationError) and CDC (changes since,
/// deletes as status Deleted, at most 1,000 objects). Errors come in QuickBooks' own shapes, on demand.
/// </summary>
public sealed partial class FakeQuickBooksServer : IAsyncDisposable
{
    public const string Token = "token";
    public const string Query = "query";
    public const string Cdc = "cdc";
    public const string ClientId = "ABkq9fake-client-id";
    public const string ClientSecret = "s3cr3t-fake-client-secret";
    public const string Realm = "9130357766521234";

    private readonly object _gate = new();
    private readonly WebApplication _app;
    private readonly List<FakeQboFault> _faults = [];
    private readonly List<FakeQboRequest> _requests = [];
    private readonly HashSet<string> _accessTokens = [];
    private int _issued;

    private FakeQuickBooksServer(WebApplication app, List<QboFixture> entities)
    {
        _app = app;
        Entities = entities;
    }

    public Uri Url { get; private set; } = null!;

    public List<QboFixture> Entities { get; }

    /// <summary>The only refresh token the fake accepts; each refresh replaces it (rotation).</summary>
    public string RefreshToken { get; private set; } = "AB11-initial-refresh-token-0000";

    /// <summary>Every refresh and access token handed out, so tests can check none reached a log.</summary>
    public List<string> IssuedSecrets { get; } = [];

    /// <summary>Reads what the secret store holds now; called on each API request to prove the order of writes.</summary>
    public Func<Task<string?>>? StoredRefreshToken { get; set; }

    /// <summary>Every access token the fake has issued (credentials a test may look for in logs and errors).</summary>
    public IReadOnlyList<string> IssuedAccessTokens
    {
        get
        {
            lock (_gate)
            {
                return [.. _accessTokens];
            }
        }
    }

    public int CdcLimit { get; set; } = 1000;

    public IReadOnlyList<FakeQboRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<FakeQuickBooksServer> StartAsync(List<QboFixture> entities)
    {
        var app = LoopbackApp.Create();
        var server = new FakeQuickBooksServer(app, entities);
        app.MapPost("/oauth2/v1/tokens/bearer", server.TokenAsync);
        app.MapGet("/v3/company/{realm}/query", context => server.ApiAsync(context, Query));
        app.MapGet("/v3/company/{realm}/cdc", context => server.ApiAsync(context, Cdc));
        await app.StartAsync();
        server.Url = LoopbackApp.Address(app);
        return server;
    }

    public void Inject(FakeQboFault fault)
    {
        lock (_gate)
        {
            _faults.Add(fault);
        }
    }

    public void Mutate(Action<List<QboFixture>> change)
    {
        lock (_gate)
        {
            change(Entities);
        }
    }

    /// <summary>Every access token stops working (they live an hour in QuickBooks).</summary>
    public void ExpireAccessTokens()
    {
        lock (_gate)
        {
            _accessTokens.Clear();
        }
    }

    /// <summary>The refresh token dies (revoked, or unused for 100 days): only a new consent helps.</summary>
    public void RevokeRefreshToken()
    {
        lock (_gate)
        {
            RefreshToken = "revoked-" + Guid.NewGuid().ToString("N");
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

    /// <summary>An entity as QuickBooks sends it (JSON, Pacific offsets, refs as {value,name}).</summary>
    public static JsonObject Render(QboFixture e)
    {
        var o = new JsonObject();
        void Put(string name, JsonNode? value)
        {
            if (value is not null)
            {
                o[name] = value;
            }
        }

        JsonObject? Ref(string? value, string? name) => value is null ? null : name is null ? new JsonObject { ["value"] = value } : new JsonObject { ["value"] = value, ["name"] = name };
        string? Day(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        switch (e.Entity)
        {
            case "Customer":
                var parts = e.Name!.Split(' ');
                Put("Taxable", false);
                Put("Job", false);
                Put("BillWithParent", false);
                Put("Balance", e.Balance);
                Put("BalanceWithJobs", e.Balance);
                Put("CurrencyRef", new JsonObject { ["value"] = "USD", ["name"] = "United States Dollar" });
                Put("PreferredDeliveryMethod", "Print");
                Put("GivenName", parts[0]);
                Put("FamilyName", parts[1]);
                Put("FullyQualifiedName", e.Name);
                Put("DisplayName", e.Name);
                Put("PrintOnCheckName", e.Name);
                Put("Active", e.Active);
                Put("PrimaryEmailAddr", e.Email is null ? null : new JsonObject { ["Address"] = e.Email });
                break;
            case "Invoice":
                Put("AllowIPNPayment", false);
                Put("DocNumber", e.DocNumber);
                Put("TxnDate", Day(e.TxnDate));
                Put("CurrencyRef", new JsonObject { ["value"] = "USD", ["name"] = "United States Dollar" });
                Put("Line", new JsonArray(
                    new JsonObject { ["Id"] = "1", ["LineNum"] = 1, ["Amount"] = e.Amount, ["DetailType"] = "SalesItemLineDetail", ["SalesItemLineDetail"] = new JsonObject { ["ItemRef"] = new JsonObject { ["value"] = "1", ["name"] = "Services" }, ["UnitPrice"] = e.Amount, ["Qty"] = 1 } },
                    new JsonObject { ["Amount"] = e.Amount, ["DetailType"] = "SubTotalLineDetail", ["SubTotalLineDetail"] = new JsonObject() }));
                Put("CustomerRef", Ref(e.RefValue, e.RefName));
                Put("DueDate", Day(e.DueDate));
                Put("TotalAmt", e.Amount);
                Put("Balance", e.Balance);
                break;
            case "Payment":
                Put("CustomerRef", Ref(e.RefValue, e.RefName));
                Put("TotalAmt", e.Amount);
                Put("UnappliedAmt", e.Balance);
                Put("ProcessPayment", false);
                Put("TxnDate", Day(e.TxnDate));
                Put("Line", new JsonArray(new JsonObject { ["Amount"] = e.Amount - e.Balance, ["LinkedTxn"] = new JsonArray(new JsonObject { ["TxnId"] = "1001", ["TxnType"] = "Invoice" }) }));
                break;
            case "Bill":
                Put("DocNumber", e.DocNumber);
                Put("TxnDate", Day(e.TxnDate));
                Put("DueDate", Day(e.DueDate));
                Put("VendorRef", Ref(e.RefValue, e.RefName));
                Put("APAccountRef", new JsonObject { ["value"] = "33", ["name"] = "Accounts Payable (A/P)" });
                Put("TotalAmt", e.Amount);
                Put("Balance", e.Balance);
                break;
            case "Account":
                var (sub, classification) = QboFixtures.AccountClass(e.Kind!);
                Put("Name", e.Name);
                Put("SubAccount", false);
                Put("FullyQualifiedName", e.Name);
                Put("Active", e.Active);
                Put("Classification", classification);
                Put("AccountType", e.Kind);
                Put("AccountSubType", sub);
                Put("CurrentBalance", e.Balance);
                Put("CurrentBalanceWithSubAccounts", e.Balance);
                break;
            case "Item":
                Put("Name", e.Name);
                Put("Active", e.Active);
                Put("FullyQualifiedName", e.Name);
                Put("Taxable", false);
                Put("UnitPrice", e.Amount);
                Put("Type", e.Kind);
                Put("QtyOnHand", e.Balance);
                Put("TrackQtyOnHand", e.Kind == "Inventory");
                break;
            default:
                throw new ArgumentException($"unknown entity {e.Entity}", nameof(e));
        }

        o["domain"] = "QBO";
        o["sparse"] = false;
        o["Id"] = e.Id;
        o["SyncToken"] = e.SyncToken.ToString(CultureInfo.InvariantCulture);
        o["MetaData"] = new JsonObject { ["CreateTime"] = Time(e.Created), ["LastUpdatedTime"] = Time(e.Updated) };
        return o;
    }

    /// <summary>QuickBooks' timestamps: seconds with the company's offset (Pacific here).</summary>
    public static string Time(DateTimeOffset t) => t.ToOffset(TimeSpan.FromHours(-7)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static string Now() => Time(DateTimeOffset.UtcNow);

    private static string Fault(string type, string code, string message, string? detail = null) =>
        new JsonObject
        {
            ["Fault"] = new JsonObject
            {
                ["Error"] = new JsonArray(new JsonObject { ["Message"] = message, ["Detail"] = detail ?? message, ["code"] = code, ["element"] = "" }),
                ["type"] = type,
            },
            ["time"] = Now(),
        }.ToJsonString();

    private async Task TokenAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{ClientSecret}"));
        int status;
        string body;
        lock (_gate)
        {
            if (http.Request.Headers.Authorization.ToString() != expected)
            {
                (status, body) = (401, """{"error":"invalid_client"}""");
            }
            else if (form["grant_type"] != "refresh_token")
            {
                (status, body) = (400, """{"error":"unsupported_grant_type"}""");
            }
            else if (form["refresh_token"] != RefreshToken)
            {
                (status, body) = (400, """{"error":"invalid_grant"}""");
            }
            else
            {
                _issued++;
                var access = $"eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..access-{_issued}-{Guid.NewGuid():N}";
                RefreshToken = $"AB11{_issued:000}-rotated-refresh-{Guid.NewGuid():N}";
                _accessTokens.Add(access);
                IssuedSecrets.Add(access);
                IssuedSecrets.Add(RefreshToken);
                (status, body) = (200, new JsonObject
                {
                    ["token_type"] = "bearer",
                    ["access_token"] = access,
                    ["refresh_token"] = RefreshToken,
                    ["expires_in"] = 3600,
                    ["x_refresh_token_expires_in"] = 8726400,
                }.ToJsonString());
            }

            _requests.Add(new FakeQboRequest(Token, null, null, null, http.Request.Headers.Accept.ToString(), status, null));
        }

        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body, http.RequestAborted);
    }

    private async Task ApiAsync(HttpContext http, string kind)
    {
        var stored = StoredRefreshToken is null ? null : await StoredRefreshToken();
        var request = http.Request;
        var query = request.Query["query"].ToString();
        var changedSince = request.Query["changedSince"].ToString();
        var minor = request.Query["minorversion"].ToString();
        int status;
        string body;
        int? retryAfter = null;
        lock (_gate)
        {
            var authorization = request.Headers.Authorization.ToString();
            var fault = _faults.FirstOrDefault(f => f.Times > 0 && f.Kind == kind);
            if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !_accessTokens.Contains(authorization["Bearer ".Length..]))
            {
                (status, body) = (401, FakeQboFault.GatewayUnauthorized(kind).Body);
            }
            else if (fault is { Skip: 0 })
            {
                fault.Times--;

                // A fault body may echo what the request carried ({{authorization}}, {{realm}} from the path).
                var echoed = fault.Body
                    .Replace("{{authorization}}", JsonEncodedText.Encode(authorization).ToString(), StringComparison.Ordinal)
                    .Replace("{{realm}}", JsonEncodedText.Encode(request.RouteValues["realm"]?.ToString() ?? "").ToString(), StringComparison.Ordinal);
                (status, body, retryAfter) = (fault.Status, echoed, fault.RetryAfterSeconds);
            }
            else
            {
                if (fault is not null)
                {
                    fault.Skip--;
                }

                (status, body) = request.RouteValues["realm"]?.ToString() != Realm
                    ? (403, Fault("AuthorizationFault", "3100", "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403"))
                    : kind == Query ? AnswerQuery(query) : AnswerCdc(request.Query["entities"].ToString(), changedSince);
            }

            _requests.Add(new FakeQboRequest(kind, kind == Query ? query : null, kind == Cdc ? changedSince : null, minor.Length == 0 ? null : minor, request.Headers.Accept.ToString(), status, stored));
        }

        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json;charset=UTF-8";
        if (retryAfter is { } seconds)
        {
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        await http.Response.WriteAsync(body, http.RequestAborted);
    }

    private (int, string) AnswerQuery(string query)
    {
        var match = QueryPattern().Match(query);
        if (!match.Success)
        {
            return (400, Fault("ValidationFault", "4000", "Error parsing query", $"QueryParserError: cannot parse \"{query}\""));
        }

        var entity = match.Groups["entity"].Value;
        var start = match.Groups["start"].Success ? int.Parse(match.Groups["start"].Value, CultureInfo.InvariantCulture) : 1;
        var max = match.Groups["max"].Success ? int.Parse(match.Groups["max"].Value, CultureInfo.InvariantCulture) : 100;
        if (max > 1000)
        {
            return (400, Fault("ValidationFault", "4001", "Invalid query", $"QueryValidationError: value {max} is too large. Max allowed value is 1000"));
        }

        IEnumerable<QboFixture> rows = Entities.Where(e => e.Entity == entity && !e.Deleted);
        if (match.Groups["since"].Success)
        {
            var since = DateTimeOffset.Parse(match.Groups["since"].Value, CultureInfo.InvariantCulture);
            rows = rows.Where(e => e.Updated >= since);
        }

        if (match.Groups["order"].Success)
        {
            rows = rows.OrderBy(e => e.Updated).ThenBy(e => long.Parse(e.Id, CultureInfo.InvariantCulture));
        }

        var page = rows.Skip(start - 1).Take(max).Select(e => (JsonNode)Render(e)).ToArray();
        var response = new JsonObject();
        if (page.Length > 0)
        {
            response[entity] = new JsonArray(page);
            response["startPosition"] = start;
            response["maxResults"] = page.Length;
        }

        return (200, new JsonObject { ["QueryResponse"] = response, ["time"] = Now() }.ToJsonString());
    }

    private (int, string) AnswerCdc(string entities, string changedSince)
    {
        if (!DateTimeOffset.TryParse(changedSince, CultureInfo.InvariantCulture, DateTimeStyles.None, out var since))
        {
            return (400, Fault("ValidationFault", "2010", "Request has invalid or unsupported property", $"changedSince '{changedSince}' is not a date"));
        }

        if (since < DateTimeOffset.UtcNow.AddDays(-30))
        {
            return (400, Fault("ValidationFault", "2010", "Request has invalid or unsupported property", "changedSince: cannot be more than 30 days in the past"));
        }

        var queries = new JsonArray();
        foreach (var entity in entities.Split(','))
        {
            var changed = Entities.Where(e => e.Entity == entity && e.Updated >= since).OrderBy(e => e.Updated).Take(CdcLimit)
                .Select(e => (JsonNode)(e.Deleted
                    ? new JsonObject { ["domain"] = "QBO", ["status"] = "Deleted", ["Id"] = e.Id, ["MetaData"] = new JsonObject { ["LastUpdatedTime"] = Time(e.Updated) } }
                    : Render(e)))
                .ToArray();
            queries.Add(changed.Length == 0
                ? new JsonObject()
                : new JsonObject { [entity] = new JsonArray(changed), ["startPosition"] = 1, ["maxResults"] = changed.Length });
        }

        return (200, new JsonObject { ["CDCResponse"] = new JsonArray(new JsonObject { ["QueryResponse"] = queries }), ["time"] = Now() }.ToJsonString());
    }

    [GeneratedRegex(@"^SELECT \* FROM (?<entity>[A-Za-z]+)(?: WHERE Metadata\.LastUpdatedTime >= '(?<since>[^']+)')?(?<order> ORDERBY Metadata\.LastUpdatedTime)?(?: STARTPOSITION (?<start>\d+))?(?: MAXRESULTS (?<max>\d+))?$")]
    private static partial Regex QueryPattern();
}
