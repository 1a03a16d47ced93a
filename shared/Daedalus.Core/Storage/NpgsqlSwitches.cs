using System.Runtime.CompilerServices;

namespace Daedalus.Storage;

/// <summary>
/// Npgsql behaviour every host needs, set before Npgsql's statics read it. By default Npgsql writes
/// <see cref="DateOnly.MaxValue"/> / <see cref="DateTime.MaxValue"/> as <c>infinity</c> (and MinValue as <c>-infinity</c>),
/// which turns the common "open-ended" date 9999-12-31 into a value no equality matches. The projects also set this
/// switch in their runtimeconfig (Directory.Build.props); this covers hosts that load the library another way.
/// </summary>
internal static class NpgsqlSwitches
{
#pragma warning disable CA2255 // A library initializer on purpose: every host that loads Daedalus must get this switch before Npgsql reads it.
    [ModuleInitializer]
    internal static void Set() => AppContext.SetSwitch("Npgsql.DisableDateTimeInfinityConversions", true);
#pragma warning restore CA2255
}
