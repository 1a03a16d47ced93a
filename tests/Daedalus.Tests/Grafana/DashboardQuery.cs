namespace Daedalus.Tests.Grafana;

/// <summary>One SQL query of a dashboard: a panel target or a template variable's query.</summary>
public sealed record DashboardQuery(string Dashboard, string Name, string RawSql, string Format, TimeSpan? MinInterval, string? DatasourceUid);
