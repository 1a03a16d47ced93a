namespace Daedalus.Configuration;

/// <summary>One problem in configuration: where (file, line, field path) and what is wrong.</summary>
public sealed record ConfigError(string Path, string Message, string? File = null, int? Line = null)
{
    public override string ToString()
    {
        var where = File is null ? "" : Line is null ? $"{File}: " : $"{File}:{Line}: ";
        return $"{where}{Path}: {Message}";
    }
}
