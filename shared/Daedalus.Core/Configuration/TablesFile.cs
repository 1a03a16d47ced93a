namespace Daedalus.Configuration;

/// <summary>
/// The seed's table list, <c>config/tables.yaml</c>, read beside <c>daedalus.yaml</c>: each entry becomes one
/// Snowflake source of one stream (so each table has its own schedule, runs and status), whose connection settings
/// and secrets are copied from the Snowflake source named by <c>connection:</c> in daedalus.yaml. See
/// docs/tables-yaml.md for the field mapping and what <c>encryption</c> and <c>compression</c> do.
/// </summary>
public static class TablesFile
{
    public const string FileName = "tables.yaml";

    /// <summary>The <see cref="SourceDefinition.Origin"/> of sources made from tables.yaml entries.</summary>
    public const string Origin = "tables.yaml";

    public const string SnowflakePlugin = "snowflake";
}
