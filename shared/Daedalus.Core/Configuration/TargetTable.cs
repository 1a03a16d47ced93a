namespace Daedalus.Configuration;

public sealed class TargetTable
{
    public string Schema { get; set; } = "public";

    public string Table { get; set; } = "";
}
