using System.Diagnostics.CodeAnalysis;

namespace Daedalus.Api;

/// <summary>The one mapping between <see cref="ApiAuthMode"/> and its configuration text (lower case, exact).</summary>
public static class ApiAuthModes
{
    private static readonly Dictionary<ApiAuthMode, string> Names = new()
    {
        [ApiAuthMode.ApiKey] = "apikey",
        [ApiAuthMode.None] = "none",
        [ApiAuthMode.FunctionKeys] = "functionkeys",
    };

    /// <summary>Every configuration name, for messages.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Names.Values];

    public static string Name(ApiAuthMode mode) => Names[mode];

    /// <summary>Parses a configuration value; numbers and unknown names are refused.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ApiAuthMode? mode)
    {
        foreach (var (value, name) in Names)
        {
            if (string.Equals(text, name, StringComparison.Ordinal))
            {
                mode = value;
                return true;
            }
        }

        mode = null;
        return false;
    }
}
