namespace Daedalus.Tests.Grafana;

/// <summary>
/// One Infinity (yesoreyeram-infinity-datasource) target of a dashboard panel, with what the panel does to its frame:
/// the URL and query parameters, root selector, typed columns, "partition by values" fields, sort field and the stat
/// reduction. Read from the dashboard JSON as Grafana stores it.
/// </summary>
public sealed record InfinityPanelQuery(
    string Dashboard,
    string Panel,
    string PanelType,
    string DatasourceUid,
    string Url,
    IReadOnlyList<KeyValuePair<string, string>> Params,
    string RootSelector,
    IReadOnlyList<InfinityColumn> Columns,
    IReadOnlyList<string> PartitionBy,
    string? SortByDescending,
    IReadOnlyList<string> Calcs)
{
    public static IEnumerable<InfinityPanelQuery> From(DashboardFile file)
    {
        foreach (var panel in file.Root.GetProperty("panels").EnumerateArray())
        {
            var partition = new List<string>();
            string? sort = null;
            if (panel.TryGetProperty("transformations", out var transformations))
            {
                foreach (var t in transformations.EnumerateArray())
                {
                    switch (t.GetProperty("id").GetString())
                    {
                        case "partitionByValues":
                            partition.AddRange(t.GetProperty("options").GetProperty("fields").EnumerateArray().Select(f => f.GetString()!));
                            break;
                        case "sortBy":
                            var by = t.GetProperty("options").GetProperty("sort")[0];
                            Assert.True(by.GetProperty("desc").GetBoolean(), "only descending sorts are modelled");
                            sort = by.GetProperty("field").GetString();
                            break;
                        default:
                            throw new InvalidOperationException($"transformation '{t.GetProperty("id").GetString()}' is not modelled by this test");
                    }
                }
            }

            var calcs = panel.TryGetProperty("options", out var options) && options.TryGetProperty("reduceOptions", out var reduce)
                ? reduce.GetProperty("calcs").EnumerateArray().Select(c => c.GetString()!).ToList()
                : [];
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                yield return new InfinityPanelQuery(
                    file.Name,
                    panel.GetProperty("title").GetString()!,
                    panel.GetProperty("type").GetString()!,
                    target.GetProperty("datasource").GetProperty("uid").GetString()!,
                    target.GetProperty("url").GetString()!,
                    target.GetProperty("url_options").GetProperty("params").EnumerateArray()
                        .Select(p => KeyValuePair.Create(p.GetProperty("key").GetString()!, p.GetProperty("value").GetString()!)).ToList(),
                    target.GetProperty("root_selector").GetString()!,
                    target.GetProperty("columns").EnumerateArray()
                        .Select(c => new InfinityColumn(c.GetProperty("selector").GetString()!, c.GetProperty("text").GetString()!, c.GetProperty("type").GetString()!)).ToList(),
                    partition,
                    sort,
                    calcs);
            }
        }
    }

    public string Label(string name) => Params.Single(p => p.Key == name).Value;

    public bool HasParam(string name) => Params.Any(p => p.Key == name);

    public override string ToString() => $"{Dashboard} '{Panel}'";

}
