using System.Text.Json;

namespace Daedalus.Tests.Grafana;

/// <summary>A provisioned dashboard JSON under docker/grafana/dashboards/{postgres,http}/, read the way Grafana's JSON model is laid out.</summary>
public sealed class DashboardFile
{
    /// <summary>The PostgreSQL (SQL) dashboards.</summary>
    public static readonly string[] Names = ["postgres/pipeline-health.json", "postgres/business-metrics.json"];

    /// <summary>The HTTP dashboards (Infinity data source against /api/v1).</summary>
    public static readonly string[] HttpNames = ["http/daedalus-http.json"];

    private DashboardFile(string name, JsonElement root)
    {
        Name = name;
        Root = root;
    }

    public string Name { get; }

    public JsonElement Root { get; }

    public string TimeFrom => Root.GetProperty("time").GetProperty("from").GetString()!;

    public static string Directory => Path.Combine(RepositoryRoot(), "docker", "grafana");

    public static DashboardFile Load(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "dashboards", name)));
        return new DashboardFile(name, document.RootElement.Clone());
    }

    /// <summary>Template variable queries in declaration order (later ones may use earlier ones).</summary>
    public IEnumerable<DashboardQuery> Variables()
    {
        if (!Root.TryGetProperty("templating", out var templating))
        {
            yield break;
        }

        foreach (var variable in templating.GetProperty("list").EnumerateArray().Where(v => v.GetProperty("type").GetString() == "query"))
        {
            var query = variable.GetProperty("query");
            var sql = query.ValueKind == JsonValueKind.Object ? query.GetProperty("rawSql").GetString()! : query.GetString()!;
            yield return new DashboardQuery(Name, $"variable {variable.GetProperty("name").GetString()}", sql, "table", null, Uid(variable));
        }
    }

    /// <summary>Every target of every panel, including panels nested in collapsed rows.</summary>
    public IEnumerable<DashboardQuery> Panels() => PanelsIn(Root.GetProperty("panels"));

    public bool IsMultiValue(string variable) => Root.GetProperty("templating").GetProperty("list").EnumerateArray()
        .Where(v => v.GetProperty("name").GetString() == variable)
        .Any(v => (v.TryGetProperty("multi", out var m) && m.GetBoolean()) || (v.TryGetProperty("includeAll", out var a) && a.GetBoolean()));

    private IEnumerable<DashboardQuery> PanelsIn(JsonElement panels)
    {
        foreach (var panel in panels.EnumerateArray())
        {
            if (panel.TryGetProperty("panels", out var nested))
            {
                foreach (var query in PanelsIn(nested))
                {
                    yield return query;
                }
            }

            if (!panel.TryGetProperty("targets", out var targets))
            {
                continue;
            }

            TimeSpan? minInterval = panel.TryGetProperty("interval", out var interval) && interval.GetString() is { Length: > 0 } text
                ? GrafanaSqlExpander.ParseInterval(text)
                : null;
            foreach (var target in targets.EnumerateArray())
            {
                yield return new DashboardQuery(
                    Name,
                    $"panel {panel.GetProperty("id").GetInt32()} '{panel.GetProperty("title").GetString()}' {target.GetProperty("refId").GetString()}",
                    target.GetProperty("rawSql").GetString()!,
                    target.TryGetProperty("format", out var format) ? format.GetString()! : "time_series",
                    minInterval,
                    Uid(target) ?? Uid(panel));
            }
        }
    }

    private static string? Uid(JsonElement element) =>
        element.TryGetProperty("datasource", out var datasource) && datasource.ValueKind == JsonValueKind.Object && datasource.TryGetProperty("uid", out var uid)
            ? uid.GetString()
            : null;

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Daedalus.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("repository root (Daedalus.sln) not found");
    }
}
