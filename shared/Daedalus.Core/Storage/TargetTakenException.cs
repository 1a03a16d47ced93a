using Daedalus.Configuration;

namespace Daedalus.Storage;

/// <summary>
/// A source definition was refused (nothing was written) because a stream targets a table another source's stream
/// owns (<see cref="TargetOwnership"/>).
/// </summary>
public sealed class TargetTakenException : Exception
{
    public TargetTakenException(IReadOnlyList<TargetClash> clashes)
        : base(string.Join("; ", clashes.Select(c => $"{c.Claim.Source}.{c.Field}: {c.Message}")))
    {
        Clashes = clashes;
    }

    public TargetTakenException()
        : this([])
    {
    }

    public TargetTakenException(string message)
        : base(message)
    {
        Clashes = [];
    }

    public TargetTakenException(string message, Exception innerException)
        : base(message, innerException)
    {
        Clashes = [];
    }

    public IReadOnlyList<TargetClash> Clashes { get; }
}
