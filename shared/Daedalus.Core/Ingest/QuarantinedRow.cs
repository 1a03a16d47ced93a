namespace Daedalus.Ingest;

/// <summary>A row a QA rule rejected: the rule, the reason and the row as JSON (protected columns already protected).</summary>
public sealed record QuarantinedRow(string Rule, string Reason, string RowJson, bool Deleted = false);
