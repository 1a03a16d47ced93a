namespace Daedalus.Sources.Sample;

public enum RowChange
{
    None,
    Update,
    Delete,
}
