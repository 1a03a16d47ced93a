using Daedalus.Client;
using Daedalus.Configuration;

namespace Daedalus.Api;

/// <summary>
/// What the sources API answers instead of a stored setting that holds a credential in plain text
/// (<see cref="PlainTextCredentialRule"/>): <see cref="PlainTextCredentialRule.Masked"/>. Writes refuse such values
/// since the rule exists; a definition stored before it may still hold one, and a secret is never read back, by
/// read- and write-scoped callers alike (it belongs in the secret store, referenced by name).
/// </summary>
public static class SourceSpecCredentialMask
{
    public static SourceSpec Apply(SourceSpec spec) => spec with
    {
        Settings = Mask(spec.Settings),
        Streams = spec.Streams.ToDictionary(s => s.Key, s => s.Value is null ? null : s.Value with { Settings = Mask(s.Value.Settings) }),
    };

    private static Dictionary<string, string>? Mask(Dictionary<string, string>? settings) =>
        settings?.ToDictionary(
            kv => kv.Key,
            kv => PlainTextCredentialRule.IsPlainCredentialSetting(kv.Key, kv.Value) ? PlainTextCredentialRule.Masked : kv.Value,
            StringComparer.OrdinalIgnoreCase);
}
