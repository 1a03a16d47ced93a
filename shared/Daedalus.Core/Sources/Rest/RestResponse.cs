using System.Text.Json;

namespace Daedalus.Sources.Rest;

/// <summary>One successful answer: the URL asked (without credentials), its parsed JSON body and its Link header.</summary>
public sealed record RestResponse(string Url, JsonElement Body, string? Link)
{
    /// <summary>The URL of the <c>Link</c> header entry with <paramref name="rel"/> (RFC 8288), or null.</summary>
    public string? LinkTo(string rel)
    {
        if (Link is null)
        {
            return null;
        }

        foreach (var entry in Link.Split(','))
        {
            var parts = entry.Split(';');
            var target = parts[0].Trim();
            if (target.Length < 2 || target[0] != '<' || target[^1] != '>')
            {
                continue;
            }

            foreach (var parameter in parts.Skip(1))
            {
                var pair = parameter.Split('=', 2);
                if (pair.Length == 2 && pair[0].Trim().Equals("rel", StringComparison.OrdinalIgnoreCase)
                    && pair[1].Trim().Trim('"').Split(' ').Contains(rel, StringComparer.OrdinalIgnoreCase))
                {
                    return target[1..^1];
                }
            }
        }

        return null;
    }
}
